"""Who may enter the back office: a staff member (not a citizen) who signed in with
a password and a second factor (django-otp: an authenticator app's code or a
recovery code)."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.backoffice import services
from aduan.lib.errors import InvalidInput, NotPermitted


def needs_second_factor(user: Any) -> bool:
    """An account with more than a citizen's powers (a staff role, or a superuser):
    it signs in at the staff sign-in, with a second factor, and nowhere else."""
    return isinstance(user, User) and user.needs_second_factor


def is_staff_verified(user: Any) -> bool:
    """A staff member whose session passed the second factor."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.is_staff_member
        and bool(getattr(user, "is_verified", lambda: False)())
    )


def staff_required[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """The view runs for a verified staff member; anyone else is sent to the staff
    sign-in, which leads back here."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if is_staff_verified(request.user):
            return view(request, *args, **kwargs)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('backoffice:login')}?{query}")

    return guarded  # type: ignore[return-value]


def second_factor_confirm(*, user: Any, code: str) -> None:
    """A signed-in staff member proves again that it is them before a step that
    cannot be taken back (opening an anonymous reporter's identity): a code of their
    authenticator app not used before, or one of their recovery codes (used up), as
    at the sign-in (django-otp, with its slow-down after failures). A session taken
    over, or a screen left open, is not enough. Raises ``InvalidInput`` (field
    ``code``) and changes nothing else when the code is missing or wrong."""
    if not is_staff_verified(user):
        raise NotPermitted()
    if not code.strip():
        raise InvalidInput(
            _("Masukkan kode dari aplikasi autentikator atau satu kode pemulihan."),
            code="code_required",
            field="code",
        )
    services.second_factor_verify(user=user, code=code)
