from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aduan.community import services
from aduan.community.models import Comment
from aduan.lib.errors import AduanError
from aduan.reports.policy import Actor


def _is_moderator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "role", "") == "national_admin")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    """Moderation: national admins read comments, most reported first, and hide or
    show them again. Citizens' words are never edited or deleted here, and their
    authors are not named."""

    list_display = ("id", "report_number", "excerpt", "created_at", "abuse_reports", "hidden_at")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter),)
    search_fields = ("report__tracking_number",)
    actions = ("hide", "unhide")
    # Moderating judges the words, not who wrote them: the author's account is not
    # shown (the report page itself calls a reporter only "Pelapor").
    exclude = ("author",)
    readonly_fields = (
        "report",
        "body",
        "created_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
    )
    list_select_related = ("report",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return (
            super()
            .get_queryset(request)
            .annotate(abuse_total=Count("abuse_reports"))
            .order_by("-abuse_total", "-created_at")
        )

    @admin.display(description=_("Laporan"), ordering="report__tracking_number")
    def report_number(self, comment: Comment) -> str:
        return comment.report.tracking_number

    @admin.display(description=_("Komentar"))
    def excerpt(self, comment: Comment) -> str:
        return comment.body[:80]

    @admin.display(description=_("Dilaporkan"), ordering="abuse_total")
    def abuse_reports(self, comment: Comment) -> int:
        return int(comment.abuse_total)  # type: ignore[attr-defined]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_moderator(request)

    def has_view_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return _is_moderator(request)

    def has_change_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return _is_moderator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False

    def _apply(self, request: HttpRequest, queryset: QuerySet[Comment], *, hide: bool) -> None:
        actor = Actor.for_user(request.user)  # type: ignore[arg-type]
        changed = 0
        try:
            for comment in queryset:
                if hide:
                    changed += services.comment_hide(
                        actor=actor, comment=comment, reason=str(_("Disembunyikan oleh admin."))
                    )
                else:
                    changed += services.comment_unhide(actor=actor, comment=comment)
        except AduanError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return
        template = (
            ngettext("%(n)d komentar disembunyikan.", "%(n)d komentar disembunyikan.", changed)
            if hide
            else ngettext(
                "%(n)d komentar ditampilkan lagi.", "%(n)d komentar ditampilkan lagi.", changed
            )
        )
        self.message_user(request, template % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("Sembunyikan komentar terpilih"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._apply(request, queryset, hide=True)

    @admin.action(description=_("Tampilkan lagi komentar terpilih"))
    def unhide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._apply(request, queryset, hide=False)
