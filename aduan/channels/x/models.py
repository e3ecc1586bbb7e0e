from django.db import models

from aduan.lib.crypto import EncryptedTextField, KeyedHash


class InboundPost(models.Model):
    """What reached the service account and was acted on: a post (a new report, a
    reporter's words in a report's thread, a status question) or a direct message
    (any command). Enough to know it again when X delivers it twice — by the
    webhook and by polling, or twice by either — and to answer it where it came
    from. The text is not kept here: it lives in the report it reached."""

    class Kind(models.TextChoices):
        POST = "post"
        DIRECT = "direct"  # a direct message

    class Outcome(models.TextChoices):
        REPORT = "report"
        STATUS = "status"
        REPLY = "reply"
        HELP = "help"
        REFUSED = "refused"  # read, but not possible (an empty text, an unknown number)
        LIMITED = "limited"  # over the author's flood limit: recorded, not answered

    # X's id of the post or direct message event (one id space): one report per
    # post, and what a reply threads on.
    post_id = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.POST)
    # The keyed hash of the author's handle (their channel identity), for their
    # data export and erasure; their numeric X id, for direct messages. A public
    # id, but it points at a person: kept encrypted.
    author_hash = models.CharField(max_length=64)
    author_id = EncryptedTextField()
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The message that answers it: the transport sends it back the way this came.
    answer = models.OneToOneField(
        "outbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Recomputed by rotate_data_key through the rows that keep the handle in clear
    # (aduan/lib/crypto.py).
    keyed_hashes = (KeyedHash("author_hash", elsewhere=True),)

    class Meta:
        verbose_name = "inbound X post"
        indexes = [models.Index(fields=["author_hash", "received_at"], name="x_author_time")]

    def __str__(self) -> str:
        return f"X {self.kind} {self.pk} ({self.outcome})"


class PollCursor(models.Model):
    """How far polling an account's stream got (the newest id seen), so a
    restarted poller asks only for what came after: its mentions, and its direct
    messages."""

    class Stream(models.TextChoices):
        MENTIONS = "mentions"
        DIRECT = "direct"

    account_id = models.CharField(max_length=32)
    stream = models.CharField(max_length=8, choices=Stream.choices, default=Stream.MENTIONS)
    since_id = models.CharField(max_length=32)
    polled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account_id", "stream"], name="x_cursor_per_stream")
        ]

    def __str__(self) -> str:
        return f"{self.stream} of {self.account_id} since {self.since_id}"


class PhotoFetch(models.Model):
    """The photos of a post still to be fetched onto the report it made or reached.
    The worker fetches them, not the webhook's request: X expects its webhook
    answered within seconds, and a media host may be slow or down for a while."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    urls = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="x_photos_due")]

    def __str__(self) -> str:
        return f"photos for report {self.report_id} ({len(self.urls)})"
