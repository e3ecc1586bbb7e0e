"""The Django admin is the national admins' tool for reference data (agencies and
units, staff, categories, routing rules, deadline policies, regional holidays). It
asks for the same two factors as the back office: its log-in page is the staff
sign-in, and only a national admin (or a superuser) who passed the second factor
enters. aduan/urls.py installs this site class on ``admin.site``."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User


def may_use_admin(user: Any) -> bool:
    """A national admin marked as staff, or a superuser, verified by a second factor."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if not getattr(user, "is_verified", lambda: False)():
        return False
    return user.is_superuser or (user.role == User.Role.NATIONAL_ADMIN and user.is_staff)


class AduanAdminSite(OTPAdminSite):  # type: ignore[misc]
    site_header = _("aduan — data referensi")
    site_title = _("Admin aduan")
    index_title = _("Data referensi")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """One sign-in for all staff: the back office's. A verified staff member who
        is not a national admin gets a refusal, not a loop of sign-in pages."""
        user = request.user
        if getattr(user, "is_verified", lambda: False)():
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index"))
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index")
        query = urlencode({"next": target})
        response: HttpResponse = HttpResponseRedirect(f"{reverse('backoffice:login')}?{query}")
        return response


# Nobody reads another person's authenticator secret or recovery codes: a lost phone
# is handled from the staff member's page (the "reset second factor" action).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


# The users' admin pages live here, with the staff services they call (second factor,
# assignments), not in aduan/accounts, which sits below the back office.
from aduan.backoffice import users_admin  # noqa: E402, F401
