from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    """What a model suggests."""

    CATEGORY = "category", _("Kategori")
    AGENCY = "agency", _("Instansi")


class TriageModel(models.Model):
    """One trained version of a classifier (aduan.triage.classifier), learned from the
    verified history up to ``history_until``, with the figures of its own check on a
    time split (trained on the earliest 80%, tested on the latest 20%). At most one
    version of each kind is active; suggestions are made by the active one and name
    it. Old versions are kept: a suggestion points at the model that made it."""

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The classifier's content hash: the same history and seed give the same version.
    version = models.CharField(max_length=64)
    trained_at = models.DateTimeField()
    # The verified reports it learned from, and the latest submission among them.
    report_count = models.PositiveIntegerField()
    negative_count = models.PositiveIntegerField(default=0)
    history_until = models.DateTimeField()
    label_count = models.PositiveIntegerField()
    # Its check: trained on the earliest 80% of the same history, tested on the rest.
    check_count = models.PositiveIntegerField(default=0)
    check_accuracy = models.FloatField(null=True, blank=True)
    check_top3_accuracy = models.FloatField(null=True, blank=True)
    check_macro_f1 = models.FloatField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    is_active = models.BooleanField(default=False)
    # The fitted model, signed with the SECRET_KEY (TextClassifier.to_bytes).
    data = models.BinaryField()

    class Meta:
        verbose_name = _("model triase")
        verbose_name_plural = pgettext_lazy("jamak", "model triase")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="triage_model_one_active"
            ),
            models.UniqueConstraint(fields=["kind", "version"], name="triage_model_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"


# The suggestion came from the routing table: no model was active.
ROUTING_TABLE = "routing"


class SuggestionRecord(models.Model):
    """What triage suggested for a report, and which model said it (its version, or
    ``ROUTING_TABLE``): written when a suggestion is first shown or acted on, and
    again only when a newer model says something else. Compared with what people
    then decided, it measures the suggestions."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    model = models.ForeignKey(
        TriageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    model_version = models.CharField(max_length=64)
    # [{"label": "infrastruktur.jalan", "confidence": 0.82, "words": ["jalan", …]}, …]
    suggested = models.JSONField(default=list)
    # The automatic disposition acted on it (ADUAN_TRIAGE_AUTO_DISPOSE).
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["report", "kind", "-created_at"], name="triage_suggestion_report"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} by {self.model_version}"
