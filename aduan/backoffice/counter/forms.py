"""The counter's form: a walk-in citizen's report as staff type it in. The shape of
what was sent is checked here; every rule is the intake's and the report services'."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.backoffice.cases.forms import Form, category_choices
from aduan.lib.memo import reference_memo
from aduan.lib.widgets import LongSelect
from aduan.reports.models import ReportType
from aduan.reports.search import provinces, regencies
from aduan.web.reporting.forms import AttachmentsField


@reference_memo(maxsize=4)
def _regencies(language: str) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", str(_("— Pilih kabupaten/kota —")))]
    for province in provinces():
        options = [(regency.value, regency.label) for regency in regencies(province.value)]
        choices.append((province.label, options))
    return choices


class CounterForm(Form):
    name = forms.CharField(label=_("Nama warga"), max_length=150)
    contact = forms.CharField(
        label=_("Nomor HP atau surel untuk kabar laporan"),
        max_length=200,
        required=False,
        help_text=_(
            "Boleh dikosongkan: warga lalu mengikuti laporan dengan nomor pada tanda terima."
        ),
    )
    type = forms.ChoiceField(label=_("Jenis laporan"), choices=ReportType.choices)
    category = forms.ChoiceField(label=_("Kategori"), widget=LongSelect)
    region = forms.ChoiceField(label=_("Kabupaten/kota kejadian"), widget=LongSelect)
    title = forms.CharField(label=_("Judul laporan"), max_length=150)
    body = forms.CharField(
        label=_("Isi laporan"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    incident_date = forms.DateField(
        label=_("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
    )
    address = forms.CharField(label=_("Alamat atau patokan lokasi"), max_length=300, required=False)
    attachments = AttachmentsField(label=_("Lampiran (hasil pindai atau foto)"))
    anonymous = forms.BooleanField(
        label=_("Anonim"),
        required=False,
        help_text=_("Instansi dan masyarakat tidak akan pernah melihat siapa warga ini."),
    )
    confidential = forms.BooleanField(
        label=_("Rahasia"),
        required=False,
        help_text=_("Laporan sama sekali tidak ditampilkan kepada masyarakat."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "id"
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices(language)
        cast(forms.ChoiceField, self.fields["region"]).choices = _regencies(language)
        self.fields["incident_date"].widget.attrs["max"] = timezone.localdate().isoformat()
