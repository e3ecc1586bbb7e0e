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

from aduan.accounts.models import User


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
