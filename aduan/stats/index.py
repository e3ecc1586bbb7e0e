"""The responsiveness index (DESIGN.md §8): 0–100, a weighted mean of shares an
agency controls — reports followed up, first follow-ups within the deadline,
completions within the type's deadline, satisfied citizens — with the weights,
the categories' thresholds and the least number of reports as configuration
(``STATS_INDEX_*``, ``STATS_MIN_REPORTS``), published on the methodology page.

A share that cannot be measured (no citizen rated anything) leaves the index,
and the other weights count in proportion: an agency is not marked down for its
citizens' silence. Too few reports due in the period give no index at all:
"insufficient data", never ranked. A report not yet due (its deadline still ahead)
counts in none of the shares (``Metrics.first_due``)."""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.stats.metrics import Metrics


class Category(StrEnum):
    SANGAT_RESPONSIF = "sangat_responsif"
    RESPONSIF = "responsif"
    CUKUP_RESPONSIF = "cukup_responsif"
    KURANG_RESPONSIF = "kurang_responsif"
    INSUFFICIENT = "insufficient"

    @property
    def label(self) -> str:
        return str(_LABELS[self])


_LABELS = {
    Category.SANGAT_RESPONSIF: _("Sangat Responsif"),
    Category.RESPONSIF: _("Responsif"),
    Category.CUKUP_RESPONSIF: _("Cukup Responsif"),
    Category.KURANG_RESPONSIF: _("Kurang Responsif"),
    Category.INSUFFICIENT: _("Data belum cukup"),
}


@dataclass(frozen=True, slots=True)
class Index:
    value: float | None  # None: insufficient data
    category: Category

    @property
    def ranked(self) -> bool:
        return self.value is not None


def index_of(figures: Metrics) -> Index:
    # Too few reports due (not merely received): an unfinished period is judged
    # on what it could already have done.
    if figures.first_due < settings.STATS_MIN_REPORTS:
        return Index(None, Category.INSUFFICIENT)
    shares = {
        "followed_up": figures.followed_up_pct,
        "first_on_time": figures.first_on_time_pct,
        "completed_on_time": figures.completed_on_time_pct,
        "satisfied": figures.satisfied_pct,
    }
    weighted = total = 0.0
    for name, weight in settings.STATS_INDEX_WEIGHTS.items():
        share = shares[name]
        if weight and share is not None:
            weighted += weight * share
            total += weight
    if not total:
        return Index(None, Category.INSUFFICIENT)
    value = round(weighted / total, 1)
    return Index(value, category_of(value))


def category_of(value: float) -> Category:
    thresholds = settings.STATS_INDEX_CATEGORIES
    for category in (Category.SANGAT_RESPONSIF, Category.RESPONSIF, Category.CUKUP_RESPONSIF):
        if value >= thresholds[category.value]:
            return category
    return Category.KURANG_RESPONSIF
