from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from aduan.routing.models import RoutingRule
from aduan.routing.selectors import routing_rules_bounced


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ("category", "report_type", "region", "agency", "level", "unit_type", "source")
    list_filter = ("source", "level", "report_type")
    raw_id_fields = ("region", "agency")
    search_fields = ("category__code", "agency__name")
    list_select_related = ("category", "region", "agency", "unit_type")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Above the rules, the ones bounced most (bukan wewenang): the rows of the
        table to fix first."""
        context = {**(extra_context or {}), "bounced_rules": routing_rules_bounced()}
        return super().changelist_view(request, extra_context=context)
