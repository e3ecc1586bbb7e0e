"""A report written in a chat (WhatsApp, Telegram), one question at a time.

A chat message that says what happened and where becomes a report at once, as an
SMS does. Anything less starts a conversation that asks for what is missing, in
this order, with buttons where the channel has them: the type; what happened;
where (a shared location, resolved to the nearest village, or a typed place); a
photo (optional); and a confirmation. Every answer is kept as it arrives, so the
conversation can be resumed at any time; ``batal`` cancels it. One left idle is
reminded once (``CONVERSATION_REMIND_AFTER``), then closed
(``CONVERSATION_CLOSE_AFTER``): filed as a report with what it has when it knows
what happened — nothing the citizen sent is lost — or dropped when it does not.

Status questions, replies and help are answered in the middle of a conversation
without ending it; the next answer goes on where it stopped."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from aduan.core.channels import channel_spec
from aduan.intake.answers import answer_outcome
from aduan.intake.commands import Command, Help, NewReport, command_is_report
from aduan.intake.files import files_later
from aduan.intake.messages import Handled, Inbound, Place, Received
from aduan.intake.models import Conversation
from aduan.intake.services import Outcome, Result, Sender, intake_report, intake_sender
from aduan.outbox.services import message_send
from aduan.regions.models import Region
from aduan.regions.selectors import region_nearest
from aduan.reports.models import ReportType
from aduan.reports.notices import notice_text
from aduan.reports.services import Location
from aduan.triage.places import place_read

logger = logging.getLogger("aduan.intake")


def _never() -> bool:
    return False


Step = Conversation.Step

# What happened, in at least this many words: fewer is asked again.
TEXT_WORDS_MIN = 3
# A first message of at least this many words that names a place is a report at once.
COMPLETE_WORDS_MIN = 6
# A typed place not recognised this often is kept as the citizen wrote it.
PLACE_TRIES_MAX = 2
# A place reading at least this sure is taken without asking.
PLACE_CONFIDENCE_MIN = 0.5

CANCEL = "cancel"
SEND = "send"
SKIP = "skip"
_TYPE = "type:"
_CANCEL_WORDS = frozenset({"batal", "/batal", "cancel", "/cancel", "batalkan"})
_YES_WORDS = frozenset({"ya", "y", "iya", "kirim", "ok", "oke", "yes", "send", "benar"})
_SKIP_WORDS = frozenset({"lewati", "lewat", "tidak", "tidak ada", "skip", "-", "tdk", "no"})
_TYPE_WORDS = {
    "1": ReportType.COMPLAINT,
    "pengaduan": ReportType.COMPLAINT,
    "aduan": ReportType.COMPLAINT,
    "keluhan": ReportType.COMPLAINT,
    "2": ReportType.ASPIRATION,
    "aspirasi": ReportType.ASPIRATION,
    "usulan": ReportType.ASPIRATION,
    "saran": ReportType.ASPIRATION,
    "3": ReportType.INFORMATION_REQUEST,
    "informasi": ReportType.INFORMATION_REQUEST,
    "permintaan informasi": ReportType.INFORMATION_REQUEST,
    "info": ReportType.INFORMATION_REQUEST,
}


@dataclass(frozen=True, slots=True)
class Chat:
    """What the conversation needs of the door it runs on."""

    channel: str
    sender_hash: str
    sender: Callable[[], Sender]  # the reporter, made on first need
    # Every hash the sender's conversation may carry (a retired data key's too,
    # while one is rotated); just ``sender_hash`` when empty.
    known_as: tuple[str, ...] = ()


def conversation_open(*, channel: str, sender_hashes: Sequence[str]) -> Conversation | None:
    return (
        Conversation.objects.select_for_update()
        .filter(channel=channel, sender_hash__in=sender_hashes, state=Conversation.State.OPEN)
        .first()
    )


def conversation_receive(
    message: Inbound, command: Command, chat: Chat, *, now: datetime
) -> Received | None:
    """The message's part in a report being written (``command``: what its text
    asks): a step of the open conversation, a new one, or a report at once. None
    when the message is no part of one (a status question, a reply, help): the
    intake handles it as usual."""
    conversation = conversation_open(
        channel=chat.channel, sender_hashes=chat.known_as or (chat.sender_hash,)
    )
    words = _words(message)
    if conversation is not None:
        if message.choice == CANCEL or words in _CANCEL_WORDS:
            return _cancel(conversation, now=now)
        if message.choice or message.place is not None or message.file_refs:
            return _step(conversation, message, chat, now=now)
        if _is_aside(command, message.text):
            return None
        return _step(conversation, message, chat, now=now)
    if words in _CANCEL_WORDS or message.choice == CANCEL:
        return Received(Handled.HELP, answer=_nothing_to_cancel())
    starts = message.place is not None or bool(message.file_refs)
    if isinstance(command, NewReport):
        return _start(message, chat, text=command.text, now=now)
    if starts or (isinstance(command, Help) and command_is_report(message.text)):
        return _start(message, chat, text="", now=now)
    return None


def _is_aside(command: Command, raw: str) -> bool:
    """A status question, a reply, or help asked for by name: answered without
    ending the conversation. Any other text is an answer to its question."""
    if isinstance(command, Help):
        return command.trouble == "" and not command_is_report(raw)
    return not isinstance(command, NewReport)


def _words(message: Inbound) -> str:
    return " ".join(message.text.lower().split())


def _start(message: Inbound, chat: Chat, *, text: str, now: datetime) -> Received:
    place = place_of(message.place, text)
    if message.place is None and len(text.split()) >= COMPLETE_WORDS_MIN and place is not None:
        # Says everything: a report at once, as an SMS would be.
        return _file(
            chat,
            type=ReportType.COMPLAINT,
            text=text,
            place=place,
            files=list(message.file_refs),
            now=now,
        )
    conversation = Conversation(
        channel=chat.channel,
        sender_hash=chat.sender_hash,
        sender=message.sender,
        name=message.name,
        language=translation.get_language() or "id",
        started_at=now,
        touched_at=now,
        step=Step.TYPE,
        text=text if len(text.split()) >= TEXT_WORDS_MIN else "",
        files=list(message.file_refs),
    )
    if place is not None:
        _place_keep(conversation, place)
    conversation.save(force_insert=True)
    logger.info("intake: a conversation started on %s", chat.channel)
    return _ask(conversation, lead=gettext("Baik, kami bantu membuat laporan Anda."))


def place_of(point: Place | None, text: str = "") -> Location | None:
    """Where the message says it is: a shared point, with the village nearest to it
    as its region, else a place its words name surely enough."""
    if point is not None:
        region = region_nearest(latitude=point.latitude, longitude=point.longitude)
        return Location(
            region=region.code if region is not None else None,
            latitude=point.latitude,
            longitude=point.longitude,
            address=point.label[:300],
        )
    reading = place_read(text) if text.strip() else None
    if reading is None or reading.confidence < PLACE_CONFIDENCE_MIN:
        return None
    if reading.level in (Region.Level.PROVINCE,):
        return None  # a province is no place to send anyone
    return Location(region=reading.code)


def _place_keep(conversation: Conversation, place: Location) -> None:
    conversation.region = place.region or ""
    conversation.latitude, conversation.longitude = place.latitude, place.longitude
    if place.address:
        conversation.place = place.address


def _step(conversation: Conversation, message: Inbound, chat: Chat, *, now: datetime) -> Received:
    """The answer to the question asked (and anything else the message brings),
    then the next question, or the report."""
    conversation.touched_at = now
    conversation.reminded_at = None
    conversation.files = [*conversation.files, *message.file_refs][: settings.UPLOAD_MAX_FILES]
    words = _words(message)
    lead = ""
    if message.place is not None:
        place = place_of(message.place)
        assert place is not None
        _place_keep(conversation, place)
    step = conversation.step
    if step == Step.TYPE:
        chosen = _type_chosen(message.choice, words)
        if chosen:
            conversation.type = chosen
        elif message.text.strip() and not conversation.text and _enough(message.text):
            # Told the story instead of choosing: a complaint, as most are.
            conversation.type, conversation.text = ReportType.COMPLAINT, message.text.strip()
        elif not (message.place or message.file_refs):
            lead = gettext("Pilih salah satu jenis laporan.")
    elif step == Step.TEXT and message.text.strip():
        if _enough(message.text):
            conversation.text = message.text.strip()
        else:
            lead = gettext("Ceritakan sedikit lebih lengkap, paling sedikit %(count)s kata.") % {
                "count": TEXT_WORDS_MIN
            }
    elif step == Step.PLACE and message.place is None and message.text.strip():
        lead = _place_typed(conversation, message.text.strip())
    elif step == Step.PHOTO and not message.file_refs:
        if message.choice == SKIP or words in _SKIP_WORDS:
            conversation.step = Step.CONFIRM
        else:
            lead = gettext("Kirim fotonya, atau pilih Lewati.")
    elif step == Step.CONFIRM:
        if message.choice == SEND or words in _YES_WORDS:
            return _conversation_file(conversation, chat, now=now)
        if not (message.place or message.file_refs):
            lead = gettext("Pilih Kirim untuk mengirim laporan, atau Batal.")
    conversation.step = _next_step(conversation)
    conversation.save()
    return _ask(conversation, lead=lead)


def _enough(text: str) -> bool:
    return len(text.split()) >= TEXT_WORDS_MIN


def _type_chosen(choice: str, words: str) -> str:
    if choice.startswith(_TYPE) and choice[len(_TYPE) :] in ReportType.values:
        return choice[len(_TYPE) :]
    return _TYPE_WORDS.get(words, "")


def _place_typed(conversation: Conversation, typed: str) -> str:
    """A typed place: taken when it names a region surely enough, else asked again
    (and after ``PLACE_TRIES_MAX`` tries kept as written, for staff to read)."""
    place = place_of(None, typed)
    if place is not None:
        _place_keep(conversation, place)
        conversation.place = typed[:300]
        return ""
    conversation.place_tries += 1
    if conversation.place_tries >= PLACE_TRIES_MAX:
        conversation.place = typed[:300]
        return ""
    return gettext(
        "Tempat itu belum kami kenali. Tulis nama desa/kelurahan dan kota/kabupatennya, "
        "atau bagikan lokasi."
    )


def _next_step(conversation: Conversation) -> str:
    """The first thing still missing."""
    if not conversation.type:
        return Step.TYPE
    if not conversation.text:
        return Step.TEXT
    if not (conversation.region or conversation.place):
        return Step.PLACE
    if conversation.step in (Step.TYPE, Step.TEXT, Step.PLACE) and not conversation.files:
        return Step.PHOTO
    return Step.CONFIRM


def _ask(conversation: Conversation, *, lead: str = "") -> Received:
    """The question of the conversation's step, after ``lead``."""
    question, buttons = conversation_question(conversation)
    answer = f"{lead}\n\n{question}" if lead else question
    return Received(Handled.STEP, answer=answer, buttons=buttons)


def conversation_question(conversation: Conversation) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What the conversation asks now, and the buttons that answer it."""
    step = conversation.step
    cancel = (CANCEL, gettext("Batal"))
    if step == Step.TYPE:
        return gettext(
            "Apa jenis laporan Anda? 1 Pengaduan, 2 Aspirasi, 3 Permintaan informasi. "
            "Ketik batal untuk membatalkan."
        ), (
            (f"{_TYPE}{ReportType.COMPLAINT}", gettext("Pengaduan")),
            (f"{_TYPE}{ReportType.ASPIRATION}", gettext("Aspirasi")),
            (f"{_TYPE}{ReportType.INFORMATION_REQUEST}", gettext("Permintaan info")),
        )
    if step == Step.TEXT:
        return gettext(
            "Ceritakan apa yang terjadi: apa masalahnya, sejak kapan, dan siapa yang perlu "
            "menindaklanjuti."
        ), (cancel,)
    if step == Step.PLACE:
        return gettext(
            "Di mana tempatnya? Bagikan lokasi, atau ketik nama desa/kelurahan dan "
            "kota/kabupatennya."
        ), (cancel,)
    if step == Step.PHOTO:
        return gettext("Ada foto? Kirim fotonya sekarang, atau pilih Lewati."), (
            (SKIP, gettext("Lewati")),
            cancel,
        )
    return _summary(conversation), ((SEND, gettext("Kirim")), cancel)


def _summary(conversation: Conversation) -> str:
    place = conversation.place
    if conversation.region:
        region = Region.objects.filter(code=conversation.region).first()
        if region is not None:
            place = region.name if not place else f"{place} ({region.name})"
    text = conversation.text if len(conversation.text) <= 300 else conversation.text[:297] + "…"
    return gettext(
        "Periksa laporan Anda.\nJenis: %(type)s\nIsi: %(text)s\nTempat: %(place)s\n"
        "Foto: %(photos)s\nKirim laporan ini?"
    ) % {
        "type": ReportType(conversation.type).label,
        "text": text,
        "place": place or "-",
        "photos": len(conversation.files),
    }


def _cancel(conversation: Conversation, *, now: datetime) -> Received:
    conversation.state = Conversation.State.CANCELLED
    conversation.touched_at = now
    conversation.save(update_fields=["state", "touched_at"])
    return Received(
        Handled.CANCELLED,
        answer=gettext(
            "Laporan yang sedang Anda tulis dibatalkan. Kirim pesan baru kapan saja untuk melapor."
        ),
    )


def _nothing_to_cancel() -> str:
    return gettext("Tidak ada laporan yang sedang ditulis. Kirim pesan untuk mulai melapor.")


def _conversation_file(conversation: Conversation, chat: Chat, *, now: datetime) -> Received:
    place = Location(
        region=conversation.region or None,
        latitude=conversation.latitude,
        longitude=conversation.longitude,
        address=conversation.place[:300],
    )
    received = _file(
        chat,
        type=conversation.type or ReportType.COMPLAINT,
        text=conversation.text,
        place=place,
        files=list(conversation.files),
        now=now,
    )
    conversation.state = Conversation.State.REPORTED
    conversation.report = received.report
    conversation.touched_at = now
    if received.report is None:
        # Refused (the text broke a rule): the conversation stays open at its text.
        conversation.state, conversation.step, conversation.text = (
            Conversation.State.OPEN,
            Step.TEXT,
            "",
        )
        conversation.save()
        question, buttons = conversation_question(conversation)
        return Received(Handled.STEP, answer=f"{received.answer}\n\n{question}", buttons=buttons)
    conversation.save()
    return received


def _file(
    chat: Chat, *, type: str, text: str, place: Location | None, files: list[str], now: datetime
) -> Received:
    """The report, and its receipt."""
    outcome: Outcome = intake_report(
        sender=chat.sender(),
        text=text,
        channel=chat.channel,
        type=type,
        location=place,
        acknowledged=True,
        now=now,
    )
    report = outcome.report
    if outcome.result != Result.REPORT or report is None:
        return Received(answer_outcome(outcome), answer=outcome.error, intake=outcome)
    files_later(report=report, channel=chat.channel, refs=files, now=now)
    return Received(
        Handled.REPORT,
        report,
        notice_text("receipt", short=False, report=report, now=now),
        outcome,
        NewReport(text),
    )


# -- left idle ---------------------------------------------------------------------


def conversations_sweep(*, now: datetime | None = None, stop: Callable[[], bool] = _never) -> int:
    """The worker's job: reminds the conversations left idle, once, and closes
    those idle for longer; how many it touched."""
    now = now or timezone.now()
    close_before = now - timedelta(minutes=settings.CONVERSATION_CLOSE_AFTER_MINUTES)
    remind_before = now - timedelta(minutes=settings.CONVERSATION_REMIND_AFTER_MINUTES)
    idle = Conversation.objects.filter(state=Conversation.State.OPEN)
    done = 0
    for pk in idle.filter(touched_at__lt=close_before).values_list("pk", flat=True)[:50]:
        if stop():
            return done
        done += _conversation_close(pk, before=close_before, now=now)
    reminding = idle.filter(touched_at__lt=remind_before, reminded_at__isnull=True)
    for pk in reminding.values_list("pk", flat=True)[:50]:
        if stop():
            return done
        done += _conversation_remind(pk, before=remind_before, now=now)
    return done


def _idle(pk: int, *, before: datetime) -> Conversation | None:
    """The conversation, locked, if it is still open and idle (the citizen may have
    written meanwhile, another worker may have got to it first)."""
    return (
        Conversation.objects.select_for_update()
        .filter(pk=pk, state=Conversation.State.OPEN, touched_at__lt=before)
        .first()
    )


def _conversation_remind(pk: int, *, before: datetime, now: datetime) -> int:
    with transaction.atomic():
        conversation = _idle(pk, before=before)
        if conversation is None or conversation.reminded_at is not None:
            return 0
        with translation.override(conversation.language):
            question, buttons = conversation_question(conversation)
            body = gettext("Laporan Anda belum selesai.") + "\n\n" + question
        _tell(conversation, body, purpose="conversation_reminder", buttons=buttons, now=now)
        conversation.reminded_at = now
        conversation.save(update_fields=["reminded_at"])
    return 1


def _conversation_close(pk: int, *, before: datetime, now: datetime) -> int:
    """Files what the conversation has when it says what happened (nothing the
    citizen sent is lost); drops it otherwise."""
    with transaction.atomic():
        conversation = _idle(pk, before=before)
        if conversation is None:
            return 0
        spec = channel_spec(conversation.channel)
        with translation.override(conversation.language):
            if conversation.text and spec is not None:
                sender = conversation.sender

                def reporter() -> Sender:
                    return intake_sender(kind=spec.identity, value=sender, name=conversation.name)

                chat = Chat(conversation.channel, conversation.sender_hash, reporter)
                received = _conversation_file(conversation, chat, now=now)
                if received.report is not None:
                    _tell(conversation, received.answer, purpose="receipt", now=now)
                    return 1
            conversation.state = Conversation.State.DROPPED
            conversation.save(update_fields=["state"])
            body = gettext(
                "Laporan yang belum selesai kami tutup karena lama tidak dilanjutkan. Kirim "
                "pesan baru kapan saja untuk melapor."
            )
            _tell(conversation, body, purpose="conversation_closed", now=now)
    return 1


def _tell(
    conversation: Conversation,
    body: str,
    *,
    purpose: str,
    now: datetime,
    buttons: tuple[tuple[str, str], ...] = (),
) -> None:
    report = conversation.report
    message_send(
        channel=conversation.channel,
        recipient=conversation.sender,
        body=body,
        purpose=purpose,
        language=conversation.language,
        reporter_id=report.reporter_id if report is not None else None,
        report_id=report.pk if report is not None else None,
        now=now,
        choices=buttons,
    )


# -- a person's data ---------------------------------------------------------------


def conversations_of(*, channel: str, hashes: Sequence[str]) -> list[dict[str, object]]:
    """What a person said in the reports they wrote one question at a time (their
    data export)."""
    rows = Conversation.objects.filter(channel=channel, sender_hash__in=hashes)
    return [
        {
            "started_at": row.started_at,
            "state": row.state,
            "type": row.type,
            "text": row.text,
            "place": row.place,
            "report": row.report.tracking_number if row.report else None,
        }
        for row in rows.select_related("report").order_by("started_at", "pk")
    ]


def conversations_erase(*, channel: str, hashes: Sequence[str]) -> None:
    """Account erasure: the conversations of these identities go with them."""
    Conversation.objects.filter(channel=channel, sender_hash__in=hashes).delete()
