"""Citizen account pages: validate the form, call an accounts service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aduan.accounts import selectors, services
from aduan.accounts.models import OneTimeCode, User
from aduan.accounts.throttle import SignInDelayed, Surface, sign_in_attempt
from aduan.backoffice.auth import needs_second_factor
from aduan.intake.selectors import channels_to_link
from aduan.lib.contacts import identity_masked
from aduan.lib.errors import AduanError, InvalidInput
from aduan.lib.http import safe_next_url
from aduan.lib.ratelimit import limited
from aduan.reporters.models import Reporter
from aduan.reporters.services import identity_parse
from aduan.web.accounts.forms import (
    CodeForm,
    ContactAddForm,
    EraseForm,
    IdentityForm,
    LoginForm,
    PasswordResetConfirmForm,
    ProfileForm,
    SignupForm,
)

# The pending sign-up's or reset's token, kept in the browser's session.
SIGNUP_KEY = "aduan.signup"
ADD_KEY = "aduan.add-identity"
RESET_KEY = "aduan.reset"
_BACKEND = "aduan.accounts.backends.IdentityBackend"
_GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _with_language(response: HttpResponse, user: User) -> HttpResponse:
    """The pages follow the account's language from now on."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _render(
    request: HttpRequest, template: str, context: dict[str, object], *, status: int | None = None
) -> HttpResponse:
    """An account page; a form sent back with errors answers 400."""
    if status is None:
        status = 400 if getattr(context.get("form"), "errors", None) else 200
    return render(request, f"web/accounts/{template}", context, status=status)


# -- sign-up ------------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@_GET_POST
@limited("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:account")
    form = SignupForm(request.POST or None)
    taken = False
    if request.method == "POST" and form.is_valid():
        try:
            row = services.account_signup(
                name=form.cleaned_data["name"],
                identity=form.cleaned_data["identity"],
                password=form.cleaned_data["password1"],
                language=get_language() or "id",
            )
        except AduanError as error:
            form.add_service_error(error)
            taken = error.code == "identity_taken"
        else:
            request.session[SIGNUP_KEY] = row.token
            return redirect("web:signup_confirm")
    return _render(request, "signup.html", {"form": form, "taken": taken})


def _code_page(row: OneTimeCode) -> dict[str, object]:
    return {
        "sent_to": identity_masked(kind=row.kind, value=row.identity),
        "expires_at": row.expires_at,
    }


@_GET_POST
@limited("login")  # guessing a code is guessing a password
def signup_confirm(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SIGNUP_KEY, "")
    row = selectors.code_pending(token=token, purpose=OneTimeCode.Purpose.SIGNUP)
    if row is None:
        messages.info(request, _("Tidak ada pendaftaran yang menunggu kode. Silakan daftar."))
        return redirect("web:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_confirm(token=token, code=form.cleaned_data["code"])
        except AduanError as error:
            form.add_service_error(error)
        else:
            request.session.pop(SIGNUP_KEY, None)
            auth_login(request, user, backend=_BACKEND)
            messages.success(request, _("Akun Anda sudah aktif. Selamat datang!"))
            return _with_language(redirect("web:account"), user)
    context = {"form": form, **_code_page(row)}
    return _render(request, "signup_confirm.html", context)


def _resend(request: HttpRequest, key: str, purpose: str, page: str) -> HttpResponse:
    try:
        services.code_resend(token=request.session.get(key, ""), purpose=purpose)
    except InvalidInput as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Kode baru sudah dikirim. Kode yang lama tidak berlaku lagi."))
    return redirect(page)


@require_POST
@limited("code")
def signup_resend(request: HttpRequest) -> HttpResponse:
    return _resend(request, SIGNUP_KEY, OneTimeCode.Purpose.SIGNUP, "web:signup_confirm")


# -- log-in and log-out ---------------------------------------------------------------


@sensitive_post_parameters("password")
@_GET_POST
@limited("login:citizen")
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identity, password = form.cleaned_data["identity"], form.cleaned_data["password"]
        try:
            user = sign_in_attempt(
                request,
                surface=Surface.CITIZEN,
                account=identity,
                check=lambda: authenticate(request, username=identity, password=password),
            )
        except SignInDelayed as error:  # the password was not even checked
            form.add_service_error(error)
            return _render(request, "login.html", {"form": form, "next": next_url})
        if needs_second_factor(user):
            # No session at all: staff sign in at /kantor/masuk, with the second factor.
            context = {"form": LoginForm(), "next": next_url, "staff": True}
            return _render(request, "login.html", context, status=403)
        if user is not None:
            auth_login(request, user)
            target = next_url or reverse(settings.LOGIN_REDIRECT_URL)
            return _with_language(redirect(target), user)
        pending = _signup_pending(identity, password)
        if pending is not None:
            request.session[SIGNUP_KEY] = pending.token
            messages.info(request, _("Pendaftaran Anda belum dikonfirmasi. Masukkan kode Anda."))
            return redirect("web:signup_confirm")
        form.add_error(None, _("Nomor HP, surel atau kata sandi salah."))
    return _render(request, "login.html", {"form": form, "next": next_url})


def _signup_pending(identity: str, password: str) -> OneTimeCode | None:
    try:
        kind, value = identity_parse(identity)
    except InvalidInput:
        return None
    return selectors.signup_pending(kind=kind, value=value, password=password)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("web:home")


# -- password reset -------------------------------------------------------------------


@_GET_POST
@limited("code")
def password_reset(request: HttpRequest) -> HttpResponse:
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.password_reset_request(
                identity=form.cleaned_data["identity"], language=get_language() or "id"
            )
        except AduanError as error:
            form.add_service_error(error)
        else:
            request.session[RESET_KEY] = row.token
            return redirect("web:password_reset_confirm")
    return _render(request, "password_reset.html", {"form": form})


@sensitive_post_parameters("password1", "password2")
@_GET_POST
@limited("login")  # guessing a code is guessing a password
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    token = request.session.get(RESET_KEY, "")
    row = selectors.code_pending(token=token, purpose=OneTimeCode.Purpose.PASSWORD_RESET)
    if row is None:
        return redirect("web:password_reset")
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(
                token=token,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except AduanError as error:
            form.add_service_error(error)
        else:
            request.session.pop(RESET_KEY, None)
            messages.success(request, _("Kata sandi Anda sudah diganti. Silakan masuk."))
            return redirect("web:login")
    context = {"form": form, **_code_page(row)}
    return _render(request, "password_reset_confirm.html", context)


@require_POST
@limited("code")
def password_reset_resend(request: HttpRequest) -> HttpResponse:
    return _resend(
        request, RESET_KEY, OneTimeCode.Purpose.PASSWORD_RESET, "web:password_reset_confirm"
    )


# -- my account -----------------------------------------------------------------------


@login_required
@_GET_POST
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    reporter = Reporter.objects.filter(user=user).first()
    initial = {"name": reporter.name if reporter else "", "language": user.language}
    form = ProfileForm(request.POST or None, initial=initial)
    if user.role != User.Role.CITIZEN:
        del form.fields["name"]  # staff names are kept by the admin
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                user=user,
                name=form.cleaned_data.get("name", ""),
                language=form.cleaned_data["language"],
            )
        except AduanError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Profil Anda sudah disimpan."))
            return _with_language(redirect("web:account"), user)
    identities = selectors.account_identities_masked(user=user)
    links = channels_to_link(user)
    return _render(
        request, "account.html", {"form": form, "identities": identities, "links": links}
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@_GET_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(_user(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in here, nowhere else
        messages.success(request, _("Kata sandi Anda sudah diganti."))
        return redirect("web:account")
    return _render(request, "password_change.html", {"form": form})


@never_cache
@login_required
@require_safe
def account_export(request: HttpRequest) -> JsonResponse:
    """My data (UU PDP), as a file to keep."""
    data = selectors.account_export(user=_user(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="aduan-data-saya.json"'
    return response


@sensitive_post_parameters("password")
@login_required
@_GET_POST
@limited("login")
def account_delete(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role != User.Role.CITIZEN:
        return _render(request, "account_delete.html", {"staff": True}, status=403)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_erase(user=user, password=form.cleaned_data["password"])
        except AduanError as error:
            form.add_service_error(error)
        else:
            auth_logout(request)
            return _render(request, "account_deleted.html", {})
    return _render(request, "account_delete.html", {"form": form})


# -- one citizen, many doors ----------------------------------------------------------


@login_required
@_GET_POST
@limited("code")
def identity_add(request: HttpRequest) -> HttpResponse:
    """Another phone number, e-mail address or X account for the account: what was
    reported through it joins the account's reports once the code sent there is
    confirmed."""
    user = _user(request)
    form = ContactAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.identity_add_request(user=user, identity=form.cleaned_data["identity"])
        except AduanError as error:
            form.add_service_error(error)
        else:
            request.session[ADD_KEY] = row.token
            return redirect("web:identity_add_confirm")
    x_account = f"@{settings.X_ACCOUNT_HANDLE}"
    return _render(request, "identity_add.html", {"form": form, "x_account": x_account})


@login_required
@_GET_POST
@limited("login")  # guessing a code is guessing a password
def identity_add_confirm(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    token = request.session.get(ADD_KEY, "")
    row = selectors.code_pending(token=token, purpose=OneTimeCode.Purpose.ADD_IDENTITY)
    if row is None or row.user_id != user.pk:
        return redirect("web:identity_add")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_add_confirm(user=user, token=token, code=form.cleaned_data["code"])
        except AduanError as error:
            form.add_service_error(error)
        else:
            request.session.pop(ADD_KEY, None)
            messages.success(
                request,
                _(
                    "Tersambung. Laporan yang pernah Anda kirim lewat jalur itu kini ada "
                    "di akun Anda."
                ),
            )
            return redirect("web:account")
    return _render(request, "identity_add_confirm.html", {"form": form, **_code_page(row)})
