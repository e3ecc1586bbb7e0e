"""Staff sign-in: password first, then the second factor (an authenticator app's
code or a recovery code). Between the two steps the session only remembers who
passed the password; the person is signed in (django.contrib.auth) once both
steps pass, so a password alone never opens any page, staff or citizen."""

from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.accounts.throttle import SignInDelayed, Surface, sign_in_attempt
from aduan.backoffice import services
from aduan.backoffice.auth import is_staff_verified, staff_required
from aduan.backoffice.middleware import staff_session_start
from aduan.backoffice.signin.forms import RecoveryCodeForm, SecondFactorForm, StaffLoginForm
from aduan.lib.errors import AduanError
from aduan.lib.http import safe_next_url
from aduan.lib.qr import qr_svg
from aduan.lib.ratelimit import limited

# Who passed the password, when, and where to go afterwards.
PENDING_KEY = "aduan.staff_signin"
PENDING_FOR = timedelta(minutes=10)
_GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _landing(user: User, next_url: str) -> str:
    if next_url:
        return next_url
    return reverse("backoffice:home" if user.is_staff_member else "admin:index")


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int | None = None
) -> HttpResponse:
    """A sign-in page; a form sent back with errors answers 400."""
    if status is None:
        status = 400 if getattr(context.get("form"), "errors", None) else 200
    return render(request, f"backoffice/signin/{template}", context, status=status)


def _pending(request: HttpRequest) -> tuple[User, str] | None:
    """The staff member who passed the password in this session, and where to go,
    while that is recent and the account may still sign in."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromisoformat(pending["at"])
        user = User.objects.get(pk=pending["user"])
    except (KeyError, ValueError, TypeError, User.DoesNotExist):
        return None
    if timezone.now() - started > PENDING_FOR or not services.staff_may_sign_in(user=user):
        return None
    user.backend = pending.get("backend", "")
    return user, str(pending.get("next", ""))


def _sign_in(request: HttpRequest, user: User, device: Device) -> None:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=getattr(user, "backend", None) or None)
    otp_login(request, device)
    staff_session_start(request)


def _restart(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Silakan masuk dengan nama pengguna dan kata sandi Anda."))
    return redirect("backoffice:login")


@never_cache
@sensitive_post_parameters("password")
@_GET_POST
@limited("login:staff")
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    if is_staff_verified(request.user):
        return redirect(_landing(request.user, next_url))  # type: ignore[arg-type]
    form = StaffLoginForm(request.POST or None)
    citizen = False
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        try:
            user = sign_in_attempt(
                request,
                surface=Surface.STAFF,
                account=username,
                check=lambda: authenticate(request, username=username, password=password),
            )
        except SignInDelayed as error:  # the password was not even checked
            form.add_service_error(error)
            return _page(request, "login.html", {"form": form, "next": next_url})
        if not isinstance(user, User):
            form.add_error(None, _("Nama pengguna atau kata sandi salah."))
        elif not services.staff_may_sign_in(user=user):
            citizen = True
            form.add_error(None, _("Halaman ini hanya untuk petugas."))
        else:
            request.session.cycle_key()  # a new session id once the password passed
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": getattr(user, "backend", ""),
                "at": timezone.now().isoformat(),
                "next": next_url,
            }
            if services.authenticator_confirmed(user=user) is None:
                return redirect("backoffice:enrol")
            return redirect("backoffice:login_code")
    return _page(request, "login.html", {"form": form, "next": next_url, "citizen": citizen})


@never_cache
@_GET_POST
@limited("login:code")
def login_code(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _restart(request)
    user, next_url = pending
    recovery = (request.POST.get("cara") or request.GET.get("cara")) == "pemulihan"
    if not recovery and services.authenticator_confirmed(user=user) is None:
        return redirect("backoffice:enrol")
    form_class = RecoveryCodeForm if recovery else SecondFactorForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = sign_in_attempt(
                request,
                surface=Surface.CODE,
                account=user.get_username(),
                check=lambda: services.second_factor_verify(
                    user=user, code=form.cleaned_data["code"]
                ),
            )
        except AduanError as error:
            form.add_service_error(error)
        else:
            _sign_in(request, user, device)
            if recovery:
                left = services.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _("Kode pemulihan sudah dipakai. Sisa kode: %(left)d.") % {"left": left},
                )
            return redirect(_landing(user, next_url))
    return _page(request, "code.html", {"form": form, "recovery": recovery})


def _qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code: drawn here, no request to
    anyone else (the address holds the secret)."""
    return qr_svg(device.config_url, title=_("Kode QR untuk aplikasi autentikator"))


def _secret_text(device: TOTPDevice) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@_GET_POST
@limited("login")
def enrol(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _restart(request)
    user, next_url = pending
    try:
        device = services.authenticator_enrolment_start(user=user)
    except AduanError:
        return redirect("backoffice:login_code")  # enrolled already: ask for a code
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.authenticator_enrolment_confirm(
                user=user, code=form.cleaned_data["code"]
            )
        except AduanError as error:
            form.add_service_error(error)
        else:
            _sign_in(request, user, device)
            codes = services.recovery_codes_generate(user=user)
            context = {"codes": codes, "next": _landing(user, next_url), "first": True}
            return _page(request, "recovery_codes.html", context)
    context = {"form": form, "qr": _qr_svg(device), "secret": _secret_text(device)}
    return _page(request, "enrol.html", context)


@never_cache
@staff_required
@_GET_POST
@limited("login")
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes on request; the page shows how many are left otherwise."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        codes = services.recovery_codes_generate(user=user)
        return _page(request, "recovery_codes.html", {"codes": codes, "next": ""})
    left = services.recovery_codes_left(user=user)
    return _page(request, "recovery_codes.html", {"left": left})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("Anda sudah keluar."))
    return redirect("backoffice:login")
