"""Schemathesis against /api/v1/openapi.json: every operation the schema lists is
called with generated requests, valid and invalid, and every answer is checked
against the schema (status code, content type, body) and the API's rules (never a
5xx, invalid data refused, valid data accepted, auth enforced).

The app runs in process (aduan.wsgi) on the test database, so this runs on SQLite
and PostgreSQL like every other test. Callers are real: a citizen's Bearer token,
an agency's API key for /api/v1/agency/..., or nobody; path parameters are often
the tracking numbers of real reports, so calls get past the 404. Generation is
derandomized: CI sees the same cases every run."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.test.utils import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import ignored_auth

from aduan.wsgi import application
from tests.api.conftest import Fuzzing

Case = Any  # schemathesis.Case, generic in ways that do not matter here

# The count at the end reads what the fuzzing test did in the same process: under
# pytest-xdist (`make check`) the module stays on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("schemathesis")

# Each operation gets up to this many fuzzed cases (fewer when its inputs run out),
# plus its explicit examples and the coverage phase's boundary cases; the whole run
# must come to at least MIN_CASES.
MAX_EXAMPLES = 40
MIN_CASES = 1_000

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20_250_601,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
    }
)


def app(environ: dict[str, Any], start_response: Any) -> Any:
    """aduan.wsgi as a server runs it: Werkzeug's test client leaves out the
    caller's address (REMOTE_ADDR), which every real server sets and the rate
    limits count by."""
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return application(environ, start_response)


# The schema is read from the app itself, as a client would; Schemathesis's WSGI
# client calls it "localhost".
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)

# The API answers 400 with its own code when input that fits the schema breaks a
# rule no schema can state: a tracking number whose Damm check digit fails, a
# page cursor it never gave out, a category or unit that does not exist, a blank
# text, a latitude without a longitude. Those are right, so the "valid data was
# refused" check (only that one) lets a 400 pass unless its code is
# validation_failed: that code means the schema and the server disagree.


@schema.hook
def filter_failure(
    context: schemathesis.HookContext,
    failure: Any,
    case: Case,
    response: schemathesis.Response,
) -> bool:
    if type(failure).__name__ != "RejectedPositiveData":
        return True
    try:
        code = response.json().get("code")
    except ValueError:
        return True
    if response.status_code == 400:
        return bool(code == "validation_failed")
    # An Idempotency-Key already used for another request is refused by a rule no
    # schema states either (the fuzzer sends "0" to many operations).
    return not (response.status_code == 422 and code == "idempotency_key_reused")


@schema.auth(refresh_interval=None)
class _Callers:
    """Who sends each case: the citizen, the agency (under /api/v1/agency) or
    nobody, as ``Fuzzing.headers_for`` decides. Given to Schemathesis as its auth,
    so it leaves the cases alone that test a missing or bad Authorization."""

    def get(self, case: Case, ctx: schemathesis.AuthContext) -> dict[str, str] | None:
        # The schema's explicit examples are built while pytest collects: no callers yet.
        return _RUNNING[0].headers_for(case) if _RUNNING else None

    def set(self, case: Case, data: dict[str, str], ctx: schemathesis.AuthContext) -> None:
        for name in [name for name in case.headers if name.lower() == "authorization"]:
            del case.headers[name]
        if "authorization" in data:
            case.headers["Authorization"] = data["authorization"]


# The running test's callers, for the auth provider above.
_RUNNING: list[Fuzzing] = []

OPERATIONS = {result.ok().label for result in schema.get_all_operations()}  # type: ignore[union-attr]
# What the run did: cases per operation, filled in by the fuzzing test.
RAN: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _in_process(settings: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """The WSGI app as Django's test client runs it: the host is allowed, and the
    end of a request does not close the connection that holds the test's
    transaction."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # Room for every generated case to reach the endpoint: at the real rates all
    # but the first few POSTs would be 429. (429 itself is tested where the limits
    # are, and documented: see test_openapi.py.)
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/h")
    _RUNNING.clear()
    if "fuzzing" in request.fixturenames:
        _RUNNING.append(request.getfixturevalue("fuzzing"))
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The fixture's reports and callers are meant to be shared by the cases of one
# operation (a case may change them: that is a state the next case meets).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_survives_generated_requests(case: Case, fuzzing: Fuzzing) -> None:
    """One generated request, sent as a real caller: no 5xx, nothing that breaks the
    schema, invalid data refused, valid data accepted, auth enforced."""
    RAN[case.operation.label] = RAN.get(case.operation.label, 0) + 1
    meta = case.meta
    path_negative = meta is not None and meta.is_negative_at(ParameterLocation.PATH)
    if "tracking_number" in case.path_parameters and not path_negative:
        number = fuzzing.tracking_number_for(case)
        if number is not None:
            case.path_parameters["tracking_number"] = number
    case.call_and_validate()


def test_the_run_generated_enough_cases() -> None:
    """Runs after the fuzzing test above (pytest keeps a module's order): every
    operation was called, at least MIN_CASES times in all."""
    if not RAN:
        pytest.skip("the Schemathesis test was not selected in this run")
    assert set(RAN) == OPERATIONS, OPERATIONS - set(RAN)
    print(f"schemathesis: {sum(RAN.values())} cases over {len(RAN)} operations")
    assert sum(RAN.values()) >= MIN_CASES, RAN


# -- the families of issue 18's finding 5, over every operation the schema lists -----

# Where the calendar ends, with offsets that carry the time beyond it in UTC (each
# was a 500 as the agency inbox's updated_since and the statistics' spans).
CALENDAR_ENDS = {
    "date-time": [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ],
    "date": ["0001-01-01", "9999-12-31"],
}
BY_LABEL = {result.ok().label: result.ok() for result in schema.get_all_operations()}  # type: ignore[union-attr]


def _formats(parameter: Any) -> set[str]:
    declared = parameter.definition.get("schema", {})
    return {option["format"] for option in declared.get("anyOf", [declared]) if "format" in option}


CALENDAR_CASES = [
    (label, parameter.name, value)
    for label, operation in sorted(BY_LABEL.items())
    for parameter in operation.query
    for kind in sorted(_formats(parameter) & set(CALENDAR_ENDS))
    for value in CALENDAR_ENDS[kind]
]
MULTIPART = sorted(
    label
    for label, operation in BY_LABEL.items()
    if any(body.media_type == "multipart/form-data" for body in operation.body)
)


def _caller(fuzzing: Fuzzing, path: str) -> dict[str, str]:
    if path.startswith("/api/v1/agency"):
        return fuzzing.agency_headers()
    return fuzzing.citizen_headers()


def test_the_families_are_found() -> None:
    """The schema still has what the two tests below go over."""
    assert {name for _label, name, _value in CALENDAR_CASES} >= {"updated_since", "start", "end"}
    assert len(MULTIPART) >= 4, MULTIPART


@pytest.mark.parametrize(("label", "name", "value"), CALENDAR_CASES)
def test_a_date_at_the_calendars_end_is_answered(
    label: str, name: str, value: str, fuzzing: Fuzzing
) -> None:
    """Every date or date-time query parameter, at the first and the last moment
    Python can hold: no 5xx, and an answer the schema describes."""
    operation = BY_LABEL[label]
    case = operation.Case(query={name: value}, headers=_caller(fuzzing, operation.path))
    # The key is a real one, given here rather than by the auth provider, which the
    # "ignored auth" check cannot tell from a made-up one.
    response = case.call_and_validate(excluded_checks=[ignored_auth])
    assert response.status_code < 500


@pytest.mark.parametrize("label", MULTIPART)
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; charset=utf-8",
    ],
)
def test_a_form_without_a_good_boundary_is_a_400(
    label: str, content_type: str, api: Client, fuzzing: Fuzzing
) -> None:
    """Django cannot read such a form (MultiPartParserError): the sender's fault,
    in the API's one error shape — it was a 500."""
    operation = BY_LABEL[label]
    path = operation.path.replace("{tracking_number}", fuzzing.tracking_numbers[0])
    response = api.generic(
        "POST",
        path,
        b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhalo\r\n--x--\r\n',
        content_type=content_type,
        headers=_caller(fuzzing, path),
    )
    assert response.status_code == 400, response.content
    assert response["content-type"] == "application/problem+json"
    assert response.json()["code"] == "body_unreadable"


def test_the_fuzzing_callers_are_real(api: Client, fuzzing: Fuzzing) -> None:
    """The token and the tracking numbers Schemathesis is given work."""
    mine = api.get("/api/v1/reports/mine", headers=fuzzing.citizen_headers())
    assert mine.status_code == 200
    assert mine.json()["count"] >= 1
    for number in fuzzing.tracking_numbers:
        response = api.get(f"/api/v1/reports/{number}", headers=fuzzing.citizen_headers())
        assert response.status_code == 200, number
