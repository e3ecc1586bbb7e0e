from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoutingRule(models.Model):
    """Maps (category, region, report type) to the agency that should handle it
    (DESIGN.md §7). The most specific matching rule wins: a rule for a category
    covers its children, a rule for a region covers its sub-regions, and an empty
    report type covers every type.

    The target is either a named agency (PLN, wherever the report is), or the local
    government of the report's region at ``level`` (and its unit of ``unit_type``).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "province"
        REGENCY = "regency", "regency or city"

    class Source(models.TextChoices):
        DEFAULT = "default", "default (data file)"
        ADMIN = "admin", "added by an admin"

    category = models.ForeignKey(
        "categories.Category", on_delete=models.CASCADE, related_name="routing_rules"
    )
    report_type = models.CharField(max_length=24, blank=True)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=8, choices=Level.choices, blank=True)
    unit_type = models.ForeignKey(
        "agencies.UnitType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Default rules are replaced whenever the data file is loaded again; rules
    # admins add are kept.
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ADMIN)

    class Meta:
        verbose_name = _("aturan disposisi")
        verbose_name_plural = pgettext_lazy("jamak", "aturan disposisi")
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(level=""))
                | (Q(agency__isnull=True) & ~Q(level="")),
                name="routing_rule_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.agency or f"{self.level}/{self.unit_type_id or '-'}"
        return f"{self.category} → {target}"
