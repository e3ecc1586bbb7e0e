from django.db.models import QuerySet

from aduan.integrations.models import ApiKey
from aduan.reports.policy import Actor


def api_keys_of(*, actor: Actor) -> QuerySet[ApiKey]:
    """The admin's agency's keys, newest first (revoked ones too: the record)."""
    if actor.role != "agency_admin" or actor.agency_id is None:
        return ApiKey.objects.none()
    return ApiKey.objects.filter(agency_id=actor.agency_id).order_by("-created_at", "-id")
