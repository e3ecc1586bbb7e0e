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
from collections.abc import Callable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
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
from aduan.intake.answers import answer_outcome, answer_text, help_text
from aduan.intake.commands import Command, Help, NewReport, Reply, StatusQuery, command_parse
from aduan.intake.services import Outcome as IntakeOutcome
from aduan.intake.services import (
    Result,
    Sender,
    intake_reply,
    intake_report,
    intake_sender,
    intake_status,
)
from aduan.lib import crypto
from aduan.lib.contacts import normalize_x_handle
from aduan.lib.errors import InvalidInput
from aduan.lib.ratelimit import rate_window
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


class _NotOurs(Exception):
    """A reply in a report's thread by someone other than its reporter."""


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
        event_id=post.post_id,
        kind=Kind.POST,
        author_id=post.author_id,
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
        event_id=direct.event_id,
        kind=Kind.DIRECT,
        author_id=direct.sender_id,
        handle=direct.handle,
        name=direct.name,
        command=command_parse(direct.text),
        now=now,
    )


def _receive(
    *,
    event_id: str,
    kind: str,
    author_id: str,
    handle: str,
    name: str,
    command: Command,
    photo_urls: Sequence[str] = (),
    threaded: bool = False,
    now: datetime | None,
) -> InboundPost | None:
    try:
        handle = normalize_x_handle(handle)
    except InvalidInput:
        logger.info("x: ignored a %s whose author has no readable handle", kind)
        return None
    earlier = InboundPost.objects.filter(post_id=event_id).first()
    if earlier is not None:
        logger.info("x: a %s was delivered again", kind)
        return earlier
    now = now or timezone.now()

    def record() -> InboundPost:
        return _record(
            event_id=event_id,
            kind=kind,
            author_id=author_id,
            handle=handle,
            name=name,
            command=command,
            photo_urls=photo_urls,
            threaded=threaded,
            now=now,
        )

    return _once(event_id, record)


def _once(event_id: str, record: Callable[[], InboundPost]) -> InboundPost | None:
    """``record`` in one transaction, or the record of the same post written
    meanwhile by another request (the webhook and the poller at once)."""
    try:
        with transaction.atomic():
            return record()
    except _NotOurs:
        return None
    except IntegrityError:
        earlier = InboundPost.objects.filter(post_id=event_id).first()
        if earlier is None:
            raise
        logger.info("x: a post was delivered twice at once")
        return earlier


def _record(
    *,
    event_id: str,
    kind: str,
    author_id: str,
    handle: str,
    name: str,
    command: Command,
    photo_urls: Sequence[str],
    threaded: bool,
    now: datetime,
) -> InboundPost:
    author_hash = crypto.lookup_hash(ChannelIdentity.Kind.X, handle)
    answer: Message | None = None

    def inbound(outcome: str, report: Report | None = None) -> InboundPost:
        # Written last: the unique id refuses a post another request handled
        # meanwhile, and everything this one did rolls back.
        return InboundPost.objects.create(
            post_id=event_id,
            kind=kind,
            author_hash=author_hash,
            author_id=author_id,
            received_at=now,
            outcome=outcome,
            report=report,
            answer=answer,
        )

    if _over_limit(author_hash, now):
        # A flood: recorded, and neither acted on nor answered until the window moves.
        logger.info("x: an account over the flood limit, recorded and not answered")
        return inbound(Outcome.LIMITED)
    to = f"@{settings.X_ACCOUNT_HANDLE}"
    with translation.override("id"):
        if isinstance(command, Help):
            answer = _answer(handle, help_text(command.trouble, to=to), now=now)
            return inbound(Outcome.HELP)
        sender = intake_sender(kind=ChannelIdentity.Kind.X, value=handle, name=name)
        outcome = _act(command, sender=sender, now=now)
        if threaded and outcome.result == Result.NOT_FOUND:
            raise _NotOurs  # rolls back the stranger's reporter record too
        report = outcome.report if outcome.result != Result.NOT_FOUND else None
        if report is not None and outcome.result in (Result.REPORT, Result.REPLY):
            # Fetched by the worker: X wants the webhook answered within seconds.
            photos_later(report=report, urls=photo_urls, now=now)
        if isinstance(command, NewReport) and kind == Kind.POST:
            if outcome.result != Result.REPORT or report is None:
                # No public answer to a refusal: a reply to every stray "#LAPOR"
                # could be turned into a way to make the account post.
                logger.info("x: the intake refused a post")
                return inbound(Outcome.REFUSED)
            answer = _answer(handle, receipt_text(report), report=report, now=now, receipt=True)
        else:
            number = command.number if isinstance(command, StatusQuery | Reply) else ""
            body = answer_text(outcome, number=number, to=to, now=now)
            answer = _answer(handle, body, report=report, now=now)
    record = inbound(answer_outcome(outcome), report)
    logger.info("x: %s %s: %s", kind, record.pk, record.outcome)
    return record


def _act(
    command: NewReport | StatusQuery | Reply, *, sender: Sender, now: datetime
) -> IntakeOutcome:
    """What the intake makes of the command (a new report, a status, a reply)."""
    if isinstance(command, StatusQuery):
        return intake_status(sender=sender, number=command.number)
    if isinstance(command, Reply):
        return intake_reply(
            sender=sender, number=command.number, text=command.text, channel=Channel.X, now=now
        )
    return intake_report(
        sender=sender, text=command.text, channel=Channel.X, acknowledged=True, now=now
    )


def _answer(
    handle: str,
    body: str,
    *,
    report: Report | None = None,
    now: datetime,
    receipt: bool = False,
) -> Message:
    return message_send(
        channel=Message.Channel.X,
        recipient=handle,
        body=body,
        purpose=PURPOSE_RECEIPT if receipt else PURPOSE_ANSWER,
        reporter_id=report.reporter_id if report is not None else None,
        report_id=report.pk if report is not None else None,
        now=now,
    )


def _over_limit(author_hash: str, now: datetime) -> bool:
    allowed, window = rate_window("x")
    earlier = InboundPost.objects.filter(author_hash=author_hash, received_at__gt=now - window)
    return earlier.count() >= allowed


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
