from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from aduan.accounts.models import User


@admin.register(User)
class AduanUserAdmin(UserAdmin[User]):
    list_display = ("username", "role", "agency", "unit", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("agency", "unit")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("aduan", {"fields": ("role", "agency", "unit", "language")}),
    )
