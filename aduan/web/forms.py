from django import forms
from django.utils.translation import gettext_lazy as _


class TrackForm(forms.Form):
    nomor = forms.CharField(
        label=_("Nomor laporan"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1234 5678 90"}
        ),
    )
