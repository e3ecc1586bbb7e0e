from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionalHoliday(models.Model):
    """A day off an admin adds for a region (a local holiday, a disaster, an election
    day); it applies to that region and every region inside it."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hari libur daerah")
        verbose_name_plural = pgettext_lazy("jamak", "hari libur daerah")
        ordering = ["date", "region"]
        # Its index (region first) also serves the calendar's `region_id IN (…)` lookup.
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="regional_holiday_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name} ({self.region_id})"
