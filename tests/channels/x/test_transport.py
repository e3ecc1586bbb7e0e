"""Messages to X reporters through the (fake) X API v2: the channel's public answer
as a reply in the thread of the reporter's post, with the number and link only and
the same for a confidential report; every notice of progress as a direct message
to the post's author; X's rate limit (429 and its reset time) and failures told
apart for the outbox's retries."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from aduan.channels.x.models import InboundPost
from aduan.channels.x.services import PURPOSE_RECEIPT, receipt_text
from aduan.channels.x.transport import XTransport
from aduan.outbox.models import Message
from aduan.outbox.services import message_deliver, message_send
from aduan.outbox.transports import TransportError
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.tracking import tracking_number_display
from tests.channels.x.conftest import payload
from tests.channels.x.fake_x import FakeX
from tests.channels.x.test_webhook import deliver
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

AUTHOR_ID = "1234567890123456789"
POST_ID = "1862400000000000001"


@pytest.fixture
def x_report(client: Client, fake_x: FakeX) -> Report:
    """A report made of a post through the webhook, its public answer queued."""
    assert deliver(client, payload("activity_report.json", fake_x)).status_code == 200
    fake_x.requests.clear()
    return Report.objects.get()


def test_it_answers_in_the_thread_of_the_post(fake_x: FakeX, x_report: Report) -> None:
    receipt = Message.objects.get(purpose=PURPOSE_RECEIPT)
    sent = message_deliver(message_id=receipt.pk)
    assert sent is not None and sent.status == Message.Status.SENT
    [call] = fake_x.requests
    assert (call.method, call.path) == ("POST", "/2/tweets")
    assert call.headers["authorization"] == "Bearer user-token"
    assert call.body == {"text": receipt.body, "reply": {"in_reply_to_tweet_id": POST_ID}}
    assert sent.external_id.isdigit()
    assert len(call.body["text"]) <= 280


def test_the_public_answer_is_the_same_for_a_confidential_report(
    cast: Cast, make_report: MakeReport
) -> None:
    public = make_report()
    confidential = make_report(confidential=True)
    services.report_dispose(
        actor=cast.national, report=confidential, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    confidential.refresh_from_db()

    def shape(report: Report) -> str:
        return (
            receipt_text(report)
            .replace(tracking_number_display(report.tracking_number), "<number>")
            .replace(report.tracking_number, "<number>")
        )

    assert shape(public) == shape(confidential)
    # Only the number and the link: no state, no agency, no reporter.
    text = receipt_text(confidential)
    assert cast.kota.name not in text and str(cast.pupr.name) not in text
    assert "Dinas" not in text and "disposisi" not in text.lower()


def test_notices_of_a_public_report_follow_in_its_thread(
    cast: Cast, fake_x: FakeX, x_report: Report
) -> None:
    services.report_dispose(
        actor=cast.national, report=x_report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    notice = Message.objects.exclude(purpose=PURPOSE_RECEIPT).get()
    assert notice.channel == "x"
    sent = message_deliver(message_id=notice.pk)
    assert sent is not None and sent.status == Message.Status.SENT
    [call] = fake_x.requests
    assert (call.method, call.path) == ("POST", "/2/tweets")
    assert call.body == {"text": notice.body, "reply": {"in_reply_to_tweet_id": POST_ID}}


def test_a_long_notice_in_the_thread_is_cut_at_a_word(fake_x: FakeX, x_report: Report) -> None:
    body = "Tindak lanjut: " + "perbaikan saluran " * 30
    message = message_send(
        channel="x", recipient="sitiwarga", body=body, purpose="follow_up", report_id=x_report.pk
    )
    XTransport().send(message)
    [call] = fake_x.calls("POST", "/2/tweets")
    text = call.body["text"]
    assert len(text) <= 280 and text.endswith("...")
    assert text[:-3].split(" ")[-1] in ("perbaikan", "saluran")  # whole words only


def test_notices_of_an_anonymous_report_go_by_direct_message(
    fake_x: FakeX, x_report: Report
) -> None:
    Report.objects.filter(pk=x_report.pk).update(is_anonymous=True)
    message = message_send(
        channel="x",
        recipient="sitiwarga",
        body="Diproses",
        purpose="follow_up",
        report_id=x_report.pk,
    )
    XTransport().send(message)
    assert fake_x.calls("POST", "/2/tweets") == []
    [call] = fake_x.calls("POST", "/2/dm_conversations/")
    assert call.path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"


def test_a_confidential_reports_notices_never_go_public(fake_x: FakeX, x_report: Report) -> None:
    Report.objects.filter(pk=x_report.pk).update(is_confidential=True)
    message = message_send(
        channel="x",
        recipient="sitiwarga",
        body="Laporan: diproses",
        purpose="status",
        report_id=x_report.pk,
    )
    XTransport().send(message)
    assert fake_x.calls("POST", "/2/tweets") == []
    assert len(fake_x.calls("POST", "/2/dm_conversations/")) == 1


def test_a_message_without_a_report_finds_the_author_by_handle(
    fake_x: FakeX, x_report: Report
) -> None:
    message = message_send(channel="x", recipient="SitiWarga", body="Halo", purpose="other")
    XTransport().send(message)
    [call] = fake_x.requests
    assert call.path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"


def test_a_handle_never_seen_is_a_permanent_failure(fake_x: FakeX) -> None:
    message = message_send(channel="x", recipient="nobody", body="Halo", purpose="other")
    with pytest.raises(TransportError) as caught:
        XTransport().send(message)
    assert caught.value.permanent
    assert fake_x.requests == []


def test_a_rate_limit_is_tried_again_after_the_reset(fake_x: FakeX, x_report: Report) -> None:
    fake_x.rate_limited_until = 1796000000
    receipt = Message.objects.get(purpose=PURPOSE_RECEIPT)
    with pytest.raises(TransportError) as caught:
        XTransport().send(receipt)
    assert not caught.value.permanent
    assert "429" in str(caught.value) and "2026-11-30T" in str(caught.value)
    sent = message_deliver(message_id=receipt.pk)
    assert sent is not None
    assert sent.status == Message.Status.PENDING and sent.next_attempt_at is not None
    assert "429" in sent.last_error
    # Once the window has reset, the outbox's next attempt goes through.
    fake_x.rate_limited_until = 0
    again = message_deliver(message_id=receipt.pk, now=sent.next_attempt_at)
    assert again is not None and again.status == Message.Status.SENT


@pytest.mark.parametrize(("status", "permanent"), [(403, True), (400, True), (503, False)])
def test_it_tells_refusals_from_failures(
    fake_x: FakeX, x_report: Report, status: int, permanent: bool
) -> None:
    fake_x.fail_status = status
    receipt = Message.objects.get(purpose=PURPOSE_RECEIPT)
    with pytest.raises(TransportError) as caught:
        XTransport().send(receipt)
    assert caught.value.permanent is permanent


def test_an_unreachable_x_is_tried_again(settings: Any, fake_x: FakeX, x_report: Report) -> None:
    settings.X_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    receipt = Message.objects.get(purpose=PURPOSE_RECEIPT)
    with pytest.raises(TransportError) as caught:
        XTransport().send(receipt)
    assert not caught.value.permanent


def test_the_authors_x_id_is_kept_encrypted(x_report: Report) -> None:
    inbound = InboundPost.objects.get(report=x_report)
    assert (inbound.post_id, inbound.author_id) == (POST_ID, AUTHOR_ID)
    with connection.cursor() as cursor:
        cursor.execute("SELECT author_id FROM x_inboundpost")
        [(stored,)] = cursor.fetchall()
    assert AUTHOR_ID not in stored
