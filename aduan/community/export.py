"""A citizen's share of the community's data in their export (UU PDP): the
reports they support, their comments, and the comments they reported as abuse."""

from typing import Any

from aduan.accounts.export import export_section
from aduan.accounts.models import User
from aduan.community.models import Comment, CommentAbuseReport, Support


@export_section("supports")
def _supports(user: User) -> list[dict[str, Any]]:
    rows = Support.objects.filter(user=user).order_by("created_at")
    return [
        {"report": number, "created_at": created}
        for number, created in rows.values_list("report__tracking_number", "created_at")
    ]


@export_section("comments")
def _comments(user: User) -> list[dict[str, Any]]:
    rows = Comment.objects.filter(author=user).order_by("created_at")
    return [
        {"report": number, "text": body, "created_at": created, "hidden": hidden is not None}
        for number, body, created, hidden in rows.values_list(
            "report__tracking_number", "body", "created_at", "hidden_at"
        )
    ]


@export_section("comment_abuse_reports")
def _abuse_reports(user: User) -> list[dict[str, Any]]:
    rows = CommentAbuseReport.objects.filter(user=user).order_by("created_at")
    return [
        {"comment": comment_id, "created_at": created}
        for comment_id, created in rows.values_list("comment_id", "created_at")
    ]
