"""Every endpoint of the JSON API against every kind of caller: nobody, the report's
owner, another citizen, the handling agency's key, another agency's key, a revoked
key. One table says what each gets; the callers that must be refused go first, so
a refusal that was not one would show as a changed report for the last caller."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from aduan.integrations.models import Scope
from aduan.integrations.services import api_key_issue, api_key_revoke
from aduan.integrations.webhooks import webhook_create
from aduan.reports.models import Report
from tests.api.conftest import Tokens, call
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

CALLERS = ("nobody", "revoked_key", "other_key", "other_citizen", "owner", "agency_key")
SCOPES = [Scope.REPORTS_READ, Scope.REPORTS_WRITE, Scope.WEBHOOKS]


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # {n}: the report's number; {w}: the agency's webhook
    body: dict[str, object] | None
    expected: tuple[int, int, int, int, int, int]  # in the order of CALLERS


ROWS = [
    # The citizen's endpoints: a key is no citizen's token.
    Row("get", "/reports/{n}", None, (200, 401, 401, 200, 200, 401)),
    Row("get", "/reports/mine", None, (401, 401, 401, 200, 200, 401)),
    Row("post", "/reports/{n}/reply", {"text": "Masih rusak."}, (401, 401, 401, 403, 200, 401)),
    # The reporter is counted by the report itself, never as a supporter.
    Row("post", "/reports/{n}/support", None, (401, 401, 401, 200, 403, 401)),
    Row("delete", "/reports/{n}/support", None, (401, 401, 401, 200, 200, 401)),
    Row("post", "/reports/{n}/reopen", {"reason": "x"}, (401, 401, 401, 403, 409, 401)),
    # The agency's endpoints: a citizen's token is no key; another agency's report
    # and webhook do not exist for its key.
    Row("get", "/agency/reports", None, (401, 401, 200, 401, 401, 200)),
    Row("get", "/agency/units", None, (401, 401, 200, 401, 401, 200)),
    Row("get", "/agency/reports/{n}", None, (401, 401, 404, 401, 401, 200)),
    Row(
        "post",
        "/agency/reports/{n}/follow-up",
        {"text": "Ditangani."},
        (401, 401, 404, 401, 401, 200),
    ),
    Row("post", "/agency/reports/{n}/answer", {"text": "Selesai."}, (401, 401, 404, 401, 401, 200)),
    Row("post", "/agency/reports/{n}/bounce", {"reason": "x"}, (401, 401, 404, 401, 401, 200)),
    Row("get", "/agency/webhooks", None, (401, 401, 200, 401, 401, 200)),
    Row("get", "/agency/webhooks/{w}", None, (401, 401, 404, 401, 401, 200)),
    Row("get", "/agency/webhooks/{w}/deliveries", None, (401, 401, 404, 401, 401, 200)),
    Row("patch", "/agency/webhooks/{w}", {"active": False}, (401, 401, 404, 401, 401, 200)),
    Row("delete", "/agency/webhooks/{w}", None, (401, 401, 404, 401, 401, 204)),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method.upper()} {row.path}")
def test_what_each_caller_gets(
    api: Client, tokens: Tokens, cast: Cast, dispositioned: Callable[..., Report], row: Row
) -> None:
    report = dispositioned()  # ani's, with Pemerintah Kota Cirebon
    kota = api_key_issue(actor=cast.agency_admin, name="Kota", scopes=SCOPES).secret
    other = api_key_issue(actor=cast.other_agency_admin, name="Kab", scopes=SCOPES).secret
    revoked = api_key_issue(actor=cast.agency_admin, name="Lama", scopes=SCOPES)
    api_key_revoke(actor=cast.agency_admin, key_id=revoked.key.pk)
    webhook = webhook_create(
        actor=cast.integration, url="http://127.0.0.1:9/h", events=["report.closed"]
    )
    credentials = {
        "nobody": None,
        "revoked_key": revoked.secret,
        "other_key": other,
        "other_citizen": tokens.other,
        "owner": tokens.owner,
        "agency_key": kota,
    }
    path = "/api/v1" + row.path.format(n=report.tracking_number, w=webhook.webhook.pk)
    got = {}
    for caller in CALLERS:
        response = call(api, row.method, path, credentials[caller], json=row.body)
        got[caller] = response.status_code
        if response.status_code >= 400:
            assert response["content-type"] == "application/problem+json"
    assert got == dict(zip(CALLERS, row.expected, strict=True))
