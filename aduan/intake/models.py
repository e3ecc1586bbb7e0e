from django.db import models
from django.db.models import Q

from aduan.core.channels import channel_spec
from aduan.lib.crypto import EncryptedTextField, KeyedHash


def _sender_kind(channel: str) -> str:
    """The identity kind of a channel's senders (what its door hashes them as)."""
    spec = channel_spec(channel)
    if spec is None:
        raise ValueError(f"no installed channel {channel!r}")
    return spec.identity


class Conversation(models.Model):
    """A report being written on a chat channel (WhatsApp, Telegram), one question
    at a time (conversation.py): what the citizen has said so far, and what is
    asked next. One open conversation per sender and channel; it ends as a report,
    cancelled by the citizen, or — abandoned — filed with what it has or dropped."""

    class Step(models.TextChoices):
        TYPE = "type"
        TEXT = "text"
        PLACE = "place"
        PHOTO = "photo"
        CONFIRM = "confirm"

    class State(models.TextChoices):
        OPEN = "open"
        REPORTED = "reported"
        CANCELLED = "cancelled"
        DROPPED = "dropped"  # abandoned with nothing worth a report

    channel = models.CharField(max_length=8)
    sender_hash = models.CharField(max_length=64)
    # The identity itself (to remind them) and the name the channel gave.
    sender = EncryptedTextField()
    name = EncryptedTextField(blank=True)
    language = models.CharField(max_length=8, default="id")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    step = models.CharField(max_length=8, choices=Step.choices)
    type = models.CharField(max_length=24, blank=True)
    text = EncryptedTextField(blank=True)
    region = models.CharField(max_length=13, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The place as the citizen typed or the chat app named it.
    place = EncryptedTextField(blank=True)
    place_tries = models.PositiveSmallIntegerField(default=0)
    # The channel's references to the files sent (media ids), fetched onto the
    # report once there is one.
    files = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    touched_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What rotate_data_key recomputes under a new data key (aduan/lib/crypto.py).
    keyed_hashes = (KeyedHash("sender_hash", of="sender", kind="channel", kinds=_sender_kind),)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "sender_hash"],
                condition=Q(state="open"),
                name="conversation_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["state", "touched_at"], name="conversation_idle"),
            models.Index(fields=["sender_hash"], name="conversation_sender"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.state}, {self.step})"


class FileFetch(models.Model):
    """Files a chat message referred to (a WhatsApp media id, a Telegram file id),
    still to be fetched onto the report they belong to. The worker fetches them
    through the channel (its spec's ``fetch``), not the webhook's request: the
    platforms want their webhooks answered within seconds."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8)
    refs = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="intake_files_due")]

    def __str__(self) -> str:
        return f"{len(self.refs)} files for report {self.report_id}"


class ChatRecord(models.Model):
    """What a chat channel (WhatsApp, Telegram) keeps of each inbound message, in a
    table of its own beside the gateway's id (docs/decisions.md): enough to know it
    again when it comes twice (one effect, one answer), to count a sender's messages
    against the flood limit, and to audit what was answered. The words live in the
    report or conversation they reached."""

    class Outcome(models.TextChoices):
        REPORT = "report"
        STATUS = "status"
        REPLY = "reply"
        HELP = "help"  # help, and joining a web account (LinkAccount)
        STEP = "step"  # a step of a report being written (conversation.py)
        CANCELLED = "cancelled"
        REFUSED = "refused"
        LIMITED = "limited"
        IGNORED = "ignored"  # a sticker, a reaction, a group's message, …: recorded only

    # What it was ("text", "photo", "location", "callback", …; "ignored").
    kind = models.CharField(max_length=16)
    # The sender's keyed hash ("" when the message named no sender).
    sender_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # Why it was ignored (the parser's reason), "" otherwise.
    detail = models.CharField(max_length=32, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What we answered (its body is what the data export shows).
    answer = models.OneToOneField(
        "outbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Recomputed by rotate_data_key through the rows that keep the sender in clear
    # (their identity, a conversation, a message to them).
    keyed_hashes = (KeyedHash("sender_hash", elsewhere=True),)

    class Meta:
        abstract = True
