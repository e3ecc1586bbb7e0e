from django.contrib import admin

from aduan.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name", "level", "time_zone")
    list_filter = ("level", "time_zone")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    show_full_result_count = False
