"""The account pages' forms: they check the shape of what was typed; the rules
(who may sign up, whether a code is right) are in aduan.accounts.services."""

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import LANGUAGES
from aduan.lib.errors import AduanError

_IDENTITY_HELP = _("Contoh: 0812 3456 7890 atau nama@contoh.id")
# Lazy: the validators' help is written in the language of each request.
_password_help = lazy(password_validation.password_validators_help_text_html, str)


class ServiceForm(forms.Form):
    """A form that can show a service's error on the field it names."""

    # A service's field name → this form's field name, where they differ.
    service_fields: ClassVar[dict[str, str]] = {}

    def add_service_error(self, error: AduanError) -> None:
        field = self.service_fields.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, str(error.message))


def _identity_field() -> forms.CharField:
    return forms.CharField(
        label=_("Nomor HP atau surel"),
        max_length=254,
        help_text=_IDENTITY_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


def _new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label=_("Kata sandi"),
            strip=False,
            help_text=_password_help(),
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        forms.CharField(
            label=_("Ulangi kata sandi"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class NewPasswordMixin(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return cleaned


class SignupForm(NewPasswordMixin, ServiceForm):
    service_fields = {"password": "password1"}

    name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    identity = _identity_field()
    password1, password2 = _new_password_fields()


class CodeForm(ServiceForm):
    code = forms.CharField(
        label=_("Kode 6 angka"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class PasswordResetConfirmForm(NewPasswordMixin, CodeForm):
    service_fields = {"password": "password1"}

    password1, password2 = _new_password_fields()
    password1.label = _("Kata sandi baru")
    password2.label = _("Ulangi kata sandi baru")


class IdentityForm(ServiceForm):
    identity = _identity_field()


class ContactAddForm(ServiceForm):
    identity = forms.CharField(
        label=_("Nomor HP, surel, atau akun X"),
        max_length=254,
        help_text=_("Contoh: 0812 3456 7890, nama@contoh.id, atau @namaakun"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class LoginForm(ServiceForm):
    identity = forms.CharField(
        label=_("Nomor HP atau surel"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(ServiceForm):
    name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Bahasa untuk halaman dan pesan"),
        choices=LANGUAGES,
        widget=forms.RadioSelect,
    )


class EraseForm(ServiceForm):
    password = forms.CharField(
        label=_("Kata sandi Anda"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
