from django.contrib import admin

from aduan.categories.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name", "name_en", "parent", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
