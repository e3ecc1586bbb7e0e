"""Writes of the community around a public report: support, comments, abuse reports
and their moderation. Each checks who acts and that the report is public, then
writes in one transaction."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.community.models import (
    COMMENT_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    Comment,
    CommentAbuseReport,
    Support,
)
from aduan.lib.errors import AduanError, InvalidInput, NotPermitted
from aduan.lib.text import clean_text
from aduan.reports.models import Report
from aduan.reports.policy import PUBLIC, Actor, View, is_owner, report_view


def is_open_to_community(report: Report) -> bool:
    """Support and comments only where the public sees the report: a confidential
    or not yet verified report has no public to talk to (asked of the policy)."""
    return report_view(PUBLIC, report) == View.FULL


def _require_open(report: Report) -> None:
    if not is_open_to_community(report):
        raise NotPermitted(
            _("Laporan ini tidak terbuka untuk dukungan dan komentar."), code="not_public"
        )


def _signed_in(actor: Actor) -> User:
    if actor.user is None:
        raise NotPermitted(_("Masuk dahulu untuk melakukan ini."), code="not_signed_in")
    return actor.user


def _citizen(actor: Actor) -> User:
    """Support is a citizen's voice; staff speak through follow-ups."""
    user = _signed_in(actor)
    if actor.role != "citizen":
        raise NotPermitted(
            _("Hanya warga yang dapat mendukung laporan."), code="support_citizens_only"
        )
    return user


def _national_admin(actor: Actor) -> User:
    user = _signed_in(actor)
    if actor.role != "national_admin":
        raise NotPermitted(
            _("Hanya admin nasional yang dapat menyembunyikan komentar."), code="not_moderator"
        )
    return user


def _not_own(actor: Actor, report: Report) -> None:
    if is_owner(actor, report):
        # Support measures how many others share the problem; the reporter is counted
        # by the report itself.
        raise NotPermitted(
            _("Anda tidak dapat mendukung laporan Anda sendiri."), code="support_own_report"
        )


def may_support(*, actor: Actor, report: Report) -> bool:
    """Would support_add take the actor's support (the page shows the button)?"""
    try:
        _citizen(actor)
        _require_open(report)
        _not_own(actor, report)
    except AduanError:
        return False
    return True


@transaction.atomic
def support_add(*, actor: Actor, report: Report, now: datetime | None = None) -> bool:
    """The actor supports the report; False when they already did (a second click,
    a form sent twice: the count moves once)."""
    user = _citizen(actor)
    _require_open(report)
    _not_own(actor, report)
    _support, created = Support.objects.get_or_create(
        report=report, user=user, defaults={"created_at": now or timezone.now()}
    )
    if created:
        Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    return created


@transaction.atomic
def support_remove(*, actor: Actor, report: Report) -> bool:
    """The actor takes their support back; False when there was none."""
    user = _citizen(actor)
    _require_open(report)
    deleted, _counts = Support.objects.filter(report=report, user=user).delete()
    if deleted:
        Report.objects.filter(pk=report.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
    return bool(deleted)


@transaction.atomic
def comment_add(*, actor: Actor, report: Report, body: str, now: datetime | None = None) -> Comment:
    user = _signed_in(actor)
    _require_open(report)
    text = clean_text(
        body, field="body", maximum=COMMENT_MAX_LENGTH, empty=_("Komentar tidak boleh kosong.")
    )
    return Comment.objects.create(
        report=report, author=user, body=text, created_at=now or timezone.now()
    )


@transaction.atomic
def comment_report_abuse(*, actor: Actor, comment: Comment, now: datetime | None = None) -> bool:
    """The actor reports the comment as abusive; False when they already had."""
    user = _signed_in(actor)
    _require_open(comment.report)
    if comment.author_id == user.pk:
        raise InvalidInput(
            _("Anda tidak dapat melaporkan komentar Anda sendiri."), code="own_comment"
        )
    _abuse, created = CommentAbuseReport.objects.get_or_create(
        comment=comment, user=user, defaults={"created_at": now or timezone.now()}
    )
    return created


@transaction.atomic
def comment_hide(
    *, actor: Actor, comment: Comment, reason: str = "", now: datetime | None = None
) -> bool:
    """A national admin hides the comment: its text stays for the record and is
    never shown again. False when it was hidden already."""
    user = _national_admin(actor)
    reason = clean_text(reason, field="reason", maximum=HIDE_REASON_MAX_LENGTH, required=False)
    hidden = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
        hidden_at=now or timezone.now(), hidden_by=user, hidden_reason=reason
    )
    return bool(hidden)


@transaction.atomic
def comment_unhide(*, actor: Actor, comment: Comment) -> bool:
    _national_admin(actor)
    shown = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=False).update(
        hidden_at=None, hidden_by=None, hidden_reason=""
    )
    return bool(shown)
