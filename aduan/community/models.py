"""What citizens add to a public report: their support (Dukung) and their comments.
Nothing here is part of a report's lifecycle or timeline; the report keeps only a
count of supports, maintained by community/services.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A comment is a few sentences, not an essay: long texts go in a report.
COMMENT_MAX_LENGTH = 2000
HIDE_REASON_MAX_LENGTH = 200


class Support(models.Model):
    """One account's support of one report. The account is kept as null when it is
    deleted, so that the report's count of supports stays true."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="supports", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Leads with report: it also serves "does this account support it?".
            models.UniqueConstraint(fields=["report", "user"], name="support_once_per_account")
        ]

    def __str__(self) -> str:
        return f"support of report {self.report_id} by user {self.user_id}"


class Comment(models.Model):
    """A comment on a public report. An admin hides an abusive one (its text is kept
    for the record, never shown); nothing is deleted."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField()
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    hidden_reason = models.CharField(max_length=HIDE_REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("komentar")
        verbose_name_plural = pgettext_lazy("jamak", "komentar")
        indexes = [models.Index(fields=["report", "created_at"], name="comment_report_time")]

    def __str__(self) -> str:
        return f"comment {self.pk} on report {self.report_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentAbuseReport(models.Model):
    """An account's report that a comment is abusive (Laporkan): one per account per
    comment, so that the count an admin sees is a count of people."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="abuse_reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="comment_abuse_once_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"abuse report on comment {self.comment_id} by user {self.user_id}"
