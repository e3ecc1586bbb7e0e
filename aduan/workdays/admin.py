from django.contrib import admin

from aduan.workdays.models import RegionalHoliday


@admin.register(RegionalHoliday)
class RegionalHolidayAdmin(admin.ModelAdmin[RegionalHoliday]):
    list_display = ("date", "name", "region", "created_at")
    list_select_related = ("region",)
    date_hierarchy = "date"
    search_fields = ("name", "region__code", "region__name")
    raw_id_fields = ("region",)
