from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aduan.lib.contacts import identity_masked
from aduan.outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    """Read-only, and for superusers alone (the people who run the delivery): the
    outbox is written by services, it is not reference data. The body (it may hold a
    one-time code) is shown only on a message's own page, never in the list. The
    recipient is shown masked and the reporter not at all: a message about an
    anonymous report must not name its reporter here, where opening it writes no
    event on the report's timeline (DESIGN.md §5)."""

    list_display = ("id", "channel", "purpose", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "purpose")
    date_hierarchy = "created_at"
    list_select_related = False
    exclude = ("recipient", "recipient_hash", "reporter")
    readonly_fields = ("recipient_masked",)
    raw_id_fields = ("report",)

    @admin.display(description=_("Penerima"))
    def recipient_masked(self, message: Message) -> str:
        kind = "email" if message.channel == Message.Channel.EMAIL else "phone"
        return identity_masked(kind=kind, value=message.recipient)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
