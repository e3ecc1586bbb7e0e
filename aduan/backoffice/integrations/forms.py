from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.integrations.models import Scope, WebhookEvent
from aduan.integrations.services import NAME_MAX
from aduan.integrations.webhooks import URL_MAX


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kunci"),
        max_length=NAME_MAX,
        help_text=_("Misalnya nama sistem yang memakainya: “SP4N Kota Cirebon”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Izin"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.REPORTS_READ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("Alamat (URL)"),
        max_length=URL_MAX,
        help_text=_("Alamat https:// di sistem instansi yang menerima pemberitahuan."),
    )
    events = forms.MultipleChoiceField(
        label=_("Peristiwa"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[WebhookEvent.DISPOSITIONED],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
