import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportType(models.TextChoices):
    COMPLAINT = "complaint", _("Pengaduan")
    ASPIRATION = "aspiration", _("Aspirasi")
    INFORMATION_REQUEST = "information_request", _("Permintaan Informasi")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Belum Terverifikasi")
    NEEDS_INFO = "needs_info", _("Menunggu Kelengkapan")
    DISPOSITIONED = "dispositioned", _("Terdisposisi")
    IN_PROGRESS = "in_progress", _("Ditindaklanjuti")
    ANSWERED = "answered", _("Menunggu Tanggapan Pelapor")
    CLOSED = "closed", _("Selesai")
    ARCHIVED = "archived", _("Arsip")


OPEN_STATES = frozenset(
    {State.SUBMITTED, State.NEEDS_INFO, State.DISPOSITIONED, State.IN_PROGRESS, State.ANSWERED}
)
# An agency has work to do on these: a supervisor may remind it of them.
REMINDABLE_STATES = frozenset({State.DISPOSITIONED, State.IN_PROGRESS})


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    APP = "app", _("Aplikasi")
    SMS = "sms", "SMS 1708"
    X = "x", "X (Twitter)"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    EMAIL = "email", _("Surel")
    COUNTER = "counter", _("Loket")
    OPEN311 = "open311", "Open311"
    API = "api", "API"
    SYSTEM = "system", _("Sistem")


class DeadlineKind(models.TextChoices):
    VERIFY = "verify", _("verifikasi")
    SUPPLY_INFO = "supply_info", _("kelengkapan dari pelapor")
    FIRST_FOLLOW_UP = "first_follow_up", _("tindak lanjut pertama")
    COMPLETION = "completion", _("penyelesaian")
    REPLY = "reply", _("tanggapan pelapor")


class ArchiveReason(models.TextChoices):
    INCOMPLETE = "incomplete", _("Tidak lengkap")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplikat")
    OUT_OF_SCOPE = "out_of_scope", _("Di luar kewenangan")
    NOT_PUBLIC_SERVICE = "not_public_service", _("Bukan pelayanan publik")
    NO_REPLY = "no_reply", _("Kelengkapan tidak dikirim")


class Report(models.Model):
    """One case, whatever its type and channel. Its state changes only through the
    lifecycle services (reports/services.py), each writing a ReportEvent."""

    tracking_number = models.CharField(max_length=10, unique=True)
    type = models.CharField(max_length=24, choices=ReportType.choices)
    title = models.CharField(max_length=150)
    body = models.TextField()
    category = models.ForeignKey(
        "categories.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    incident_date = models.DateField(null=True, blank=True)
    # The citizen's choice of agency: a hint for the national admin, never a routing.
    agency_hint = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never searched by
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    is_anonymous = models.BooleanField(default=False)
    is_confidential = models.BooleanField(default=False)
    # The composite indexes below lead with reporter, agency and unit: the foreign
    # keys need no index of their own (fewer indexes, cheaper writes).
    reporter = models.ForeignKey(
        "reporters.Reporter", on_delete=models.PROTECT, related_name="reports", db_index=False
    )

    state = models.CharField(max_length=16, choices=State.choices, default=State.SUBMITTED)
    # Bumped by every change: two people acting on the same version, one wins.
    version = models.PositiveIntegerField(default=1)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    unit = models.ForeignKey(
        "agencies.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    needs_inspection = models.BooleanField(default=False)

    # The next deadline of an open report and what it is for; a sweep finds due
    # reports by this indexed column alone. escalate_at is twice the allowed time.
    deadline_kind = models.CharField(max_length=16, choices=DeadlineKind.choices, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    # When a sweep must next look at the report: at its deadline (a reminder, or the
    # reporter's clock running out), then at twice the allowed time (escalation),
    # then never. Each step moves it on in the transaction that acts, so each
    # happens once per report and deadline, whatever the number of workers.
    alert_at = models.DateTimeField(null=True, blank=True)
    # The completion deadline by type runs from disposition, under the next deadline.
    completion_due_at = models.DateTimeField(null=True, blank=True)

    submitted_at = models.DateTimeField()
    dispositioned_at = models.DateTimeField(null=True, blank=True)
    first_follow_up_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    archive_reason = models.CharField(max_length=20, choices=ArchiveReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["deadline_at"], name="report_due", condition=Q(deadline_at__isnull=False)
            ),
            models.Index(
                fields=["escalate_at"],
                name="report_escalation",
                condition=Q(escalate_at__isnull=False),
            ),
            models.Index(
                fields=["alert_at"], name="report_alert", condition=Q(alert_at__isnull=False)
            ),
            models.Index(fields=["agency", "state", "deadline_at"], name="report_agency_inbox"),
            models.Index(fields=["unit", "state", "deadline_at"], name="report_unit_inbox"),
            models.Index(fields=["state", "deadline_at"], name="report_state_deadline"),
            # Open reports of a region, and those overdue, counted from the index alone
            # (the statistics pages' "backlog now" of a province or regency).
            models.Index(fields=["state", "region", "deadline_at"], name="report_state_region"),
            models.Index(fields=["reporter", "submitted_at"], name="report_reporter"),
            models.Index(fields=["submitted_at"], name="report_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.tracking_number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Action(models.TextChoices):
    """What happened to a report: every lifecycle service writes one of these."""

    SUBMIT = "submit", _("Laporan diterima")
    REQUEST_INFO = "request_info", _("Kelengkapan diminta")
    SUPPLY_INFO = "supply_info", _("Kelengkapan dikirim")
    REPLY = "reply", _("Balasan pelapor")
    DISPOSE = "dispose", _("Diverifikasi dan didisposisikan")
    # The national admin sets or corrects type, category, region and title while
    # verifying; the report stays where it is.
    CLASSIFY = "classify", _("Dilengkapi saat verifikasi")
    ARCHIVE = "archive", _("Diarsipkan")
    EXPIRE_INFO = "expire_info", _("Diarsipkan: kelengkapan tidak dikirim")
    ASSIGN = "assign", _("Diteruskan ke unit kerja")
    REDISPOSE = "redispose", _("Didisposisikan ulang")
    BOUNCE = "bounce", _("Bukan wewenang")
    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    ANSWER = "answer", _("Tindak lanjut akhir")
    CONFIRM = "confirm", _("Selesai: dikonfirmasi pelapor")
    AUTO_CLOSE = "auto_close", _("Selesai otomatis")
    REOPEN = "reopen", _("Dibuka kembali")
    INTERVENE = "intervene", _("Ditutup oleh admin nasional")
    NOTE = "note", _("Catatan internal")
    IDENTITY_VIEWED = "identity_viewed", _("Identitas pelapor dibuka")
    REMIND = "remind", _("Pengingat dari pengawas")
    # The sweeps': a staff deadline passed (the handlers are reminded), and twice
    # the allowed time passed (the supervising agency is told).
    OVERDUE = "overdue", _("Melewati batas waktu")
    ESCALATE = "escalate", _("Dieskalasi ke pengawas")


class ReportEvent(models.Model):
    """One entry of a report's timeline: append-only, never edited or deleted. The
    timeline is the audit trail and the source of every statistic."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The actor's role and agency when it acted (they may change later).
    actor_role = models.CharField(max_length=16)
    actor_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=State.choices)
    reason = models.TextField(blank=True)
    # Text addressed to the other side (a follow-up, a reply, supplied information).
    body = models.TextField(blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Who the report was with after this event, and the facts an action carries.
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "agencies.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="event_report_time")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Integrity, not business: the timeline is append-only.
        if self.pk is not None and not self._state.adding:
            raise ValueError("report events are never edited")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("report events are never deleted")


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # Not guessable, and nothing of the uploader's file name in the path.
    return f"attachments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class Attachment(models.Model):
    """A file with a report or with one of its events (a follow-up's document)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"attachment {self.pk} of report {self.report_id}"


class DeadlinePolicy(models.Model):
    """The deadlines, in working days, for one report type (optionally one category)
    from an effective date: a new regulation is a new row, not a release."""

    report_type = models.CharField(max_length=24, choices=ReportType.choices)
    category = models.ForeignKey(
        "categories.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField()
    verify_days = models.PositiveSmallIntegerField(default=3)
    supply_info_days = models.PositiveSmallIntegerField(default=10)
    first_follow_up_days = models.PositiveSmallIntegerField(default=5)
    completion_days = models.PositiveSmallIntegerField()
    # Complaints that need an inspection (berkadar pengawasan) take longer.
    inspection_completion_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reply_days = models.PositiveSmallIntegerField(default=10)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("kebijakan batas waktu")
        verbose_name_plural = pgettext_lazy("jamak", "kebijakan batas waktu")
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "category", "effective_from"],
                name="deadline_policy_unique",
            ),
            models.UniqueConstraint(
                fields=["report_type", "effective_from"],
                condition=Q(category__isnull=True),
                name="deadline_policy_unique_any_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_type} {self.category_id or '*'} from {self.effective_from}"


class AccessKind(models.TextChoices):
    """What a staff member or an agency's system read of a report."""

    CASE = "case", _("Halaman kasus")
    PORTAL = "portal", _("Halaman laporan di portal")
    ATTACHMENT = "attachment", _("Lampiran")
    API = "api", _("API instansi: laporan")
    API_LIST = "api_list", _("API instansi: daftar")


class ReportAccess(models.Model):
    """One read of a report by staff or an agency's system (DESIGN.md §5): who, when,
    what, from where. Append-only like the timeline; rows older than
    ``ACCESS_LOG_DAYS`` are purged by the worker, nothing else deletes them."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    attachment = models.ForeignKey(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Who: a staff account, or an agency's API key (then no user).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    api_key = models.ForeignKey(
        "integrations.ApiKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The reader's role and agency at the time (they may change later).
    actor_role = models.CharField(max_length=16)
    actor_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The client's address as aduan.lib.clientaddress reads it; "" when unknown.
    address = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # A report's log, newest first; and the purge, oldest first.
            models.Index(fields=["report", "-created_at", "-id"], name="access_report_time"),
            models.Index(fields=["created_at"], name="access_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(api_key__isnull=False),
                name="access_has_reader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} by {self.actor_role} at {self.created_at}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Integrity, not business: the access log is append-only.
        if self.pk is not None and not self._state.adding:
            raise ValueError("access log rows are never edited")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("access log rows are removed only by the retention purge")


class PairLabel(models.TextChoices):
    """A national admin's decision about two reports."""

    DUPLICATE = "duplicate", _("Duplikat")
    NOT_DUPLICATE = "not_duplicate", _("Bukan duplikat")


class DuplicatePair(models.Model):
    """A labelled pair (DESIGN.md §7, "Triage learns"): every merge (``report`` was
    archived as a duplicate of ``other``) and every "bukan duplikat" (``other`` is not
    the same case as ``report``, and is no longer offered for it). Kept to measure the
    duplicate finder's precision at the score it showed; append-only like the
    timeline."""

    # The unique constraint's index leads with report, and pair_other_label with other.
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+", db_index=False)
    other = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+", db_index=False)
    label = models.CharField(max_length=16, choices=PairLabel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The finder's score for the pair when the decision was taken (None: it was not
    # offered, e.g. a merge by a number typed in).
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["other", "label"], name="pair_other_label")]
        constraints = [
            models.UniqueConstraint(fields=["report", "other", "label"], name="pair_unique"),
            models.CheckConstraint(condition=~Q(report=models.F("other")), name="pair_two_reports"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.label} {self.other_id}"
