from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import InvalidInput
from aduan.reports import search
from aduan.reports.models import ReportType, State
from aduan.reports.policy import PUBLIC_STATES

# The public states in lifecycle order, as the status select offers them.
FEED_STATES = [(state.value, state.label) for state in State if state in PUBLIC_STATES]
# How results are sorted: newest first (the default), or best match first.
RELEVANCE = "relevan"
FEED_SORTS = [("", _("Terbaru")), (RELEVANCE, _("Paling relevan"))]


class FeedForm(forms.Form):
    """The feed's filters, read from the query string. A value that cannot be used
    is reported on the page and left out; the other filters still apply. The
    options themselves come from aduan.reports.search."""

    q = forms.CharField(
        label=_("Cari laporan"), required=False, max_length=search.SEARCH_MAX_LENGTH
    )
    provinsi = forms.CharField(label=_("Provinsi"), required=False, max_length=13)
    kota = forms.CharField(label=_("Kabupaten/kota"), required=False, max_length=13)
    kategori = forms.CharField(label=_("Kategori"), required=False, max_length=64)
    instansi = forms.CharField(label=_("Instansi"), required=False, max_length=64)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", ""), *FEED_STATES])
    jenis = forms.ChoiceField(
        label=_("Jenis laporan"), required=False, choices=[("", ""), *ReportType.choices]
    )
    urutan = forms.ChoiceField(label=_("Urutkan"), required=False, choices=FEED_SORTS)
    halaman = forms.IntegerField(
        label=_("Halaman"),
        required=False,
        min_value=1,
        max_value=search.RELEVANCE_PAGES,
        error_messages={
            "invalid": _("Alamat halaman ini tidak valid. Mulai lagi dari halaman pertama."),
            "min_value": _("Alamat halaman ini tidak valid. Mulai lagi dari halaman pertama."),
            "max_value": _("Hasil menurut relevansi hanya sampai halaman %(limit_value)s."),
        },
    )
    sebelum = forms.CharField(label=_("Halaman"), required=False, max_length=40)
    sesudah = forms.CharField(label=_("Halaman"), required=False, max_length=40)

    def clean_provinsi(self) -> str:
        code: str = self.cleaned_data["provinsi"]
        if code and not search.is_province(code):
            raise ValidationError(_("Provinsi tidak dikenal."), code="unknown_province")
        return code

    def clean_kota(self) -> str:
        code: str = self.cleaned_data["kota"]
        if code and not search.is_regency(code):
            raise ValidationError(_("Kabupaten/kota tidak dikenal."), code="unknown_regency")
        return code

    def clean_kategori(self) -> str:
        code: str = self.cleaned_data["kategori"]
        if code and not search.is_category(code):
            raise ValidationError(_("Kategori tidak dikenal."), code="unknown_category")
        return code

    def clean_instansi(self) -> str:
        code: str = self.cleaned_data["instansi"]
        if code and not search.is_agency(code):
            raise ValidationError(_("Instansi tidak dikenal."), code="unknown_agency")
        return code

    def _cursor(self, name: str) -> search.Cursor | None:
        raw: str = self.cleaned_data[name]
        if not raw:
            return None
        try:
            return search.Cursor.parse(raw, field=name)
        except InvalidInput as error:
            raise ValidationError(str(error.message), code=error.code) from None

    def clean_sebelum(self) -> search.Cursor | None:
        return self._cursor("sebelum")

    def clean_sesudah(self) -> search.Cursor | None:
        return self._cursor("sesudah")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province, regency = data.get("provinsi"), data.get("kota")
        if regency and not province:
            data["provinsi"] = regency.split(".")[0]
        elif regency and province and not regency.startswith(f"{province}."):
            # The province was changed without JavaScript: its old city no longer
            # applies (not an error, the cascade working as intended).
            data["kota"] = ""
        return data

    def by_relevance(self) -> bool:
        """Best match first: asked for, and there are words to match."""
        return self.cleaned_data.get("urutan") == RELEVANCE and bool(self.filters().q)

    def filters(self) -> search.FeedFilters:
        """The usable filters (call after is_valid, whatever it answered)."""
        data = self.cleaned_data
        return search.FeedFilters(
            region=data.get("kota") or data.get("provinsi") or "",
            category=data.get("kategori") or "",
            agency=data.get("instansi") or "",
            state=data.get("status") or "",
            type=data.get("jenis") or "",
            q=(data.get("q") or "").strip(),
        )
