"""X @lapor1708 (DESIGN.md §6): a post with ``#LAPOR`` that mentions the service
account becomes a report, whichever way it arrived (the Account Activity webhook
or the polled mentions timeline), and the same post twice makes one report.

The answer is public — a reply in the post's thread — so it carries the tracking
number and a link only, the same words for every report: nothing of its state,
its agency or its reporter, and nothing that tells a confidential report from a
public one. Everything after that goes by direct message (transport.py)."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from aduan.channels.x.media import photos_fetch
from aduan.channels.x.models import InboundPost
from aduan.channels.x.parse import Post, post_counts, post_report_text
from aduan.intake.services import Result, intake_report, intake_sender
from aduan.lib import crypto
from aduan.lib.contacts import normalize_x_handle
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Channel, Report
from aduan.reports.notices import site_url
from aduan.reports.services import Upload
from aduan.reports.tracking import tracking_number_display

logger = logging.getLogger("aduan.x")

Outcome = InboundPost.Outcome

# The purpose of the public answer: the transport replies in the thread for this
# one only; every other message to an X reporter goes by direct message.
PURPOSE_RECEIPT = "x_receipt"


def post_receive(post: Post, *, now: datetime | None = None) -> InboundPost | None:
    """Makes the post a report and queues the public answer; returns the post's
    record (the earlier one when X delivered it before), or None when the post is
    not for the service."""
    if not post_counts(
        post, account_id=settings.X_ACCOUNT_ID, account_handle=settings.X_ACCOUNT_HANDLE
    ):
        return None
    try:
        handle = normalize_x_handle(post.handle)
    except InvalidInput:
        logger.info("x: ignored a post whose author has no readable handle")
        return None
    earlier = InboundPost.objects.filter(post_id=post.post_id).first()
    if earlier is not None:
        logger.info("x: a post was delivered again")
        return earlier
    # Fetched before the transaction: a slow media host must not hold it open.
    files = photos_fetch(post.photo_urls)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _record(post, handle=handle, files=files, now=now)
    except IntegrityError:
        # Delivered twice at once (webhook and poller): the other one made it.
        earlier = InboundPost.objects.filter(post_id=post.post_id).first()
        if earlier is None:
            raise
        logger.info("x: a post was delivered twice at once")
        return earlier


def _record(post: Post, *, handle: str, files: list[Upload], now: datetime) -> InboundPost:
    text = post_report_text(post, account_handle=settings.X_ACCOUNT_HANDLE)
    sender = intake_sender(kind=ChannelIdentity.Kind.X, value=handle, name=post.name)
    with translation.override("id"):
        outcome = intake_report(
            sender=sender, text=text, channel=Channel.X, files=files, acknowledged=True, now=now
        )
        if outcome.result == Result.REFUSED and files:
            # The photos were refused (not images, say): the complaint still counts.
            logger.info("x: the photos of a post were refused; reporting it without them")
            outcome = intake_report(
                sender=sender, text=text, channel=Channel.X, acknowledged=True, now=now
            )
        report = outcome.report if outcome.result == Result.REPORT else None
        # Written last: the unique post id refuses a post another request handled
        # meanwhile, and everything this one did rolls back.
        inbound = InboundPost.objects.create(
            post_id=post.post_id,
            author_hash=crypto.lookup_hash(ChannelIdentity.Kind.X, handle),
            author_id=post.author_id,
            received_at=now,
            outcome=Outcome.REPORT if report is not None else Outcome.REFUSED,
            report=report,
        )
        if report is None:
            # No public answer to a refusal: a reply to every stray "#LAPOR" could
            # be turned into a way to make the account post.
            logger.info("x: the intake refused a post")
            return inbound
        message_send(
            channel=Message.Channel.X,
            recipient=handle,
            body=receipt_text(report),
            purpose=PURPOSE_RECEIPT,
            reporter_id=report.reporter_id,
            report_id=report.pk,
            now=now,
        )
    logger.info("x: post %s became a report", inbound.pk)
    return inbound


def receipt_text(report: Report) -> str:
    """The public answer: the tracking number and where to follow it, nothing
    more — the same for a confidential report as for a public one."""
    number = tracking_number_display(report.tracking_number)
    link = site_url(f"{reverse('web:track')}?nomor={report.tracking_number}")
    return gettext("Laporan Anda kami terima dengan nomor %(number)s. Pantau di %(url)s") % {
        "number": number,
        "url": link,
    }
