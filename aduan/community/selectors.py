"""Reads of the community around a report: who supports it and what people said."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.community.models import Comment, CommentAbuseReport, Support
from aduan.lib.errors import NotFound
from aduan.reports.models import Report
from aduan.reports.policy import Actor, View, report_view

# A report's page shows this many comments at most: the page stays light.
COMMENTS_SHOWN = 200
_NAME_MAX = 30


def supports(*, actor: Actor, report: Report) -> bool:
    if actor.user is None:
        return False
    return Support.objects.filter(report=report, user=actor.user).exists()


@dataclass(frozen=True, slots=True)
class CommentShown:
    """A comment as the page shows it: a hidden one without its text."""

    id: int
    author_name: str
    body: str
    created_at: datetime
    is_hidden: bool
    is_own: bool
    reported_by_me: bool
    abuse_count: int  # for national admins; 0 for everyone else


def author_name(author: User | None, *, is_reporter: bool) -> str:
    """The name a comment shows, never personal data beyond a first name: "Pelapor"
    for the report's own reporter (a report page never names its reporter, anonymous
    or not), the agency for staff (they speak for it), the first word of a
    citizen's first name, and "Warga" when there is none (or the account is gone).
    Never the user name: it may be a phone number or an e-mail address."""
    if is_reporter:
        return str(_("Pelapor"))
    if author is None:
        return str(_("Warga"))
    if author.role != User.Role.CITIZEN and author.agency is not None:
        return author.agency.short_name or author.agency.name
    first = author.first_name.split()
    return first[0][:_NAME_MAX] if first else str(_("Warga"))


def comment_list(
    *, actor: Actor, report: Report, limit: int = COMMENTS_SHOWN
) -> list[CommentShown]:
    """The report's comments, oldest first, in one query."""
    comments = (
        Comment.objects.filter(report=report)
        .select_related("author__agency")
        .annotate(author_reporter_id=F("author__reporter__id"))
        .order_by("created_at", "id")
    )
    if actor.user is not None:
        mine = CommentAbuseReport.objects.filter(comment=OuterRef("pk"), user=actor.user)
        comments = comments.annotate(reported_by_me=Exists(mine))
    else:
        comments = comments.annotate(reported_by_me=Value(False))
    if actor.role == "national_admin":
        count = (
            CommentAbuseReport.objects.filter(comment=OuterRef("pk"))
            .values("comment")
            .annotate(n=Count("id"))
            .values("n")
        )
        comments = comments.annotate(
            abuse_count=Coalesce(Subquery(count, output_field=IntegerField()), 0)
        )
    else:
        comments = comments.annotate(abuse_count=Value(0))
    user_id = actor.user.pk if actor.user is not None else None
    return [
        CommentShown(
            id=comment.pk,
            author_name=author_name(
                comment.author,
                is_reporter=comment.author_reporter_id is not None
                and comment.author_reporter_id == report.reporter_id,
            ),
            body="" if comment.is_hidden else comment.body,
            created_at=comment.created_at,
            is_hidden=comment.is_hidden,
            is_own=user_id is not None and comment.author_id == user_id,
            reported_by_me=bool(comment.reported_by_me),
            abuse_count=int(comment.abuse_count),
        )
        for comment in comments[:limit]
    ]


def comment_get(*, actor: Actor, comment_id: int) -> Comment:
    """A comment on a report the actor may see; NotFound otherwise."""
    comment = Comment.objects.select_related("report__agency").filter(pk=comment_id).first()
    if comment is None or report_view(actor, comment.report) == View.NONE:
        raise NotFound(_("Komentar tidak ditemukan."), code="comment_not_found")
    return comment
