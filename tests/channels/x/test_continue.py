"""A report goes on by X as by any door (issue 8, point 4): its reporter's reply in
its thread reaches it; ``CEK`` and ``BALAS`` in a post or a direct message ask
and answer; a direct message is a command like an SMS to 1708. What is answered
in public is what the report's page shows anyway; the rest goes by direct
message; a stranger's reply in the thread leaves no trace."""

import copy
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from aduan.channels.x.models import InboundPost
from aduan.channels.x.parse import DirectMessage, Post
from aduan.channels.x.services import PURPOSE_ANSWER, PURPOSE_RECEIPT, direct_receive, post_receive
from aduan.outbox.models import Message
from aduan.outbox.services import message_deliver
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports import services
from aduan.reports.models import Action, Channel, Report, State
from aduan.reports.policy import Actor
from aduan.reports.tracking import tracking_number_display
from tests.accounts.conftest import SignUp, last_code
from tests.channels.x.conftest import ACCOUNT_ID, payload
from tests.channels.x.fake_x import FakeX
from tests.channels.x.test_webhook import deliver
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

AUTHOR_ID = "1234567890123456789"  # @SitiWarga, who posted the report
POST_ID = "1862400000000000001"
REPLY_ID = "1862700000000000001"
STRANGER_ID = "5550000000000000005"


@pytest.fixture
def x_report(client: Client, fake_x: FakeX) -> Report:
    """A report made of Siti's post through the webhook; its receipt sent (so the
    service's own post in the thread has an id)."""
    assert deliver(client, payload("activity_report.json", fake_x)).status_code == 200
    receipt = Message.objects.get(purpose=PURPOSE_RECEIPT)
    message_deliver(message_id=receipt.pk)
    fake_x.requests.clear()
    return Report.objects.get()


def thread_reply(**changes: Any) -> dict[str, Any]:
    """Siti's reply in her report's thread, as the webhook delivers it."""
    event: dict[str, Any] = payload("activity_thread_reply.json")
    post = event["tweet_create_events"][0]
    for key, value in changes.items():
        if key == "user":
            post["user"] = {**post["user"], **value}
        else:
            post[key] = value
    return event


def direct(text: str, *, event_id: str = "1862600000000000001", sender: str = AUTHOR_ID) -> Any:
    event = payload("activity_direct_message.json")
    message = event["direct_message_events"][0]
    message["id"] = event_id
    message["message_create"]["sender_id"] = sender
    message["message_create"]["message_data"]["text"] = text
    if sender not in event["users"]:
        event["users"][sender] = {"id": sender, "screen_name": "orang_lain", "name": "Orang Lain"}
    return event


def answers() -> list[Message]:
    return list(Message.objects.filter(purpose=PURPOSE_ANSWER).order_by("pk"))


def sent(fake_x: FakeX, message: Message) -> Any:
    """Sends the message through the (fake) X API and returns the one call made."""
    fake_x.requests.clear()
    delivered = message_deliver(message_id=message.pk)
    assert delivered is not None and delivered.status == Message.Status.SENT
    [call] = fake_x.requests
    return call


# -- Replies in the thread -------------------------------------------------------------


def test_the_reporters_reply_in_the_thread_reaches_the_report(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    assert deliver(client, thread_reply()).status_code == 200
    event = x_report.events.get(action=Action.REPLY)
    assert event.body == "Sudah seminggu belum ada perbaikan, lubangnya makin besar"
    assert event.channel == Channel.X
    inbound = InboundPost.objects.get(post_id=REPLY_ID)
    assert (inbound.outcome, inbound.report) == (InboundPost.Outcome.REPLY, x_report)
    # The acknowledgement goes in the thread, under her reply: the report is public.
    [answer] = answers()
    assert tracking_number_display(x_report.tracking_number) in answer.body
    call = sent(fake_x, answer)
    assert call.path == "/2/tweets"
    assert call.body["reply"] == {"in_reply_to_tweet_id": REPLY_ID}


def test_a_reply_to_the_services_own_post_reaches_the_report(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    ours = Message.objects.get(purpose=PURPOSE_RECEIPT).external_id
    assert ours
    event = thread_reply(in_reply_to_status_id_str=ours, id_str="1862700000000000002")
    assert deliver(client, event).status_code == 200
    assert x_report.events.filter(action=Action.REPLY).count() == 1


def test_a_reply_to_a_reply_still_reaches_the_report(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    deliver(client, thread_reply())
    deeper = thread_reply(
        id_str="1862700000000000003", in_reply_to_status_id_str=REPLY_ID, text="@lapor1708 Foto?"
    )
    deliver(client, deeper)
    assert x_report.events.filter(action=Action.REPLY).count() == 2


def test_the_same_reply_twice_reaches_the_report_once(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    deliver(client, thread_reply())
    deliver(client, thread_reply())
    assert x_report.events.filter(action=Action.REPLY).count() == 1
    assert len(answers()) == 1


def test_a_strangers_reply_in_the_thread_leaves_no_trace(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    reporters, identities = Reporter.objects.count(), ChannelIdentity.objects.count()
    stranger = thread_reply(user={"id_str": STRANGER_ID, "screen_name": "orang_lain"})
    assert deliver(client, stranger).status_code == 200
    assert not x_report.events.filter(action=Action.REPLY).exists()
    assert not InboundPost.objects.filter(post_id=REPLY_ID).exists()
    # No record made of the stranger.
    assert (Reporter.objects.count(), ChannelIdentity.objects.count()) == (reporters, identities)
    assert answers() == []


def test_a_mention_outside_a_reports_thread_is_not_acted_on(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    chat = thread_reply(in_reply_to_status_id_str="1111111111111111111", text="@lapor1708 halo")
    deliver(client, chat)
    assert not InboundPost.objects.filter(post_id=REPLY_ID).exists()
    assert answers() == []


def test_a_reply_supplies_the_information_asked_for(
    client: Client, cast: Cast, fake_x: FakeX, x_report: Report
) -> None:
    services.report_request_info(
        actor=cast.national, report=x_report, reason="Di depan nomor rumah berapa?"
    )
    deliver(client, thread_reply(text="@lapor1708 Di depan rumah nomor 12"))
    x_report.refresh_from_db()
    assert x_report.state == State.SUBMITTED
    assert x_report.events.filter(action=Action.SUPPLY_INFO).exists()


def test_a_reply_about_a_confidential_report_is_acknowledged_privately(
    client: Client, fake_x: FakeX, x_report: Report
) -> None:
    Report.objects.filter(pk=x_report.pk).update(is_confidential=True)
    deliver(client, thread_reply())
    [answer] = answers()
    call = sent(fake_x, answer)
    assert call.path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"


def test_a_closed_report_says_so(
    client: Client, cast: Cast, fake_x: FakeX, x_report: Report
) -> None:
    Report.objects.filter(pk=x_report.pk).update(state=State.CLOSED)
    deliver(client, thread_reply())
    assert not x_report.events.filter(action=Action.REPLY).exists()
    [answer] = answers()
    assert "selesai" in answer.body.lower() or "ditutup" in answer.body.lower()
    assert InboundPost.objects.get(post_id=REPLY_ID).outcome == InboundPost.Outcome.REFUSED


# -- CEK and BALAS in a post -----------------------------------------------------------


def mention(text: str, *, post_id: str = "1862800000000000001", author: str = AUTHOR_ID) -> Post:
    handle = "SitiWarga" if author == AUTHOR_ID else "orang_lain"
    return Post(
        post_id=post_id,
        author_id=author,
        handle=handle,
        text=text,
        mentions=frozenset({"lapor1708"}),
    )


def test_a_status_question_in_a_post_is_answered_in_its_thread(
    cast: Cast, fake_x: FakeX, x_report: Report
) -> None:
    services.report_dispose(
        actor=cast.national, report=x_report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    inbound = post_receive(mention(f"@lapor1708 CEK {x_report.tracking_number}"))
    assert inbound is not None and inbound.outcome == InboundPost.Outcome.STATUS
    [answer] = answers()
    assert cast.kota.name in answer.body  # where it stands: the public page says as much
    call = sent(fake_x, answer)
    assert call.path == "/2/tweets"
    assert call.body["reply"] == {"in_reply_to_tweet_id": "1862800000000000001"}


def test_a_status_question_about_a_confidential_report_never_goes_public(
    cast: Cast, fake_x: FakeX, x_report: Report
) -> None:
    Report.objects.filter(pk=x_report.pk).update(is_confidential=True)
    number = x_report.tracking_number
    # Its reporter learns the state, by direct message.
    post_receive(mention(f"@lapor1708 cek {number}"))
    [own] = answers()
    assert "tidak ditemukan" not in own.body
    assert sent(fake_x, own).path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"
    # Anyone else is told it is not found — privately, as for a number that never was.
    post_receive(
        mention(f"@lapor1708 CEK {number}", post_id="1862800000000000002", author=STRANGER_ID)
    )
    stranger = answers()[-1]
    assert "tidak ditemukan" in stranger.body and stranger.report_id is None
    assert sent(fake_x, stranger).path == f"/2/dm_conversations/with/{STRANGER_ID}/messages"


def test_balas_in_a_post_reaches_the_report(fake_x: FakeX, x_report: Report) -> None:
    number = tracking_number_display(x_report.tracking_number)
    inbound = post_receive(mention(f"@lapor1708 BALAS {number} sudah ada petugas datang"))
    assert inbound is not None and inbound.outcome == InboundPost.Outcome.REPLY
    assert x_report.events.get(action=Action.REPLY).body == "sudah ada petugas datang"


def test_balas_from_someone_else_is_refused(fake_x: FakeX, x_report: Report) -> None:
    number = x_report.tracking_number
    post_receive(mention(f"@lapor1708 BALAS {number} palsu", author=STRANGER_ID))
    assert not x_report.events.filter(action=Action.REPLY).exists()
    [answer] = answers()
    assert "tidak ditemukan" in answer.body


# -- Direct messages -------------------------------------------------------------------


def test_a_direct_message_makes_a_report_and_answers_privately(
    client: Client, fake_x: FakeX
) -> None:
    assert deliver(client, direct("LAPOR Lampu jalan di Jl. Kartini mati")).status_code == 200
    report = Report.objects.get()
    assert report.channel == Channel.X and report.body == "Lampu jalan di Jl. Kartini mati"
    inbound = InboundPost.objects.get()
    assert (inbound.kind, inbound.outcome) == (InboundPost.Kind.DIRECT, InboundPost.Outcome.REPORT)
    [answer] = answers()
    assert tracking_number_display(report.tracking_number) in answer.body
    assert sent(fake_x, answer).path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"
    # Its notices go by direct message too: there is no public post to follow.
    fake_x.requests.clear()
    notice = Message.objects.filter(report=report).exclude(purpose=PURPOSE_ANSWER)
    assert not notice.exists()  # the receipt was the answer itself


def test_direct_messages_ask_and_answer(client: Client, fake_x: FakeX, x_report: Report) -> None:
    number = x_report.tracking_number
    deliver(client, direct(f"cek {number}", event_id="1862600000000000011"))
    deliver(
        client,
        direct(f"BALAS {number} lubang sudah ditutup sementara", event_id="1862600000000000012"),
    )
    deliver(client, direct("INFO", event_id="1862600000000000013"))
    status, reply, help_ = answers()
    assert tracking_number_display(number) in status.body and "Rincian" in status.body
    assert x_report.events.get(action=Action.REPLY).body == "lubang sudah ditutup sementara"
    assert "Balasan Anda" in reply.body
    assert "CEK <nomor>" in help_.body and "@lapor1708" in help_.body
    outcomes = list(
        InboundPost.objects.filter(kind="direct").order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == ["status", "reply", "help"]
    for message in (status, reply, help_):
        assert sent(fake_x, message).path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"


def test_the_accounts_own_direct_messages_are_skipped(client: Client, fake_x: FakeX) -> None:
    deliver(client, direct("Laporan Anda kami terima", sender=ACCOUNT_ID))
    assert not InboundPost.objects.exists() and not Message.objects.exists()


def test_the_same_direct_message_twice_is_acted_on_once(client: Client, fake_x: FakeX) -> None:
    deliver(client, direct("LAPOR Sampah menumpuk"))
    deliver(client, direct("LAPOR Sampah menumpuk"))
    assert Report.objects.count() == 1 and len(answers()) == 1


def test_a_flood_is_recorded_and_not_answered(settings: Any, fake_x: FakeX) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "x": "2/h"}
    now = timezone.now()
    for n in range(3):
        dm = DirectMessage(
            event_id=f"18626000000000001{n:02d}",
            sender_id=AUTHOR_ID,
            handle="SitiWarga",
            text="INFO",
        )
        direct_receive(dm, now=now)
    outcomes = list(InboundPost.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["help", "help", "limited"]
    assert len(answers()) == 2


def test_an_unparseable_delivery_is_harmless(client: Client, fake_x: FakeX) -> None:
    event = direct("LAPOR x")
    broken = copy.deepcopy(event)
    broken["direct_message_events"] = [None, {"type": "message_create"}, "x"]
    broken["users"] = []
    assert deliver(client, broken).status_code == 200
    assert not InboundPost.objects.exists()


# -- One citizen, many doors -----------------------------------------------------------


def test_a_proved_x_account_brings_its_reports_into_the_web_account(
    client: Client, fake_x: FakeX, x_report: Report, sign_up: SignUp
) -> None:
    browser = Client()
    user = sign_up("siti@example.id", client=browser)
    response = browser.post("/akun/tambah-kontak", {"identity": "@SitiWarga"})
    assert response.status_code == 302
    page = browser.get("/akun/tambah-kontak/kode").content.decode()
    assert "@si•••" in page
    # The code goes by direct message, to the X id behind the handle.
    code_message = Message.objects.get(purpose="otp", channel="x")
    assert sent(fake_x, code_message).path == f"/2/dm_conversations/with/{AUTHOR_ID}/messages"
    browser.post("/akun/tambah-kontak/kode", {"code": last_code("sitiwarga")})
    reporter = Reporter.objects.get(user=user)
    assert Report.objects.get(pk=x_report.pk).reporter_id == reporter.pk
    assert escape(x_report.title) in browser.get("/laporan-saya").content.decode()
    # A report she makes on the web goes on by X too.
    web = services.report_create(
        actor=Actor.for_reporter(reporter.pk),
        reporter=reporter,
        type="complaint",
        title="Pohon tumbang di Jalan Pemuda",
        body="Pohon besar tumbang menutup separuh jalan sejak pagi.",
        channel=Channel.WEB,
    )
    deliver(client, direct(f"BALAS {web.tracking_number} masih belum dipotong"))
    assert web.events.get(action=Action.REPLY).channel == Channel.X


def test_an_x_account_that_never_wrote_cannot_be_added(sign_up: SignUp, fake_x: FakeX) -> None:
    browser = Client()
    sign_up("siti@example.id", client=browser)
    page = browser.post("/akun/tambah-kontak", {"identity": "@belum_pernah"}).content.decode()
    assert "belum pernah mengirim laporan ke @lapor1708" in page
    assert not Message.objects.filter(purpose="otp", channel="x").exists()
