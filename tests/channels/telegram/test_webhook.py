"""The Telegram webhook end to end against the local Bot API fake: the secret token,
a report at once, a report written one question at a time with inline keyboard
buttons, the bot's commands, linking a chat to a web account, re-deliveries, and
what is recorded and ignored."""

import logging
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from aduan.accounts.models import User
from aduan.accounts.services import (
    LINK_CODE_MAX,
    account_confirm,
    account_link_user,
    account_signup,
)
from aduan.accounts.services import account_link_code as link_code
from aduan.agencies.models import Agency
from aduan.channels.telegram.models import InboundTelegram
from aduan.intake.files import files_fetch_due
from aduan.intake.models import Conversation, FileFetch
from aduan.lib import crypto
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.models import Attachment, Channel, Report, ReportType
from tests.accounts.conftest import PASSWORD, last_code
from tests.channels.telegram.chat import SECRET, URL, Citizen, next_update_id, post
from tests.channels.telegram.fake_telegram import FakeTelegram
from tests.channels.x.fake_x import jpeg as jpeg_bytes

pytestmark = pytest.mark.django_db

COMPLETE = "Jalan berlubang besar di depan SD Negeri 1 Kelurahan Pekiringan Kota Cirebon"
CIREBON = (-6.7150, 108.5640)  # in Kota Cirebon
USER_ID = "5012345678"


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.TELEGRAM_SECRET_TOKEN = SECRET


@pytest.fixture
def citizen(client: Client, fake_telegram: FakeTelegram) -> Citizen:
    return Citizen(client)


def answers() -> list[Message]:
    return list(Message.objects.filter(channel=Message.Channel.TELEGRAM).order_by("pk"))


def last_record() -> InboundTelegram:
    record = InboundTelegram.objects.order_by("pk").last()
    assert record is not None
    return record


def citizen_account(identity: str = "0812-3456-7890") -> User:
    """A citizen who signed up on the site (and so has a reporter already)."""
    row = account_signup(name="Siti Aminah", identity=identity, password=PASSWORD)
    return account_confirm(token=row.token, code=last_code(row.identity))


def test_an_update_without_the_secret_token_changes_nothing(
    client: Client, fake_telegram: FakeTelegram
) -> None:
    update = Citizen(client).message({"text": COMPLETE})
    assert post(client, update, secret=None).status_code == 403
    assert post(client, update, secret="not-the-secret").status_code == 403
    assert post(client, update, secret=SECRET[:-1]).status_code == 403
    assert not InboundTelegram.objects.exists() and not Report.objects.exists()


def test_no_configured_secret_refuses_everything(
    client: Client, fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.TELEGRAM_SECRET_TOKEN = ""
    update = Citizen(client).message({"text": COMPLETE})
    assert post(client, update, secret="").status_code == 403
    assert not InboundTelegram.objects.exists()


def test_only_a_post_of_json_is_read(client: Client, fake_telegram: FakeTelegram) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert client.get(URL, headers=headers).status_code == 405
    answer = client.post(URL, b"{not json", content_type="application/json", headers=headers)
    assert answer.status_code == 400
    # JSON that is no update: 200, or Telegram would deliver it again and again.
    assert post(client, {"hello": "world"}).status_code == 200
    assert post(client, []).status_code == 200
    assert not InboundTelegram.objects.exists()


def test_a_message_that_says_everything_is_a_report_at_once(citizen: Citizen) -> None:
    citizen.text(COMPLETE)
    report = Report.objects.get()
    assert report.channel == Channel.TELEGRAM and report.type == ReportType.COMPLAINT
    assert report.region_id is not None and report.region_id.startswith("32.74")
    identity = ChannelIdentity.objects.get(reporter=report.reporter)
    assert identity.kind == "telegram" and identity.value == USER_ID
    [answer] = answers()
    assert answer.recipient == USER_ID
    assert report.tracking_number[:4] in answer.body.replace(" ", "")
    assert answer.purpose == "telegram_report" and answer.report == report
    record = InboundTelegram.objects.get()
    assert (record.kind, record.outcome, record.report) == ("text", "report", report)
    assert record.sender_hash == crypto.lookup_hash("telegram", USER_ID)
    assert not Conversation.objects.exists()


def test_an_update_delivered_twice_is_one_report_and_one_answer(citizen: Citizen) -> None:
    update = citizen.message({"text": COMPLETE})
    citizen.deliver(update)
    citizen.deliver(update)
    assert Report.objects.count() == 1
    assert len(answers()) == 1
    assert InboundTelegram.objects.count() == 1


def test_lapor_with_words_is_a_report_and_alone_starts_the_questions(citizen: Citizen) -> None:
    citizen.text(f"/lapor {COMPLETE}")
    assert Report.objects.get().body == COMPLETE
    citizen.text("/lapor@lapor1708bot")
    assert Conversation.objects.get().step == Conversation.Step.TYPE
    assert last_record().outcome == "step"


def test_a_report_written_one_question_at_a_time(
    citizen: Citizen, fake_telegram: FakeTelegram
) -> None:
    citizen.text("Jalan rusak")
    assert Conversation.objects.get().step == Conversation.Step.TYPE
    question = answers()[-1]
    assert [choice for choice, _label in question.choices] == [
        "type:complaint",
        "type:aspiration",
        "type:information_request",
    ]
    citizen.choose("type:complaint")
    assert Conversation.objects.get().step == Conversation.Step.TEXT  # two words are not enough
    citizen.text("Jalan berlubang besar dan sudah dua motor jatuh")
    assert Conversation.objects.get().step == Conversation.Step.PLACE
    citizen.location(*CIREBON)
    assert Conversation.objects.get().step == Conversation.Step.PHOTO
    fake_telegram.files["AgACAgUAAxkBAAIBLmdTm1280"] = jpeg_bytes()
    citizen.photo("AgACAgUAAxkBAAIBLmdTm1280")
    assert Conversation.objects.get().step == Conversation.Step.CONFIRM
    assert [choice for choice, _label in answers()[-1].choices] == ["send", "cancel"]
    assert not Report.objects.exists()
    citizen.choose("send")
    report = Report.objects.get()
    assert report.channel == Channel.TELEGRAM
    assert report.body == "Jalan berlubang besar dan sudah dua motor jatuh"
    assert report.region_id is not None and report.region_id.startswith("32.74.")
    assert report.latitude == CIREBON[0]
    assert Conversation.objects.get().state == Conversation.State.REPORTED
    # Both button presses were acknowledged, after the intake.
    assert len(fake_telegram.answered_callbacks) == 2
    kinds = list(InboundTelegram.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["text", "callback", "text", "location", "photo", "callback"]
    assert FileFetch.objects.get().refs == ["AgACAgUAAxkBAAIBLmdTm1280"]
    assert files_fetch_due() == 1
    assert [r.method for r in fake_telegram.requests[-2:]] == ["getFile", "file"]
    assert Attachment.objects.filter(report=report).count() == 1
    assert not FileFetch.objects.exists()


def test_a_document_is_kept_as_a_file_of_the_report(
    citizen: Citizen, fake_telegram: FakeTelegram
) -> None:
    citizen.document("BQACAgUAAxkBAAIBM2dTn", caption=COMPLETE)
    report = Report.objects.get()
    assert FileFetch.objects.get(report=report).refs == ["BQACAgUAAxkBAAIBM2dTn"]
    assert last_record().kind == "document"


def test_a_file_telegram_no_longer_has_is_left_out(
    citizen: Citizen, fake_telegram: FakeTelegram
) -> None:
    citizen.photo("AgACgone", caption=COMPLETE)
    assert files_fetch_due() == 1  # getFile: 400 invalid file_id, for good
    assert not FileFetch.objects.exists()
    assert not Attachment.objects.exists()


def test_a_button_press_is_answered_even_when_acknowledging_it_fails(
    citizen: Citizen, fake_telegram: FakeTelegram
) -> None:
    citizen.text("Jalan rusak")
    fake_telegram.fail_status = 502
    citizen.choose("type:complaint")
    assert Conversation.objects.get().step == Conversation.Step.TEXT
    assert last_record().outcome == "step" and last_record().answer is not None


def test_batal_cancels_the_report_being_written(citizen: Citizen) -> None:
    citizen.text("/lapor")
    citizen.text("/batal")
    assert Conversation.objects.get().state == Conversation.State.CANCELLED
    assert not Report.objects.exists()
    assert "dibatalkan" in answers()[-1].body
    assert last_record().outcome == "cancelled"


def test_a_status_question_in_the_middle_leaves_the_conversation_where_it_was(
    citizen: Citizen,
) -> None:
    citizen.text(COMPLETE)
    number = Report.objects.get().tracking_number
    citizen.text("Sampah menumpuk")
    assert Conversation.objects.get().step == Conversation.Step.TYPE
    citizen.text(f"/cek {number}")
    assert number[:4] in answers()[-1].body.replace(" ", "")
    assert last_record().outcome == "status"
    assert Conversation.objects.get().step == Conversation.Step.TYPE
    citizen.choose(f"status:{number}")
    assert last_record().outcome == "status"
    citizen.choose("type:aspiration")
    assert Conversation.objects.get().type == ReportType.ASPIRATION


def test_balas_adds_words_to_a_report(citizen: Citizen) -> None:
    citizen.text(COMPLETE)
    number = Report.objects.get().tracking_number
    citizen.text(f"/balas {number} Lubangnya makin lebar setelah hujan")
    assert last_record().outcome == "reply"


@pytest.mark.parametrize("command", ["/start", "/bantuan", "/START", "/help", "/entah"])
def test_start_and_bantuan_are_answered_with_help(citizen: Citizen, command: str) -> None:
    citizen.text(command)
    record = last_record()
    assert (record.kind, record.outcome) == ("command", "help")
    [answer] = answers()
    assert answer.purpose == "telegram_help" and "@lapor1708bot" in answer.body
    assert not Conversation.objects.exists() and not Report.objects.exists()


def test_help_in_the_middle_leaves_the_conversation_where_it_was(citizen: Citizen) -> None:
    citizen.text("Jalan rusak")
    citizen.text("/bantuan")
    assert last_record().outcome == "help"
    assert Conversation.objects.get().step == Conversation.Step.TYPE


def test_start_with_a_code_links_the_chat_to_a_web_account(citizen: Citizen) -> None:
    citizen.text(COMPLETE)  # reported on Telegram before linking
    earlier = Report.objects.get()
    user = citizen_account()
    code = link_code(user)
    assert len(code) <= LINK_CODE_MAX
    citizen.text(f"/start {code}")
    record = last_record()
    assert (record.kind, record.outcome) == ("link", "help")
    assert "terhubung dengan akun Anda" in answers()[-1].body
    reporter = Reporter.objects.get(user=user)
    identity = ChannelIdentity.objects.get(kind="telegram")
    assert identity.reporter == reporter and identity.verified_at is not None
    earlier.refresh_from_db()
    assert earlier.reporter == reporter  # what the chat reported joins the account
    assert set(reporter.identities.values_list("kind", flat=True)) == {"phone", "telegram"}
    citizen.text(COMPLETE)
    assert Report.objects.latest("pk").reporter == reporter


def test_a_link_delivered_twice_is_answered_once(citizen: Citizen) -> None:
    code = link_code(citizen_account())
    update = citizen.message(
        {"text": f"/start {code}", "entities": [{"offset": 0, "length": 6, "type": "bot_command"}]}
    )
    citizen.deliver(update)
    citizen.deliver(update)
    assert len(answers()) == 1 and InboundTelegram.objects.count() == 1


def test_an_expired_or_forged_code_is_refused(
    citizen: Citizen, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = citizen_account()
    with monkeypatch.context() as patched:
        old = signing.b62_encode(int(time.time()) - 3601)
        patched.setattr(signing.TimestampSigner, "timestamp", lambda self: old)
        expired = link_code(user)
    genuine = link_code(user)
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    other_user = genuine.replace(genuine.partition("-")[0], signing.b62_encode(user.pk + 1), 1)
    for code in (expired, forged, other_user, "abc123", "---", "x" * 64):
        citizen.text(f"/start {code}")
        assert last_record().outcome == "help"
        assert "tidak berlaku" in answers()[-1].body
    assert not ChannelIdentity.objects.filter(kind="telegram").exists()


def test_a_chat_linked_to_another_account_is_refused_politely(citizen: Citizen) -> None:
    first = citizen_account("0812-3456-7890")
    citizen.text(f"/start {link_code(first)}")
    second = citizen_account("0813-9999-0000")
    citizen.text(f"/start {link_code(second)}")
    assert "akun lain" in answers()[-1].body
    identity = ChannelIdentity.objects.get(kind="telegram")
    assert identity.reporter.user == first


def test_a_staff_account_cannot_be_linked(citizen: Citizen) -> None:
    kota = Agency.objects.get(code="pemda-32-74")
    staff = User.objects.create(username="petugas", role=User.Role.AGENCY_ADMIN, agency=kota)
    citizen.text(f"/start {link_code(staff)}")
    assert "tidak berlaku" in answers()[-1].body


@pytest.mark.parametrize(
    ("send", "detail", "kind"),
    [
        (
            lambda c: c.in_group("/lapor@lapor1708bot Sampah menumpuk di pos ronda"),
            "group",
            "ignored",
        ),
        (lambda c: c.sticker(), "sticker", "ignored"),
        (lambda c: c.edit(COMPLETE), "edited", "edited"),
    ],
)
def test_groups_stickers_and_edits_are_recorded_and_not_answered(
    citizen: Citizen, send: Any, detail: str, kind: str
) -> None:
    send(citizen)
    record = InboundTelegram.objects.get()
    assert (record.outcome, record.detail, record.kind) == ("ignored", detail, kind)
    assert record.sender_hash == crypto.lookup_hash("telegram", USER_ID)
    assert not answers() and not Report.objects.exists()


def test_an_ignored_update_delivered_twice_is_recorded_once(citizen: Citizen) -> None:
    update = citizen.message({"sticker": {"file_id": "x", "file_unique_id": "y"}})
    citizen.deliver(update)
    citizen.deliver(update)
    assert InboundTelegram.objects.count() == 1


def test_updates_of_no_use_are_recorded_or_dropped(
    client: Client, fake_telegram: FakeTelegram
) -> None:
    from tests.channels.telegram.conftest import payload

    assert post(client, payload("reaction.json")).status_code == 200
    assert post(client, payload("from_bot.json")).status_code == 200
    details = set(InboundTelegram.objects.values_list("detail", flat=True))
    assert details == {"unsupported", "bot"}
    assert post(client, {"message": {"text": "no update_id"}}).status_code == 200
    assert InboundTelegram.objects.count() == 2
    assert not Message.objects.exists()


def test_a_flood_is_answered_once_then_silence(citizen: Citizen, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "telegram": "3/h"}
    for _ in range(3):
        citizen.text("/bantuan")
    citizen.text("/bantuan")
    citizen.text(f"/start {'x' * 10}")
    assert [r.outcome for r in InboundTelegram.objects.order_by("pk")][-2:] == [
        "limited",
        "limited",
    ]
    assert len(answers()) == 4  # three answers, and one saying why no more come


def test_updates_have_their_own_ids(citizen: Citizen) -> None:
    first, second = next_update_id(), next_update_id()
    citizen.text(COMPLETE, update_id=second)
    citizen.text(COMPLETE, update_id=first)  # an older update arriving late is still new
    assert Report.objects.count() == 2


def test_a_linked_chat_is_in_the_export_and_goes_with_the_account(citizen: Citizen) -> None:
    from aduan.accounts.selectors import account_export
    from aduan.accounts.services import account_erase

    user = citizen_account()
    citizen.text(f"/start {link_code(user)}")
    citizen.text(COMPLETE)
    citizen.text("/lapor")
    citizen.choose("type:complaint")
    citizen.text("Kabel listrik menjuntai di gang Mawar")
    export = account_export(user=user)
    link, report, *_steps = export["telegram"]
    assert (link["kind"], link["outcome"]) == ("link", "help")
    assert report["report"] == Report.objects.get().tracking_number
    assert report["answer"] == answers()[1].body
    [conversation] = export["telegram_conversations"]
    assert conversation["text"] == "Kabel listrik menjuntai di gang Mawar"
    account_erase(user=user, password=PASSWORD)
    assert not InboundTelegram.objects.exists() and not Conversation.objects.exists()
    assert not ChannelIdentity.objects.filter(kind="telegram").exists()


def test_the_log_holds_no_telegram_id_and_no_text(
    citizen: Citizen, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    citizen.text("Kabel listrik menjuntai di gang Mawar")
    citizen.choose("type:complaint")
    citizen.sticker()
    citizen.text("/start kode-yang-salah")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert USER_ID not in logged and "Mawar" not in logged


def test_the_account_page_offers_the_link_that_joins_telegram(sign_up: Any) -> None:
    web = Client()
    user = sign_up("081234567899", client=web)
    page = web.get("/akun").content.decode()
    start = page.index("https://t.me/lapor1708bot?start=")
    link = page[start : page.index('"', start)]
    code = link.rpartition("=")[2]
    assert account_link_user(code) == user
