"""Hypothesis over the Kannel endpoints' parameters (``from``, ``to``, ``text``,
``smsc``, ``ts``, ``id``, ``charset``, ``coding``; ``message``, ``status`` and
``answer`` of a delivery report), sent by GET and by POST as Kannel may send them,
with the secret and without: whatever arrives, the answer is never a 5xx, and an
answer to the gateway is plain text.

Generation is derandomized (CI sees the same cases every run) and bounded to a few
seconds; the edge values that once broke a parser are always among the cases."""

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import event, given, settings
from hypothesis import strategies as st

from aduan.outbox.models import Message
from tests.channels.sms.charsets import NONSENSE, NOT_SMS, SMS
from tests.fuzz import FUZZ

pytestmark = pytest.mark.django_db

SECRET = "kannel-fuzz-s3cret"
CHARSETS = NOT_SMS + SMS + NONSENSE
EDGES = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "²",
    "١٢٣",
    "+628123456789",
    "0812-3456-789",
    "TELKOMSEL",
    "\x00",
    "a\x00b",
    "\x01\x1b\x7f",
    "%",
    "%ZZ",
    "%00",
    "%FF%FE",
    "LAPOR jalan rusak",
    "INFO 1234567890",
    "BALAS 1234567890 sudah",
    "🚧" * 80,
    "ā" * 2000,
    "2026-11-28 10:00:00",
    "0001-01-01 00:00:00",
    "9999-12-31 23:59:59",
]
# Digits of any script: str.isdigit() holds for "²" and "١", int() reads only some.
DIGITS = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=4)
# Control characters (NUL among them: PostgreSQL cannot store it).
CONTROLS = st.one_of(
    st.text(st.characters(categories=["Cc"]), min_size=1, max_size=4),
    st.text(max_size=8).map(lambda text: f"{text}\x00{text}"),
)
VALUES = st.one_of(st.sampled_from(EDGES), st.text(max_size=30), DIGITS, CONTROLS)
GOOD = {
    "from": ["+628123456789", "+628123450000", "081234567890"],
    "to": ["1708"],
    "text": ["LAPOR jalan rusak di depan pasar", "INFO 1234567890", "halo"],
    "smsc": ["telkomsel"],
    "ts": ["2026-11-28 10:00:00"],
    "id": ["k-1", "k-2"],
    "coding": ["0", "2"],
    "charset": ["UTF-8", "ISO-8859-1", "UTF-16BE"],
}
FUZZED = {
    **dict.fromkeys(GOOD, VALUES),
    "charset": st.one_of(st.sampled_from(CHARSETS), VALUES),
    "text": st.one_of(VALUES, st.binary(max_size=80).map(lambda raw: raw.decode("iso-8859-1"))),
}
DELIVERY_GOOD = {"message": ["real"], "status": ["1", "2", "4", "8", "16"], "answer": ["DELIVRD"]}
DELIVERY_FUZZED = {
    "message": st.one_of(VALUES, DIGITS),
    "status": VALUES,
    "answer": VALUES,
    "charset": st.one_of(st.sampled_from(CHARSETS), VALUES),
}


def changed(fuzzed: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, str]]:
    """One to three parameters with fuzzed values, the others left good."""
    return st.sets(st.sampled_from(sorted(fuzzed)), min_size=1, max_size=3).flatmap(
        lambda names: st.fixed_dictionaries({name: fuzzed[name] for name in sorted(names)})
    )


@pytest.fixture(autouse=True)
def _gateway(settings: Any) -> None:
    settings.SMS_SECRET = SECRET
    settings.SMS_ALLOWED_IPS = []
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/h")


def _send(path: str, params: dict[str, str], method: str, percent_text: bytes | None) -> Any:
    """GET or POST (a form, as Kannel's post-url sends it) of ``params``; the text,
    when ``percent_text`` is given, as raw bytes in %-escapes (a charset's bytes)."""
    query = urlencode(params)
    if percent_text is not None:
        query += "&text=" + "".join(f"%{byte:02X}" for byte in percent_text)
    client = Client()
    if method == "GET":
        return client.get(f"{path}?{query}")
    return client.generic(
        "POST", path, query.encode(), content_type="application/x-www-form-urlencoded"
    )


def check(response: Any) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.status_code in (200, 400, 403):
        assert response["Content-Type"] == "text/plain; charset=utf-8"


@settings(FUZZ, max_examples=400)
@given(
    method=st.sampled_from(["GET", "POST"]),
    secret=st.sampled_from([SECRET] * 8 + ["", "salah"]),
    good=st.fixed_dictionaries({name: st.sampled_from(values) for name, values in GOOD.items()}),
    fuzzed=changed(FUZZED),
    raw_text=st.one_of(st.none(), st.none(), st.binary(max_size=60)),
)
def test_any_inbound_sms_is_answered(
    method: str,
    secret: str,
    good: dict[str, str],
    fuzzed: dict[str, str],
    raw_text: bytes | None,
) -> None:
    """A good request from the gateway with one to three parameters fuzzed; the
    text sometimes as raw bytes (in whatever charset was named)."""
    params = {**good, **fuzzed, "secret": secret}
    if raw_text is not None:
        del params["text"]
    response = _send("/channels/sms/kannel", params, method, raw_text)
    event(f"{method} {response.status_code}")
    check(response)


@settings(FUZZ, max_examples=200)
@given(
    method=st.sampled_from(["GET", "POST"]),
    secret=st.sampled_from([SECRET] * 8 + [""]),
    good=st.fixed_dictionaries(
        {name: st.sampled_from(values) for name, values in DELIVERY_GOOD.items()}
    ),
    fuzzed=changed(DELIVERY_FUZZED),
)
def test_any_delivery_report_is_answered(
    method: str, secret: str, good: dict[str, str], fuzzed: dict[str, str]
) -> None:
    params = {**good, **fuzzed, "secret": secret}
    if params["message"] == "real":
        sent = Message.objects.create(
            channel="sms", recipient="+628123456789", recipient_hash="x", purpose="follow_up"
        )
        params["message"] = str(sent.pk)
    response = _send("/channels/sms/kannel/dlr", params, method, None)
    event(f"{method} {response.status_code}")
    check(response)
