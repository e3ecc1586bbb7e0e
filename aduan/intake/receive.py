"""One door for every message (DESIGN.md §6). A channel reads what its gateway hands
over into an ``Inbound`` message and gives it to ``intake_receive`` with its
``Door``; everything from there is the same for SMS, X, e-mail, WhatsApp and
Telegram:

- **receive once**: a gateway's re-delivery (by its id for the message, or by a
  fingerprint where the gateway gives new ids) has one effect and gets the record
  of the first, whose answer the channel repeats; two deliveries at once are told
  apart by the record's unique keys, and the second one's work rolls back;
- **the per-sender rate limit** (``settings.RATE_LIMITS[door.rate]``), counted on
  the channel's inbound records;
- **what the message asks** (``commands.command_parse``, unless the channel read
  it itself) and **doing it** through the intake's services;
- **the answer's words** (``answers.py``), which the channel only formats and
  sends.

Each channel keeps its inbound records in a table of its own behind this one
interface (``Door.record``), not in one shared table: each gateway has its own id
space and unique keys (Kannel's id and an SMSC fingerprint, X's post id, a mail's
Message-ID, WhatsApp's wamid, Telegram's update id), its own columns (what an
e-mail's server proved of its sender, whether an X item was a post or a direct
message), and its own indexes; a shared table would hold the union of them, and a
new channel would change a table every other channel writes to. What is the same
for all is here (docs/decisions.md)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from aduan.intake.answers import answer_outcome, answer_text, help_text
from aduan.intake.commands import (
    Command,
    Help,
    LinkAccount,
    NewReport,
    Reply,
    StatusQuery,
    command_parse,
)
from aduan.intake.conversation import Chat, conversation_receive, place_of
from aduan.intake.messages import Handled, Inbound, Received
from aduan.intake.services import (
    Outcome,
    Result,
    Sender,
    intake_link,
    intake_reply,
    intake_report,
    intake_sender,
    intake_status,
)
from aduan.lib import crypto
from aduan.lib.ratelimit import rate_window
from aduan.reports.tracking import is_valid


class Door:
    """What a channel tells the intake about itself. One subclass per channel (an
    instance per message where the channel's answer depends on more than the
    message, as an e-mail's proven sender does)."""

    channel: str  # the reports.Channel a report from here has
    identity: str  # the ChannelIdentity.Kind of its senders
    rate: str  # its settings.RATE_LIMITS group
    model: type[models.Model]  # its inbound record
    sender_field = "sender_hash"
    # At the flood limit: one answer saying so, then silence (SMS costs the sender
    # nothing to resend, and a silent number looks broken); else silence at once.
    polite_limit = False
    # A chat channel: a report is written one question at a time (conversation.py).
    guided = False

    def address(self) -> str:
        """Where a sender writes to, as the help names it ("1708", "@lapor1708")."""
        raise NotImplementedError

    def keys(self, message: Inbound) -> Q | None:
        """How a re-delivery of the message is found among the records."""
        raise NotImplementedError

    def act(self, message: Inbound, command: Command, sender: Sender, now: datetime) -> Received:
        """What the command asks, done, and the answer's words."""
        outcome = intake_act(message, command, sender=sender, now=now)
        number = command.number if isinstance(command, StatusQuery | Reply) else ""
        words = answer_text(outcome, number=number, to=self.address(), now=now)
        report = outcome.report if outcome.result != Result.NOT_FOUND else None
        return Received(answer_outcome(outcome), report, words, outcome, command)

    def too_many(self, window: timedelta) -> str:
        """The one answer at the flood limit (``polite_limit``)."""
        minutes = max(1, int(window.total_seconds() // 60))
        return gettext(
            "Anda mengirim terlalu banyak pesan. Pesan berikutnya baru kami baca setelah "
            "%(minutes)s menit. Terima kasih atas pengertiannya."
        ) % {"minutes": minutes}

    def record(
        self, message: Inbound, received: Received, *, sender_hash: str, now: datetime
    ) -> models.Model:
        """Writes the inbound record and queues the answer, in the intake's
        transaction. Written last: its unique keys refuse a message another
        delivery handled meanwhile, and all this one did rolls back."""
        raise NotImplementedError


class _NotOurs(Exception):
    """Words in a report's thread from someone other than its reporter."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """The record of a message, and whether it had been handled before."""

    record: models.Model
    again: bool = False


def intake_receive(message: Inbound, *, door: Door, now: datetime | None = None) -> Receipt | None:
    """Does what the message asks, once: the record of what was done (the earlier
    one for a re-delivery), or None for words in a thread that are not the
    service's to act on."""
    earlier = intake_earlier(message, door=door)
    if earlier is not None:
        return Receipt(earlier, again=True)
    now = message.received_at or now or timezone.now()
    for attempt in range(2):
        try:
            return intake_once(message, door=door, write=lambda: _handle(message, door, now))
        except _NotOurs:
            return None
        except IntegrityError:
            # Another message of the same sender wrote first what both needed (their
            # one open conversation): all this one did rolled back; once more, it
            # finds what the other wrote.
            if attempt:
                raise
    raise AssertionError("unreachable")


def intake_earlier(message: Inbound, *, door: Door) -> models.Model | None:
    """The record of the same message handled before, if any."""
    keys = door.keys(message)
    if keys is None:
        return None
    # Any match is the same message. (No ORDER BY: with one, PostgreSQL walks the
    # primary key instead of the unique indexes, through every row.)
    return next(iter(door.model._default_manager.filter(keys)[:1]), None)


def intake_once(message: Inbound, *, door: Door, write: Callable[[], models.Model]) -> Receipt:
    """``write()`` in one transaction, or the record of the same message written
    meanwhile by another delivery (the webhook and a poller at once, a gateway
    retrying before the first answer arrived)."""
    try:
        with transaction.atomic():
            return Receipt(write())
    except IntegrityError:
        earlier = intake_earlier(message, door=door)
        if earlier is None:
            raise
        return Receipt(earlier, again=True)


def _handle(message: Inbound, door: Door, now: datetime) -> models.Model:
    # The first is written; any is found (a retired data key's while one is rotated).
    known_as = tuple(crypto.lookup_hashes(door.identity, message.sender))
    sender_hash = known_as[0]
    allowed, window = rate_window(door.rate)
    earlier = door.model._default_manager.filter(
        **{f"{door.sender_field}__in": known_as, "received_at__gt": now - window}
    ).count()
    # Answers are in Indonesian unless a door's act says otherwise (an e-mail answers
    # in its reporter's language).
    with translation.override("id"):
        if earlier >= allowed:
            # A flood: recorded, and not acted on until the window moves.
            polite = door.polite_limit and earlier == allowed
            received = Received(Handled.LIMITED, answer=door.too_many(window) if polite else "")
        else:
            received = _act(message, door, known_as, now)
        return door.record(message, received, sender_hash=sender_hash, now=now)


def _act(message: Inbound, door: Door, known_as: tuple[str, ...], now: datetime) -> Received:
    status = _status_chosen(message.choice)
    command = message.command or status or command_parse(message.text)
    if door.guided and status is None:

        def reporter() -> Sender:
            return intake_sender(kind=door.identity, value=message.sender, name=message.name)

        chat = Chat(
            channel=door.channel, sender_hash=known_as[0], sender=reporter, known_as=known_as
        )
        step = conversation_receive(message, command, chat, now=now)
        if step is not None:
            return step
    if isinstance(command, Help):
        return Received(
            Handled.HELP, answer=help_text(command.trouble, to=door.address()), command=command
        )
    if isinstance(command, LinkAccount):
        words = intake_link(kind=door.identity, value=message.sender, code=command.code, now=now)
        return Received(Handled.HELP, answer=words, command=command)
    sender = intake_sender(kind=door.identity, value=message.sender, name=message.name)
    received = door.act(message, command, sender, now)
    intake = received.intake
    if message.in_thread and intake is not None and intake.result == Result.NOT_FOUND:
        raise _NotOurs  # rolls back the stranger's reporter record too
    return received


STATUS_CHOICE = "status:"


def _status_chosen(choice: str) -> StatusQuery | None:
    """A notice's "status" button (``status:<number>``) asks where a report stands."""
    number = choice.removeprefix(STATUS_CHOICE)
    if choice.startswith(STATUS_CHOICE) and is_valid(number):
        return StatusQuery(number)
    return None


def intake_act(message: Inbound, command: Command, *, sender: Sender, now: datetime) -> Outcome:
    """What the intake makes of a command: a new report (with the message's files
    and place), a status, or words for a report."""
    if isinstance(command, StatusQuery):
        return intake_status(sender=sender, number=command.number)
    if isinstance(command, Reply):
        return intake_reply(
            sender=sender,
            number=command.number,
            text=command.text,
            channel=message.channel,
            files=message.files,
            now=now,
        )
    assert isinstance(command, NewReport)
    return intake_report(
        sender=sender,
        text=command.text,
        channel=message.channel,
        files=message.files,
        location=place_of(message.place) if message.place is not None else None,
        acknowledged=True,
        now=now,
    )
