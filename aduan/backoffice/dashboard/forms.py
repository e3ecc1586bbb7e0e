"""The dashboard's period, asked as the public statistics pages ask it: a year,
with a quarter or a month of it, or any span of days."""

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from aduan.backoffice.cases.forms import Form
from aduan.lib.errors import InvalidInput
from aduan.stats.metrics import Period, period_parse

_DATE = forms.DateInput(attrs={"type": "date"})


class PeriodForm(Form):
    """Sent by GET, so a dashboard's period can be bookmarked. Its shape is checked
    here, its sense by ``period_parse``."""

    tahun = forms.IntegerField(
        label=_("Tahun"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    triwulan = forms.TypedChoiceField(
        label=_("Triwulan"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Setahun penuh")), *((q, str(q)) for q in range(1, 5))],
    )
    bulan = forms.TypedChoiceField(
        label=_("Bulan"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Semua bulan")), *MONTHS.items()],
    )
    mulai = forms.DateField(label=_("Atau dari tanggal"), required=False, widget=_DATE)
    sampai = forms.DateField(label=_("sampai tanggal"), required=False, widget=_DATE)

    def period(self) -> Period:
        """The period asked for (this year when nothing is); InvalidInput, with the
        first reason, when it is not one."""
        if not self.is_bound:
            return period_parse()
        if not self.is_valid():
            name, errors = next(iter(self.errors.items()))
            label = self.fields[name].label
            raise InvalidInput(f"{label}: {errors[0]}", code="period_invalid", field=name)
        data = self.cleaned_data
        return period_parse(
            year=data["tahun"],
            quarter=data["triwulan"],
            month=data["bulan"],
            start=data["mulai"],
            end=data["sampai"],
        )
