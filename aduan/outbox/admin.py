from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aduan.outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    """Read-only: the outbox is written by services alone. The body (it may hold a
    one-time code) is shown only on a message's own page, never in the list."""

    list_display = ("id", "channel", "purpose", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "purpose")
    date_hierarchy = "created_at"
    list_select_related = False
    raw_id_fields = ("reporter", "report")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
