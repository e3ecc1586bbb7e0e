"""A report written one question at a time on WhatsApp (intake/conversation.py):
whatever sequence of messages a citizen sends, the conversation and the report stay
consistent; an idle conversation is reminded once, then closed without losing
what the citizen said."""

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aduan.channels.whatsapp.parse import InboundMessage, Location, MessageKind
from aduan.channels.whatsapp.services import whatsapp_receive
from aduan.intake.conversation import conversations_sweep
from aduan.intake.models import Conversation, FileFetch
from aduan.outbox.models import Message
from aduan.reports.models import Report
from tests.fuzz import FUZZ

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)
_numbers = itertools.count(6281300000000)
NOW = timezone.now()

STEPS = st.one_of(
    st.sampled_from(
        [
            ("text", "Jalan rusak"),
            ("text", "LAPOR"),
            ("text", "batal"),
            ("text", "ya"),
            ("text", "lewati"),
            ("text", "2"),
            ("text", "Lampu jalan mati sejak seminggu lalu di depan masjid"),
            ("text", "Kelurahan Pekiringan Kota Cirebon"),
            ("text", "Jalan berlubang di Kelurahan Pekiringan Kota Cirebon dan sudah lama"),
            ("text", "CEK 1234567890"),
            ("text", "BANTUAN"),
            ("text", ""),
            ("choice", "type:complaint"),
            ("choice", "type:aspiration"),
            ("choice", "send"),
            ("choice", "skip"),
            ("choice", "cancel"),
            ("choice", "status:1234567890"),
            ("choice", "type:nonsense"),
            ("location", ""),
            ("photo", ""),
        ]
    ),
    st.tuples(st.just("text"), st.text(max_size=60)),
)


def _message(number: str, step: tuple[str, str]) -> InboundMessage:
    kind, value = step
    common: dict[str, Any] = {
        "message_id": f"wamid.p{next(_ids)}",
        "phone_number_id": "",
        "sender": number,
        "sender_name": "Warga",
        "timestamp": NOW,
    }
    if kind == "choice":
        return InboundMessage(**common, kind=MessageKind.INTERACTIVE, text="x", choice=value)
    if kind == "location":
        return InboundMessage(
            **common, kind=MessageKind.LOCATION, location=Location(-6.715, 108.564)
        )
    if kind == "photo":
        return InboundMessage(**common, kind=MessageKind.IMAGE, media_id=f"m{next(_ids)}")
    return InboundMessage(**common, kind=MessageKind.TEXT, text=value)


@FUZZ
@given(steps=st.lists(STEPS, max_size=12))
def test_any_sequence_of_messages_leaves_the_conversation_and_the_report_consistent(
    steps: list[tuple[str, str]], settings: Any
) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    number = str(next(_numbers))
    for step in steps:
        receipt = whatsapp_receive(_message(number, step))
        assert receipt is not None
    from aduan.lib import crypto

    sender_hash = crypto.lookup_hash("phone", f"+{number}")
    mine = Conversation.objects.filter(sender_hash=sender_hash)
    assert mine.filter(state=Conversation.State.OPEN).count() <= 1
    for conversation in mine:
        if conversation.state == Conversation.State.REPORTED:
            report = conversation.report
            assert report is not None and report.body == conversation.text
            assert report.channel == "whatsapp"
        else:
            assert conversation.report is None
        if conversation.state == Conversation.State.OPEN:
            assert conversation.step in Conversation.Step.values
    reports = Report.objects.filter(reporter__identities__value_hash=sender_hash)
    for report in reports:
        assert report.body.strip()
        assert report.channel == "whatsapp"
    files = FileFetch.objects.filter(report__in=reports)
    assert all(fetch.refs for fetch in files)


def _start(number: str, text: str) -> Conversation:
    whatsapp_receive(_message(number, ("text", text)))
    return Conversation.objects.get(state=Conversation.State.OPEN)


def test_an_idle_conversation_is_reminded_once(settings: Any) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    conversation = _start("6281234500001", "Jalan rusak")
    later = conversation.touched_at + timedelta(minutes=61)
    assert conversations_sweep(now=later) == 1
    assert conversations_sweep(now=later + timedelta(minutes=5)) == 0  # once
    reminder = Message.objects.filter(purpose="conversation_reminder").get()
    assert "belum selesai" in reminder.body and reminder.choices
    assert Conversation.objects.get().state == Conversation.State.OPEN


def test_a_conversation_closed_idle_is_filed_with_what_it_has(settings: Any) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    conversation = _start("6281234500002", "Lampu jalan mati sejak seminggu lalu")
    assert conversation.text  # what happened is known; the type is not
    assert conversations_sweep(now=conversation.touched_at + timedelta(days=2)) == 1
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.REPORTED
    assert conversation.report is not None
    assert conversation.report.body == "Lampu jalan mati sejak seminggu lalu"
    assert Message.objects.filter(purpose="receipt", report=conversation.report).exists()


def test_a_conversation_closed_idle_with_nothing_said_is_dropped(settings: Any) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    conversation = _start("6281234500003", "LAPOR")
    assert conversations_sweep(now=conversation.touched_at + timedelta(days=2)) == 1
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.DROPPED
    assert not Report.objects.exists()
    assert Message.objects.filter(purpose="conversation_closed").exists()


def test_a_conversation_touched_meanwhile_is_not_closed(settings: Any) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    conversation = _start("6281234500004", "Jalan rusak")
    whatsapp_receive(_message("6281234500004", ("choice", "type:complaint")))
    assert conversations_sweep(now=conversation.touched_at + timedelta(minutes=30)) == 0


def test_two_messages_of_one_number_at_once_both_reach_the_one_conversation(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two simultaneous messages did not see the conversation the first
    was starting: its insert is refused by the one-open-conversation key, it rolls
    back, and once more it finds the conversation and answers its question."""
    from aduan.intake import conversation as module

    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    _start("6281234500005", "Jalan rusak")
    real = module.conversation_open
    calls = iter([None])
    monkeypatch.setattr(module, "conversation_open", lambda **keys: next(calls, real(**keys)))
    story = "Sampah menumpuk di pinggir pasar"
    receipt = whatsapp_receive(_message("6281234500005", ("text", story)))
    assert receipt is not None and receipt.record.outcome == "step"  # type: ignore[attr-defined]
    conversation = Conversation.objects.get()  # still the one
    assert conversation.type == "complaint" and conversation.text == story
