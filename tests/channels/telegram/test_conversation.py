"""A report written one question at a time on Telegram (intake/conversation.py):
whatever sequence of updates a citizen sends — words, the bot's commands, button
presses, places, photos, and updates the bot ignores — the conversation and the
reports stay consistent, and each update is recorded once."""

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from aduan.channels.telegram.models import InboundTelegram
from aduan.channels.telegram.parse import Document, Location, Update, UpdateKind
from aduan.channels.telegram.services import telegram_receive
from aduan.intake.models import Conversation, FileFetch
from aduan.lib import crypto
from aduan.outbox.models import Message
from aduan.reports.models import Report
from tests.fuzz import FUZZ

pytestmark = pytest.mark.django_db

_update_ids = itertools.count(700_000_001)
_users = itertools.count(7_100_000_001)

STEPS = st.one_of(
    st.sampled_from(
        [
            ("text", "Jalan rusak"),
            ("text", "batal"),
            ("text", "ya"),
            ("text", "lewati"),
            ("text", "2"),
            ("text", "Lampu jalan mati sejak seminggu lalu di depan masjid"),
            ("text", "Kelurahan Pekiringan Kota Cirebon"),
            ("text", "Jalan berlubang di Kelurahan Pekiringan Kota Cirebon dan sudah lama"),
            ("command", "lapor"),
            ("command", "lapor Sampah menumpuk di Kelurahan Pekiringan Kota Cirebon sejak kemarin"),
            ("command", "cek 1234567890"),
            ("command", "balas 1234567890 masih rusak"),
            ("command", "batal"),
            ("command", "bantuan"),
            ("command", "start"),
            ("command", "start kode-palsu"),
            ("command", "entah"),
            ("choice", "type:complaint"),
            ("choice", "type:aspiration"),
            ("choice", "send"),
            ("choice", "skip"),
            ("choice", "cancel"),
            ("choice", "status:1234567890"),
            ("choice", "type:nonsense"),
            ("location", ""),
            ("photo", ""),
            ("document", ""),
            ("sticker", ""),
            ("edited", "Jalan berlubang di Kelurahan Pekiringan Kota Cirebon dan sudah lama"),
            ("again", ""),
        ]
    ),
    st.tuples(st.just("text"), st.text(max_size=60)),
)


def _update(user_id: str, step: tuple[str, str], *, update_id: int) -> Update:
    kind, value = step
    common: dict[str, Any] = {
        "update_id": update_id,
        "chat_id": user_id,
        "chat_type": "private",
        "sender_id": user_id,
        "sender_name": "Warga",
    }
    if kind == "choice":
        return Update(
            **common, kind=UpdateKind.CALLBACK, callback_id=f"cb{update_id}", callback_data=value
        )
    if kind == "command":
        name, _blank, argument = value.partition(" ")
        return Update(
            **common,
            kind=UpdateKind.MESSAGE,
            text=f"/{value}",
            command=name,
            command_argument=argument,
        )
    if kind == "location":
        return Update(**common, kind=UpdateKind.MESSAGE, location=Location(-6.715, 108.564))
    if kind == "photo":
        return Update(**common, kind=UpdateKind.MESSAGE, photo_file_id=f"p{update_id}")
    if kind == "document":
        document = Document(f"d{update_id}", "application/pdf", "surat.pdf", 2048)
        return Update(**common, kind=UpdateKind.MESSAGE, document=document)
    if kind == "sticker":
        return Update(**common, kind=UpdateKind.IGNORED, ignored_because="sticker")
    if kind == "edited":
        return Update(**common, kind=UpdateKind.EDITED, ignored_because="edited", text=value)
    return Update(**common, kind=UpdateKind.MESSAGE, text=value)


@hypothesis_settings(FUZZ, max_examples=40)
@given(steps=st.lists(STEPS, max_size=12))
def test_any_sequence_of_updates_leaves_the_conversation_and_the_reports_consistent(
    steps: list[tuple[str, str]],
) -> None:
    user_id = str(next(_users))
    update_ids: list[int] = []
    for step in steps:
        if step[0] == "again":  # Telegram delivering the last update once more
            if not update_ids:
                continue
            update_id = update_ids[-1]
            step = ("text", "diulang")
        else:
            update_id = next(_update_ids)
            update_ids.append(update_id)
        receipt = telegram_receive(_update(user_id, step, update_id=update_id))
        assert receipt is not None
    sender_hash = crypto.lookup_hash("telegram", user_id)
    records = InboundTelegram.objects.filter(sender_hash=sender_hash)
    assert sorted(records.values_list("update_id", flat=True)) == sorted(update_ids)
    ignored = records.filter(outcome=InboundTelegram.Outcome.IGNORED)
    assert not ignored.exclude(answer=None).exists() and not ignored.exclude(report=None).exists()
    mine = Conversation.objects.filter(sender_hash=sender_hash)
    assert mine.filter(state=Conversation.State.OPEN).count() <= 1
    for conversation in mine:
        assert conversation.channel == "telegram" and conversation.sender == user_id
        if conversation.state == Conversation.State.REPORTED:
            report = conversation.report
            assert report is not None and report.body == conversation.text
        else:
            assert conversation.report is None
        if conversation.state == Conversation.State.OPEN:
            assert conversation.step in Conversation.Step.values
    reports = Report.objects.filter(reporter__identities__value_hash=sender_hash)
    for report in reports:
        assert report.body.strip()
        assert report.channel == "telegram"
    assert all(fetch.refs for fetch in FileFetch.objects.filter(report__in=reports))
    answers = Message.objects.filter(channel="telegram", recipient_hash=sender_hash)
    assert all(message.body.strip() for message in answers)
    # One answer at most for each update; none for what was ignored.
    assert answers.count() <= records.exclude(outcome=InboundTelegram.Outcome.IGNORED).count()
