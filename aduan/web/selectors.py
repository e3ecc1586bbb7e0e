from django.core.cache import cache
from django.db.models import Count, Q

from aduan.agencies.models import Agency
from aduan.regions.models import Region
from aduan.reports.models import Report, State

# The home page's figures change slowly and every visitor asks for them: counted
# once a minute, not on every visit.
FIGURES_TTL = 60


def home_figures() -> dict[str, int]:
    """The live figures on the home page: reach, and what happened to the reports."""
    figures: dict[str, int] | None = cache.get("aduan:home-figures")
    if figures is None:
        reports = Report.objects.aggregate(
            received=Count("pk"),
            followed_up=Count("pk", filter=Q(first_follow_up_at__isnull=False)),
            closed=Count("pk", filter=Q(state=State.CLOSED)),
        )
        figures = {
            **reports,
            "agencies": Agency.objects.filter(is_active=True).count(),
            "regencies": Region.objects.filter(level=Region.Level.REGENCY).count(),
            "villages": Region.objects.filter(level=Region.Level.VILLAGE).count(),
        }
        cache.set("aduan:home-figures", figures, FIGURES_TTL)
    return figures
