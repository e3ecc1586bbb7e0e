"""The case work's forms: the list filters and the national admin's actions. They
check the shape of what was sent; every rule of the business is the reports
services', whose errors the views put back on the fields."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.backoffice.selectors import CaseFilters, CaseOrder
from aduan.lib.memo import reference_memo
from aduan.lib.widgets import LongSelect
from aduan.reports.models import ArchiveReason, Channel, ReportType, State
from aduan.reports.search import category_groups, provinces, regencies
from aduan.web.reporting.forms import AttachmentsField


class Form(forms.Form):
    """Labels read as plain text, without a colon after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# -- list filters ----------------------------------------------------------------------


@reference_memo(maxsize=4)
def category_choices(language: str) -> list[tuple[str, Any]]:
    """Every category under its group (a report is filed under one of them), for the
    counter's form and the national admin's completing of a report."""
    english = language == "en"
    choices: list[tuple[str, Any]] = [("", str(_("— Pilih kategori —")))]
    for group in category_groups():
        name = (group.name_en if english else "") or group.name
        children = group.children_en if english else group.children
        choices.append((name, [(child.value, child.label) for child in children]))
    return choices


@reference_memo(maxsize=4)
def _category_choices(language: str) -> list[tuple[str, Any]]:
    """Every category under its group, in one language; kept like the reference
    data they come from."""
    english = language == "en"
    choices: list[tuple[str, Any]] = [("", str(_("Semua kategori")))]
    for group in category_groups():
        name = (group.name_en if english else "") or group.name
        children = group.children_en if english else group.children
        options = [(group.code, str(_("%(name)s (semua)") % {"name": name}))]
        options += [(child.value, child.label) for child in children]
        choices.append((name, options))
    return choices


@reference_memo(maxsize=4)
def _region_choices(language: str) -> list[tuple[str, Any]]:
    """Provinces with their regencies and cities (names are the same in every
    language; the words around them are not)."""
    choices: list[tuple[str, Any]] = [("", str(_("Semua wilayah")))]
    for province in provinces():
        whole = str(_("%(name)s (seluruh provinsi)") % {"name": province.label})
        options = [(province.value, whole)]
        options += [(regency.value, regency.label) for regency in regencies(province.value)]
        choices.append((province.label, options))
    return choices


class CaseFilterForm(Form):
    """A list's filters, sent by GET so a filtered list can be bookmarked. The state
    filter offers the states the list holds (none: no filter), the unit filter an
    agency's units (none: no filter)."""

    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.TypedChoiceField(
        label=_("Unit kerja"), required=False, coerce=int, empty_value=None
    )
    jenis = forms.ChoiceField(label=_("Jenis"), required=False)
    kategori = forms.ChoiceField(label=_("Kategori"), required=False, widget=LongSelect)
    wilayah = forms.ChoiceField(label=_("Wilayah"), required=False, widget=LongSelect)
    kanal = forms.ChoiceField(label=_("Kanal"), required=False)
    terlambat = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)
    dari = forms.DateField(
        label=_("Masuk sejak"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=_("Masuk sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    urut = forms.ChoiceField(label=_("Urutkan"), required=False, choices=CaseOrder.choices)

    def __init__(
        self,
        *args: Any,
        states: Sequence[str] = (),
        units: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if len(states) > 1:
            labels = [(state, State(state).label) for state in states]
            self._choices("status", [("", _("Semua status")), *labels])
        else:
            del self.fields["status"]
        if units:
            self._choices("unit", [("", _("Semua unit kerja")), *units])
        else:
            del self.fields["unit"]
        self._choices("jenis", [("", _("Semua jenis")), *ReportType.choices])
        language = get_language() or settings.LANGUAGE_CODE
        self._choices("kategori", _category_choices(language))
        self._choices("wilayah", _region_choices(language))
        self._choices("kanal", [("", _("Semua kanal")), *Channel.choices])

    def _choices(self, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            self.add_error("sampai", _("Tanggal akhir sebelum tanggal awal."))
        return data

    def filters(self) -> CaseFilters:
        """The valid filters (call after is_valid; invalid ones are left out)."""
        data = getattr(self, "cleaned_data", {})
        return CaseFilters(
            state=data.get("status") or "",
            unit=data.get("unit"),
            type=data.get("jenis") or "",
            category=data.get("kategori") or "",
            region=data.get("wilayah") or "",
            channel=data.get("kanal") or "",
            overdue=bool(data.get("terlambat")),
            submitted_from=data.get("dari"),
            submitted_to=data.get("sampai"),
            q=data.get("q") or "",
            order=data.get("urut") or CaseOrder.DEADLINE,
        )


# -- actions on a report ------------------------------------------------------------


class VersionedForm(Form):
    """An action on the report as the actor saw it: two people acting on the same
    version, one wins and the other is told what happened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DisposeForm(VersionedForm):
    agency = forms.TypedChoiceField(label=_("Instansi"), coerce=int, widget=LongSelect)
    unit = forms.TypedChoiceField(
        label=_("Unit kerja (boleh dikosongkan)"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[int, str]],
        units: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency = cast(forms.TypedChoiceField, self.fields["agency"])
        agency.choices = [("", _("— Pilih instansi —")), *agencies]
        unit = cast(forms.TypedChoiceField, self.fields["unit"])
        unit.choices = [("", _("— Tanpa unit kerja —")), *units]


class ClassifyForm(VersionedForm):
    """What the national admin sets or corrects while verifying: type, category,
    place (down to the village, found by name) and title."""

    type = forms.ChoiceField(label=_("Jenis"), choices=ReportType.choices)
    category = forms.ChoiceField(label=_("Kategori"), widget=LongSelect)
    region = forms.CharField(
        label=_("Wilayah"),
        max_length=300,
        help_text=_(
            "Ketik paling sedikit tiga huruf nama desa/kelurahan, kecamatan atau "
            "kabupaten/kota, lalu pilih; atau tulis kode wilayahnya."
        ),
        widget=forms.TextInput(
            attrs={
                "list": "place-options",
                "autocomplete": "off",
                "spellcheck": "false",
                "data-place-search": reverse_lazy("backoffice:places"),
            }
        ),
    )
    title = forms.CharField(label=_("Judul"), max_length=150)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or settings.LANGUAGE_CODE
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = category_choices(language)


class RequestInfoForm(VersionedForm):
    reason = forms.CharField(
        label=_("Apa yang kurang"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pelapor membaca ini dan punya waktu untuk melengkapinya."),
    )


_ARCHIVE_REASONS = [
    (value, label)
    for value, label in ArchiveReason.choices
    if value not in (ArchiveReason.DUPLICATE, ArchiveReason.NO_REPLY)
]


class ArchiveForm(VersionedForm):
    reason = forms.ChoiceField(label=_("Alasan arsip"), choices=_ARCHIVE_REASONS)
    note = forms.CharField(
        label=_("Keterangan untuk pelapor (boleh dikosongkan)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(VersionedForm):
    original = forms.CharField(
        label=_("Nomor laporan asli"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Keterangan untuk pelapor (boleh dikosongkan)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InterveneForm(VersionedForm):
    reason = forms.CharField(
        label=_("Alasan penutupan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(Form):
    """An internal note changes nothing of the report: no version to check."""

    text = forms.CharField(
        label=_("Catatan internal"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hanya petugas yang membaca catatan ini; pelapor tidak."),
    )


# -- the agency's actions --------------------------------------------------------------


def _choose(field: forms.Field, empty: Any, options: list[tuple[int, str]]) -> None:
    cast(forms.TypedChoiceField, field).choices = [("", empty), *options]


class AssignForm(VersionedForm):
    unit = forms.TypedChoiceField(label=_("Unit kerja"), coerce=int)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self.fields["unit"], _("— Pilih unit kerja —"), units)


class RedisposeForm(VersionedForm):
    agency = forms.TypedChoiceField(label=_("Instansi di bawahnya"), coerce=int)
    reason = forms.CharField(
        label=_("Keterangan (boleh dikosongkan)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self.fields["agency"], _("— Pilih instansi —"), agencies)


class BounceForm(VersionedForm):
    reason = forms.CharField(
        label=_("Mengapa bukan wewenang instansi ini"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Admin nasional membaca ini dan mendisposisikan ulang laporan."),
    )


class FollowUpForm(VersionedForm):
    """A follow-up, or the final one: its text goes to the reporter (and is public
    wherever the report is), with documents if any."""

    text = forms.CharField(
        label=_("Isi tindak lanjut"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pelapor membaca ini; pada laporan publik, semua orang juga."),
    )
    attachments = AttachmentsField(label=_("Dokumen atau foto (boleh dikosongkan)"))


class RemindForm(Form):
    """A reminder changes nothing of the report: no version to check."""
