from django.db import models

from aduan.lib.crypto import EncryptedTextField, KeyedHash


class InboundMail(models.Model):
    """One e-mail to the report address as it arrived (by our SMTP server or from
    the polled mailbox): its Message-ID, to know it again when it is delivered twice
    (one report, one answer) and to thread our answers under it; what it became; and
    what we answered. The mail's words are not kept here: they live in the report or
    event they became."""

    class Outcome(models.TextChoices):
        REPORT = "report"
        REPLY = "reply"
        NOT_FOUND = "not_found"  # a reply to a report this sender may not write to
        CLOSED = "closed"  # a reply to a report that takes no more words
        # A reply whose sender is not proven: the report it names is untouched, its
        # words made a new report of their own (``report``).
        UNPROVEN = "unproven"
        REFUSED = "refused"  # understood, but refused (no words at all, say)
        AUTOMATIC = "automatic"  # a bounce, auto-reply or list mail: never answered
        IGNORED = "ignored"  # no sender address to answer or to report as
        LIMITED = "limited"  # over the sender's flood limit: recorded, not answered

    # Without its <>; a digest of the raw mail when it has no Message-ID.
    message_id = models.CharField(max_length=255, unique=True)
    sender_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # Why a machine's mail was taken for one (parse.Automatic), "" for a person's.
    automatic = models.CharField(max_length=16, blank=True)
    # What our mail server proved of the sender (authentication.Proof); "" for mail
    # recorded before senders were checked.
    proof = models.CharField(max_length=16, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What we answered ("" for silence); it left through the outbox.
    answer = EncryptedTextField(blank=True)

    # Recomputed by rotate_data_key through the rows that keep the address in clear
    # (aduan/lib/crypto.py).
    keyed_hashes = (KeyedHash("sender_hash", elsewhere=True),)

    class Meta:
        verbose_name = "inbound e-mail"
        indexes = [
            # The transport threads a report's mails under its first inbound one.
            models.Index(fields=["report", "received_at"], name="mail_report_time"),
            models.Index(fields=["sender_hash", "received_at"], name="mail_sender_time"),
        ]

    def __str__(self) -> str:
        return f"e-mail {self.pk} ({self.outcome})"
