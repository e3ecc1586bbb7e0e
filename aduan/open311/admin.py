from typing import Any

from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aduan.open311.models import Open311Client
from aduan.open311.services import open311_key_assign


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin[Open311Client]):
    """For superusers alone: a key lets an app file reports in citizens' names. A new
    client's key is shown once, on saving; only its hash is kept."""

    list_display = ("name", "is_active", "created_at")
    list_filter = ("is_active",)
    fields = ("name", "is_active")

    def save_model(
        self, request: HttpRequest, obj: Open311Client, form: ModelForm[Open311Client], change: bool
    ) -> None:
        key = None if change else open311_key_assign(obj)
        super().save_model(request, obj, form, change)
        if key is not None:
            messages.warning(
                request,
                _(
                    "Kunci API untuk %(name)s: %(key)s — simpan sekarang, kunci ini tidak akan "
                    "ditampilkan lagi."
                )
                % {"name": obj.name, "key": key},
            )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
