"""The staff sign-in's forms: the shape of what was typed. Whether a password or a
code is right is decided by django.contrib.auth and aduan.backoffice.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.web.accounts.forms import ServiceForm


class StaffLoginForm(ServiceForm):
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SecondFactorForm(ServiceForm):
    """The authenticator app's code: digits, so phones show a number pad."""

    code = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class RecoveryCodeForm(ServiceForm):
    """A recovery code has letters: a plain text field."""

    code = forms.CharField(
        label=_("Satu kode pemulihan"),
        max_length=32,
        help_text=_("Setiap kode pemulihan hanya bisa dipakai sekali."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "size": 12,
            }
        ),
    )
