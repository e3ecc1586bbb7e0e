from aduan.agencies.models import Agency
from aduan.regions.models import Region


def home_figures() -> dict[str, int]:
    """The live figures on the home page (reports join them with the lifecycle)."""
    return {
        "agencies": Agency.objects.filter(is_active=True).count(),
        "regencies": Region.objects.filter(level=Region.Level.REGENCY).count(),
        "villages": Region.objects.filter(level=Region.Level.VILLAGE).count(),
    }
