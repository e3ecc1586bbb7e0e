"""Hypothesis over every Open311 parameter: the query parameters of the lists and
details, and every field of a POSTed service request, in each body encoding a
client might use (or break). Whatever is sent, the answer is never a 5xx and is
the specification's document in the format asked for: a list, or an error list
for a refusal.

Generation is derandomized (CI sees the same cases every run) and bounded to a few
seconds; the edge values that once broke a parser are always among the cases."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from django.test import Client
from hypothesis import event, given, settings
from hypothesis import strategies as st

from aduan.open311.models import Open311Client
from aduan.open311.services import open311_key_hash
from aduan.reports.models import Report
from tests.fuzz import FUZZ

pytestmark = pytest.mark.django_db

KEY = "kunci-uji-fuzz"

# Values where parsers break: the calendar's ends and beyond, offsets, naive and
# impossible dates, numbers too large for any column, NUL and control characters,
# other scripts, markup, long text.
EDGES = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "18446744073709551616",
    "9" * 40,
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-11-28T10:00:00+24:00",
    "2026-11-28T10:00:00 07:00",
    "2026-11-28T10:00:00",
    "2026-11-28",
    "\x00",
    "a\x00b",
    "\x01\x1b\x7f",
    "\ud7ff\ufffe",
    "true",
    "open,closed",
    ",,,",
    "🚧" * 50,
    "ā" * 3000,
    "<x a='1'>&amp;</x>",
    "]]>",
    "../../etc/passwd",
    "' OR 1=1 --",
    "-90.0000001",
    "180.5",
    "-6.7063",
    "108.5570",
    "infrastruktur.jalan",
    "32.74.01",
    "complaint",
]
OFFSETS = [timezone(timedelta(hours=hours)) for hours in (-14, -5, 0, 7, 14)]
MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 1),  # noqa: DTZ001 (the bounds of naive values, then zoned)
    max_value=datetime(9999, 12, 31, 23, 59, 59),  # noqa: DTZ001
    timezones=st.sampled_from(OFFSETS),
).map(lambda moment: moment.isoformat())
# Digits of any script (str.isdigit() holds for "²", which int() cannot read), and
# control characters, NUL among them (PostgreSQL cannot store it).
DIGITS = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=4)
CONTROLS = st.one_of(
    st.text(st.characters(categories=["Cc"]), min_size=1, max_size=4),
    st.text(max_size=8).map(lambda text: f"{text}\x00{text}"),
)
VALUES = st.one_of(st.sampled_from(EDGES), st.text(max_size=30), MOMENTS, DIGITS, CONTROLS)

# Each parameter with values that pass, so that many cases get past the first
# check and reach the deeper ones with the other parameters fuzzed.
NOW = datetime(2026, 11, 28, 10, tzinfo=timezone(timedelta(hours=7)))
RECENT = [(NOW - timedelta(days=days)).isoformat() for days in (0, 30, 89)]
QUERY = {
    "service_request_id": ["", "1234567890"],
    "service_code": ["infrastruktur.jalan", "infrastruktur.jalan,kesehatan.puskesmas"],
    "start_date": RECENT,
    "end_date": RECENT,
    "status": ["open", "closed", "open,closed"],
    "page": ["1", "2"],
    "page_size": ["1", "200"],
    "extensions": ["true", "false"],
    "jurisdiction_id": ["aduan.go.id"],
}
FIELDS = {
    "service_code": ["infrastruktur.jalan", "kesehatan.puskesmas"],
    "lat": ["-6.7063"],
    "long": ["108.5570"],
    "address_string": ["Jl. Siliwangi 12, Kota Cirebon"],
    "address_id": ["17"],
    "email": ["warga.kota@example.org"],
    "phone": ["081234567890"],
    "first_name": ["Dewi"],
    "last_name": ["Lestari"],
    "description": ["Lubang besar di Jalan Siliwangi."],
    "media_url": ["https://example.org/foto/lubang.jpg"],
    "device_id": ["tt222111"],
    "account_id": ["123456"],
    "attribute[report_type]": ["complaint", "aspiration", "information"],
    "attribute[region]": ["32.74.01", "32.74"],
    "attribute[anonymous]": ["true", "false"],
    "attribute[confidential]": ["true", "false"],
}
# Fields a client should not send, only fuzzed.
ODD_FIELDS = {"attribute[]": ["x"], "attribute[x][]": ["y"], "attribute[region][]": ["32.74"]}


def params(names: dict[str, list[str]], max_size: int) -> st.SearchStrategy[dict[str, list[str]]]:
    """Some of ``names``, each with one or two values, good ones and fuzzed ones."""
    return st.sets(st.sampled_from(sorted(names)), max_size=max_size).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {
                name: st.lists(
                    st.one_of(st.sampled_from(names[name]), VALUES), min_size=1, max_size=2
                )
                for name in sorted(chosen)
            }
        )
    )


def query_strategy() -> st.SearchStrategy[dict[str, list[str]]]:
    return params(QUERY, 5)


def check(response: Any, fmt: str) -> None:
    """Never a 5xx; always a well-formed document in the format asked for, and
    for a refusal the specification's error list."""
    assert response.status_code < 500, response.content[:500]
    if fmt == "json":
        data = json.loads(response.content)
        if response.status_code >= 400:
            assert data and all({"code", "description"} <= set(item) for item in data)
    else:
        root = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer)
        if response.status_code >= 400:
            assert root.tag == "errors" and len(root), response.content


@pytest.fixture
def listed(public_report: Callable[..., Report], settings: Any) -> list[str]:
    """Public reports for the lists to show, and room for every POST."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/h")
    now = datetime.now(UTC)
    reports = [public_report(now=now - timedelta(days=days)) for days in (1, 3)]
    return [report.tracking_number for report in reports]


@settings(FUZZ, max_examples=300)
@given(
    fmt=st.sampled_from(["json", "xml"]),
    path=st.sampled_from(["requests", "services", "discovery"]),
    query=query_strategy(),
)
def test_any_query_of_the_lists_is_answered(
    listed: list[str], fmt: str, path: str, query: dict[str, list[str]]
) -> None:
    prefix = "/open311/" if path == "discovery" else "/open311/v2/"
    response = Client().get(f"{prefix}{path}.{fmt}", query)
    event(f"{path} {response.status_code}")
    check(response, fmt)


@settings(FUZZ, max_examples=150)
@given(
    fmt=st.sampled_from(["json", "xml"]),
    kind=st.sampled_from(["requests", "services", "tokens"]),
    name=st.one_of(st.sampled_from(EDGES), st.text(max_size=40)),
    query=query_strategy(),
    real=st.booleans(),
)
def test_any_detail_path_is_answered(
    listed: list[str],
    fmt: str,
    kind: str,
    name: str,
    query: dict[str, list[str]],
    real: bool,
) -> None:
    if real and kind == "requests":
        name = listed[0]
    path = f"/open311/v2/{kind}/{quote(name, safe='')}.{fmt}"
    response = Client().get(path, query)
    if name and "/" not in name and "\x00" not in name:
        check(response, fmt)
    else:
        # A path that no Open311 route matches falls to the catch-all.
        assert response.status_code < 500


BODY_TYPES = [
    "application/json",
    "text/plain",
    "multipart/form-data",  # no boundary
    "multipart/form-data; boundary=x",  # a boundary the body does not use
    "application/x-www-form-urlencoded; charset=punycode",
    "application/xml",
]


@settings(FUZZ, max_examples=400)
@given(
    fmt=st.sampled_from(["json", "xml"]),
    key=st.sampled_from([KEY] * 8 + ["", "salah"]),
    changed=params({**FIELDS, **ODD_FIELDS}, 4),
    dropped=st.sets(st.sampled_from(sorted(FIELDS)), max_size=3),
    encoding=st.sampled_from(["multipart", "multipart", "urlencoded", "raw"]),
    raw_type=st.sampled_from(BODY_TYPES),
    raw_body=st.one_of(st.binary(max_size=200), st.sampled_from([b"", b"--x\r\n", b"%ZZ=%"])),
)
def test_any_posted_service_request_is_answered(
    listed: list[str],
    fmt: str,
    key: str,
    changed: dict[str, list[str]],
    dropped: set[str],
    encoding: str,
    raw_type: str,
    raw_body: bytes,
) -> None:
    """A whole, valid request with a few fields changed or left out."""
    Open311Client.objects.get_or_create(name="Fuzz", key_hash=open311_key_hash(KEY))
    path = f"/open311/v2/requests.{fmt}"
    form = {name: values[:1] for name, values in FIELDS.items() if name not in dropped}
    form = {**form, **changed, "api_key": [key]}
    if encoding == "multipart":
        response = Client().post(path, form)
    elif encoding == "urlencoded":
        body = urlencode(form, doseq=True)
        response = Client().post(path, body, content_type="application/x-www-form-urlencoded")
    else:
        # generic(): post() would re-encode the bytes in the type's charset.
        response = Client().generic("POST", path, raw_body, content_type=raw_type)
    event(f"{encoding} {response.status_code}")
    check(response, fmt)
