from django.contrib import admin

from aduan.routing.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ("category", "report_type", "region", "agency", "level", "unit_type", "source")
    list_filter = ("source", "level", "report_type")
    raw_id_fields = ("region", "agency")
    search_fields = ("category__code", "agency__name")
    list_select_related = ("category", "region", "agency", "unit_type")
