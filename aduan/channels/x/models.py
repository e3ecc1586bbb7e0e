from django.db import models

from aduan.lib.crypto import EncryptedTextField


class InboundPost(models.Model):
    """A post to the service account that became (or was refused as) a report:
    enough to know it again when X delivers it twice — by the webhook and the
    timeline, or twice by either — and to answer in its thread. The text is not
    kept here: it lives in the report it became."""

    class Outcome(models.TextChoices):
        REPORT = "report"
        REFUSED = "refused"  # read, but the intake refused it (an empty text, say)

    # X's id of the post: one report per post, and the post replies thread on.
    post_id = models.CharField(max_length=32, unique=True)
    # The keyed hash of the author's handle (their channel identity), for their
    # data export and erasure; their numeric X id, for direct messages. A public
    # id, but it points at a person: kept encrypted.
    author_hash = models.CharField(max_length=64, db_index=True)
    author_id = EncryptedTextField()
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "inbound X post"

    def __str__(self) -> str:
        return f"X post {self.pk} ({self.outcome})"


class MentionsCursor(models.Model):
    """How far the polling of an account's mentions got (the newest post id
    seen), so a restarted poller asks only for what came after."""

    account_id = models.CharField(max_length=32, unique=True)
    since_id = models.CharField(max_length=32)
    polled_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"mentions of {self.account_id} since {self.since_id}"
