from django.contrib import admin

from aduan.agencies.models import Agency, Unit, UnitType


class UnitInline(admin.TabularInline[Unit, Agency]):
    model = Unit
    extra = 0
    fields = ("code", "name", "short_name", "unit_type", "is_active")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ("name", "code", "kind", "region", "supervisor", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
    raw_id_fields = ("region", "parent", "supervisor")
    list_select_related = ("region", "supervisor")
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("name", "agency", "unit_type", "is_active")
    list_filter = ("unit_type", "is_active")
    search_fields = ("name", "short_name", "agency__name")
    raw_id_fields = ("agency",)
    list_select_related = ("agency", "unit_type")


@admin.register(UnitType)
class UnitTypeAdmin(admin.ModelAdmin[UnitType]):
    list_display = ("code", "short_name", "name", "levels")
    search_fields = ("code", "name", "short_name")
