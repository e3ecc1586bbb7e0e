"""X @lapor1708 (DESIGN.md §6), whichever way a post or direct message arrived
(the Account Activity webhook, or polling): the same one twice is acted on once.

- A post with ``#LAPOR`` that mentions the service account becomes a report. The
  answer is public — a reply in the post's thread — so it carries the tracking
  number and a link only, the same words for every report: nothing of its state,
  its agency or its reporter, and nothing that tells a confidential report from a
  public one.
- A report goes on by X as by any door: its reporter's reply in its thread (to
  their post or to one of ours) reaches it, and a post that mentions the account
  with ``CEK <no>`` or ``BALAS <no> <text>`` asks or answers. Anyone else's reply
  in the thread is their conversation, not ours: nothing is recorded of it.
- A direct message is a command, as an SMS to 1708 is (the same grammar and
  answers): a new report, a status question, a reply, or help.

How each answer goes back — in public or by direct message — is the transport's
rule (transport.py)."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from aduan.channels.x.media import photos_later
from aduan.channels.x.models import InboundPost
from aduan.channels.x.parse import (
    DirectMessage,
    Post,
    post_addressed,
    post_counts,
    post_report_text,
    post_words,
)
from aduan.intake.commands import Command, NewReport, Reply, StatusQuery, command_parse
from aduan.intake.messages import Handled, Inbound, Received
from aduan.intake.receive import Door, intake_receive
from aduan.intake.services import Sender
from aduan.lib.contacts import normalize_x_handle
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Channel, Report
from aduan.reports.notices import site_url
from aduan.reports.tracking import tracking_number_display

logger = logging.getLogger("aduan.x")

Outcome = InboundPost.Outcome
Kind = InboundPost.Kind

# The public answer to a new report's post: the transport replies in its thread
# whatever the report (its words are the same for every report).
PURPOSE_RECEIPT = "x_receipt"
# The answer to a command: in the thread of the post that asked when the report
# is public anyway, else (and always for a direct message) by direct message.
PURPOSE_ANSWER = "x_answer"


def post_receive(post: Post, *, now: datetime | None = None) -> InboundPost | None:
    """Does what the post asks of the service; returns its record (the earlier
    one when X delivered it before), or None when it asks nothing of the service."""
    account, handle_of_account = settings.X_ACCOUNT_ID, settings.X_ACCOUNT_HANDLE
    if not post_addressed(post, account_id=account, account_handle=handle_of_account):
        return None
    threaded = False
    command: Command
    if post_counts(post, account_id=account, account_handle=handle_of_account):
        command = NewReport(post_report_text(post, account_handle=handle_of_account))
    else:
        words = post_words(post, account_handle=handle_of_account)
        command = command_parse(words)
        if not isinstance(command, StatusQuery | Reply):
            thread = _thread_report(post.in_reply_to)
            if thread is None or not words:
                return None  # a mention like any other: not for the service to act on
            command, threaded = Reply(thread.tracking_number, words), True
    return _receive(
        XDoor(Kind.POST, author_id=post.author_id),
        event_id=post.post_id,
        handle=post.handle,
        name=post.name,
        command=command,
        photo_urls=post.photo_urls,
        threaded=threaded,
        now=now,
    )


def direct_receive(direct: DirectMessage, *, now: datetime | None = None) -> InboundPost | None:
    """Does what a direct message asks (the service account's own are skipped)."""
    if not direct.event_id or not direct.sender_id or direct.sender_id == settings.X_ACCOUNT_ID:
        return None
    return _receive(
        XDoor(Kind.DIRECT, author_id=direct.sender_id),
        event_id=direct.event_id,
        handle=direct.handle,
        name=direct.name,
        command=command_parse(direct.text),
        now=now,
    )


class XDoor(Door):
    """X at the one intake: a post or a direct message (one id space), answered
    through the outbox — in public only with words that are the same for every
    report (transport.py decides where)."""

    channel = Channel.X
    identity = ChannelIdentity.Kind.X
    rate = "x"
    model = InboundPost
    sender_field = "author_hash"

    def __init__(self, kind: str, *, author_id: str) -> None:
        self.kind = kind
        self.author_id = author_id

    def address(self) -> str:
        return f"@{settings.X_ACCOUNT_HANDLE}"

    def keys(self, message: Inbound) -> Q | None:
        return Q(post_id=message.external_id)

    def act(self, message: Inbound, command: Command, sender: Sender, now: datetime) -> Received:
        received = super().act(message, command, sender, now)
        report = received.report
        if report is not None and received.outcome in (Handled.REPORT, Handled.REPLY):
            # Fetched by the worker: X wants the webhook answered within seconds.
            photos_later(report=report, urls=message.file_refs, now=now)
        if isinstance(command, NewReport) and self.kind == Kind.POST:
            if received.outcome != Handled.REPORT or report is None:
                # No public answer to a refusal: a reply to every stray "#LAPOR"
                # could be turned into a way to make the account post.
                logger.info("x: the intake refused a post")
                return Received(Handled.REFUSED, intake=received.intake)
            return Received(
                Handled.REPORT, report, receipt_text(report), received.intake, command, True
            )
        return received

    def record(
        self, message: Inbound, received: Received, *, sender_hash: str, now: datetime
    ) -> models.Model:
        if received.outcome == Handled.LIMITED:
            logger.info("x: an account over the flood limit, recorded and not answered")
        report = received.report
        answer = None
        if received.answer:
            answer = message_send(
                channel=Message.Channel.X,
                recipient=message.sender,
                body=received.answer,
                purpose=PURPOSE_RECEIPT if received.receipt else PURPOSE_ANSWER,
                reporter_id=report.reporter_id if report is not None else None,
                report_id=report.pk if report is not None else None,
                now=now,
            )
        record = InboundPost.objects.create(
            post_id=message.external_id,
            kind=self.kind,
            author_hash=sender_hash,
            author_id=self.author_id,
            received_at=now,
            outcome=received.outcome,
            report=report,
            answer=answer,
        )
        logger.info("x: %s %s: %s", self.kind, record.pk, record.outcome)
        return record


def _receive(
    door: XDoor,
    *,
    event_id: str,
    handle: str,
    name: str,
    command: Command,
    photo_urls: tuple[str, ...] | list[str] = (),
    threaded: bool = False,
    now: datetime | None,
) -> InboundPost | None:
    try:
        handle = normalize_x_handle(handle)
    except InvalidInput:
        logger.info("x: ignored a %s whose author has no readable handle", door.kind)
        return None
    message = Inbound(
        channel=Channel.X,
        sender=handle,
        name=name,
        external_id=event_id,
        command=command,
        file_refs=tuple(photo_urls),
        in_thread=threaded,
    )
    receipt = intake_receive(message, door=door, now=now)
    if receipt is None:
        return None
    if receipt.again:
        logger.info("x: a %s was delivered again", door.kind)
    assert isinstance(receipt.record, InboundPost)
    return receipt.record


def _thread_report(post_id: str) -> Report | None:
    """The report whose thread a post answers: a reporter's post that made or
    reached it, or one of the service's own posts about it."""
    if not post_id:
        return None
    inbound = (
        InboundPost.objects.filter(post_id=post_id, kind=Kind.POST, report__isnull=False)
        .select_related("report")
        .first()
    )
    if inbound is not None:
        return inbound.report
    ours = (
        Message.objects.filter(external_id=post_id, channel=Message.Channel.X, report__isnull=False)
        .select_related("report")
        .first()
    )
    return ours.report if ours is not None else None


def receipt_text(report: Report) -> str:
    """The public answer: the tracking number and where to follow it, nothing
    more — the same for a confidential report as for a public one."""
    number = tracking_number_display(report.tracking_number)
    link = site_url(f"{reverse('web:track')}?nomor={report.tracking_number}")
    return gettext("Laporan Anda kami terima dengan nomor %(number)s. Pantau di %(url)s") % {
        "number": number,
        "url": link,
    }
