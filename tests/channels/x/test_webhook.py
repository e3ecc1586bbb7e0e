"""The Account Activity webhook: the CRC challenge answered, every POST's signature
checked over the raw body before anything is read (403 and nothing stored when it
fails), and a signed ``tweet_create_events`` delivery made a report with a public
answer queued and its photo left for the worker — once, however often X delivers it."""

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

import pytest
from django.test import Client

from aduan.channels.x.media import photos_fetch_due
from aduan.channels.x.models import InboundPost, PhotoFetch
from aduan.channels.x.services import PURPOSE_RECEIPT
from aduan.outbox.models import Message
from aduan.reports.models import Attachment, Channel, Report
from aduan.reports.tracking import tracking_number_display
from tests.channels.x.conftest import ACCOUNT_ID, SECRET, payload
from tests.channels.x.fake_x import FakeX

pytestmark = pytest.mark.django_db

URL = "/channels/x/webhook"


def sign(body: bytes, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def deliver(client: Client, event: Any, *, signature: str | None = None) -> Any:
    body = json.dumps(event).encode()
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={"x-twitter-webhooks-signature": sign(body) if signature is None else signature},
    )


def test_it_answers_the_crc_challenge(client: Client, fake_x: FakeX) -> None:
    response = client.get(URL, {"crc_token": "challenge-123"})
    assert response.status_code == 200
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), b"challenge-123", hashlib.sha256).digest()
    ).decode()
    assert response.json() == {"response_token": f"sha256={expected}"}
    assert client.get(URL).status_code == 400


def test_it_refuses_everything_without_a_consumer_secret(client: Client, settings: Any) -> None:
    settings.X_CONSUMER_SECRET = ""
    assert client.get(URL, {"crc_token": "x"}).status_code == 403
    assert deliver(client, payload("activity_report.json"), signature="sha256=").status_code == 403


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=", "sha256=AAAA", "wrong-secret", "tampered"],
)
def test_it_refuses_a_post_without_a_valid_signature(
    client: Client, fake_x: FakeX, signature: str
) -> None:
    event = payload("activity_report.json", fake_x)
    body = json.dumps(event).encode()
    if signature == "wrong-secret":
        signature = sign(body, "another-secret")
    elif signature == "tampered":
        signature = sign(body.replace(b"Siliwangi", b"Kartini"))
    response = deliver(client, event, signature=signature)
    assert response.status_code == 403
    assert not InboundPost.objects.exists()
    assert not Report.objects.exists()
    assert not Message.objects.exists()
    assert fake_x.requests == []  # not even the photo was fetched


def test_it_refuses_a_signed_body_that_is_no_json(client: Client, fake_x: FakeX) -> None:
    body = b"not json"
    response = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={"x-twitter-webhooks-signature": sign(body)},
    )
    assert response.status_code == 400


def test_it_makes_a_report_of_a_signed_post(client: Client, fake_x: FakeX, settings: Any) -> None:
    response = deliver(client, payload("activity_report.json", fake_x))
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.channel == Channel.X
    assert report.body == "Jalan berlubang besar di Jl. Siliwangi & membahayakan motor"
    # The photo is the worker's to fetch: X wants its webhook answered at once.
    assert fake_x.requests == []
    assert PhotoFetch.objects.get().report == report
    assert photos_fetch_due() == 1
    assert Attachment.objects.filter(report=report).count() == 1
    assert [r.path for r in fake_x.requests] == ["/media/FhOto1.jpg"]
    inbound = InboundPost.objects.get()
    assert (inbound.post_id, inbound.author_id) == ("1862400000000000001", "1234567890123456789")
    assert inbound.report == report and inbound.outcome == InboundPost.Outcome.REPORT
    identity = report.reporter.identities.get()
    assert (identity.kind, identity.value) == ("x", "sitiwarga")
    message = Message.objects.get()
    assert (message.channel, message.purpose, message.recipient) == (
        "x",
        PURPOSE_RECEIPT,
        "sitiwarga",
    )
    assert message.report_id == report.pk and message.reporter_id == report.reporter_id
    number = tracking_number_display(report.tracking_number)
    assert message.body == (
        f"Laporan Anda kami terima dengan nomor {number}. "
        f"Pantau di {settings.SITE_URL}/lacak?nomor={report.tracking_number}"
    )


def test_the_same_post_twice_makes_one_report(client: Client, fake_x: FakeX) -> None:
    event = payload("activity_report.json", fake_x)
    assert deliver(client, event).status_code == 200
    assert deliver(client, event).status_code == 200
    assert Report.objects.count() == 1
    assert InboundPost.objects.count() == 1
    assert Message.objects.count() == 1


def test_it_makes_no_report_of_other_posts_and_events(client: Client, fake_x: FakeX) -> None:
    for name in ("activity_own_reply.json", "activity_not_a_report.json"):
        assert deliver(client, payload(name, fake_x)).status_code == 200
    assert not Report.objects.exists()
    assert not InboundPost.objects.exists()
    assert not Message.objects.exists()


def test_it_ignores_another_accounts_activity(client: Client, fake_x: FakeX) -> None:
    event = payload("activity_report.json", fake_x)
    event["for_user_id"] = "999"
    assert deliver(client, event).status_code == 200
    assert not Report.objects.exists()


def test_it_writes_no_handle_or_name_in_the_log(
    client: Client, fake_x: FakeX, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    event = payload("activity_report.json", fake_x)
    deliver(client, event)
    deliver(client, event)
    deliver(client, event, signature="sha256=bad")
    logged = caplog.text.lower()
    assert "sitiwarga" not in logged and "siti warga" not in logged
    assert "1234567890123456789" not in logged
    assert ACCOUNT_ID not in logged
