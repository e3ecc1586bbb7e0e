"""The public statistics pages: read the figures from aduan.stats, render them."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from aduan.stats.index import Category


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    """How the figures, the index and the rankings are made, with the weights and
    thresholds in force (they are configuration: the page shows the live values)."""
    weights = settings.STATS_INDEX_WEIGHTS
    thresholds = settings.STATS_INDEX_CATEGORIES
    categories = [(Category(name).label, value) for name, value in thresholds.items()]
    return render(
        request,
        "web/statistics/methodology.html",
        {
            "weights": weights,
            "weight_total": sum(weights.values()),
            "categories": categories,
            "lowest": Category.KURANG_RESPONSIF.label,
            "lowest_below": min(thresholds.values()),
            "min_reports": settings.STATS_MIN_REPORTS,
            "insufficient": Category.INSUFFICIENT.label,
        },
    )
