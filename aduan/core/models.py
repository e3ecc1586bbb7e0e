from django.db import models

from aduan.lib.crypto import EncryptedTextField


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key`` header, so that a
    client retrying it (a lost connection on a slow network) gets the same answer
    and nothing is done twice (aduan.core.idempotency). A row without a status is a
    request still running."""

    # Who sent it ("user:42"): the same key from two callers is two keys.
    caller = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key with another request is refused.
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # JSON, encrypted: an answer may carry the reporter's own contacts (DESIGN.md §5).
    response_body = EncryptedTextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_age")]

    def __str__(self) -> str:
        return f"idempotency key {self.key!r} of {self.caller}"


class WorkerBeat(models.Model):
    """A running worker's heartbeat: written every few seconds while it runs, with
    when each of its jobs last finished, and removed when it stops cleanly. What
    /readyz and /metrics tell of the workers comes from these rows, so it is the
    same whichever web node is asked."""

    # "host:pid", unique while the process lives.
    name = models.CharField(max_length=120, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    # {job name: ISO time it last finished, or null: not yet} for this worker.
    jobs = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"worker {self.name}"


class StoredFile(models.Model):
    """A file kept in the database (core/storage.py, ``ADUAN_FILE_STORAGE=database``):
    written in the transaction of the report it belongs to, replicated to the
    standbys and backed up with it, readable from every web node."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
