"""The forms of the reporting pages. They check the shape of what was sent (a choice
among the offered options, a number, a file count and size) and leave every rule of
the business to the reports services, whose errors the views put back on the fields."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.selectors import agency_choices_for_region
from aduan.categories.selectors import category_tree
from aduan.regions.models import Region
from aduan.regions.selectors import region_cascade
from aduan.reports.models import ReportType
from aduan.reports.services import Upload
from aduan.web.accounts.forms import ServiceForm

# A report goes to the region's local government at least, so a regency or city is
# the least the picker needs; district and village make it easier to find.
REGION_LEVELS = ("province", "regency", "district", "village")
REGION_REQUIRED = 2

TYPE_HELP = {
    ReportType.COMPLAINT: _("Ada pelayanan publik yang buruk atau merugikan Anda."),
    ReportType.ASPIRATION: _("Usul atau saran untuk perbaikan pelayanan publik."),
    ReportType.INFORMATION_REQUEST: _("Anda ingin mendapat informasi dari instansi pemerintah."),
}


class Form(forms.Form):
    """Labels read as plain text, without a colon after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TrackForm(Form):
    nomor = forms.CharField(
        label=_("Nomor laporan"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1234 5678 90"}
        ),
    )


class TypeSelect(forms.RadioSelect):
    """Radio buttons with a plain sentence under each type of report."""

    option_template_name = "web/reporting/widgets/type_option.html"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["help"] = TYPE_HELP.get(option["value"], "")
        return option


def _category_choices() -> list[tuple[str, Any]]:
    """Top-level categories as option groups of their children, in the visitor's
    language; a top-level category without children is an option of its own."""
    choices: list[tuple[str, Any]] = [("", _("— Pilih kategori —"))]
    for parent in category_tree():
        children = getattr(parent, "active_children", [])
        if children:
            choices.append((parent.label, [(child.code, child.label) for child in children]))
        else:
            choices.append((parent.code, parent.label))
    return choices


def _region_choices(regions: list[Region], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((region.code, region.name) for region in regions)]


class PlaceForm(Form):
    """Step one: what kind of report, about what, and where. It travels by GET (no
    personal data in it), so choosing a region level re-renders the form without
    JavaScript and without counting against the report rate limit."""

    type = forms.ChoiceField(
        label=_("Jenis laporan"), choices=ReportType.choices, widget=TypeSelect
    )
    category = forms.ChoiceField(label=_("Kategori"))
    province = forms.ChoiceField(label=_("Provinsi"))
    regency = forms.ChoiceField(label=_("Kabupaten/kota"))
    district = forms.ChoiceField(label=_("Kecamatan"), required=False)
    village = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = _category_choices()
        source = self.data if self.is_bound else self.initial
        chosen = [str(source.get(level) or "") for level in REGION_LEVELS]
        self.kept, options = region_cascade(chosen)
        empties = (
            _("— Pilih provinsi —"),
            _("— Pilih kabupaten/kota —"),
            _("— Pilih kecamatan (boleh dikosongkan) —"),
            _("— Pilih desa/kelurahan (boleh dikosongkan) —"),
        )
        for index, level in enumerate(REGION_LEVELS):
            regions = options[index] if index < len(options) else []
            field = cast(forms.ChoiceField, self.fields[level])
            field.choices = _region_choices(regions, str(empties[index]))
            field.widget.attrs["data-level"] = level
            if index + 1 < len(REGION_LEVELS):
                field.widget.attrs["data-child"] = f"id_{REGION_LEVELS[index + 1]}"
            if not regions:
                field.widget.attrs["disabled"] = True
            else:
                field.widget.attrs.pop("disabled", None)

    @property
    def region_fields(self) -> list[forms.BoundField]:
        return [self[level] for level in REGION_LEVELS]

    @property
    def region(self) -> str:
        """The deepest region chosen that fits with the levels above it."""
        return self.kept[-1] if self.kept else ""

    @property
    def next_level(self) -> str | None:
        """The level whose options a refresh would show next (None: all shown)."""
        depth = len(self.kept)
        return REGION_LEVELS[depth] if depth < len(REGION_LEVELS) else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, counted and size-checked before anything is read; their
    content is checked by the service that stores them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise forms.ValidationError(
                _("Paling banyak %(count)s berkas.") % {"count": settings.UPLOAD_MAX_FILES},
                code="too_many_files",
            )
        for upload in files:
            if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
                raise forms.ValidationError(
                    _("Berkas %(name)s terlalu besar (paling besar %(mb)s MB).")
                    % {
                        "name": (upload.name or "")[:60],
                        "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
                    },
                    code="file_too_large",
                )
        checked = [super(AttachmentsField, self).clean(upload) for upload in files]
        return [Upload(name=upload.name or "", data=upload.read()) for upload in checked]


def _attachments_help() -> str:
    return str(
        _(
            "Foto (JPEG, PNG, WebP) atau PDF, paling banyak %(count)s berkas, masing-masing "
            "paling besar %(mb)s MB. Data lokasi dan kamera pada foto dihapus."
        )
        % {"count": settings.UPLOAD_MAX_FILES, "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
    )


class DetailsForm(Form):
    """Step two: the report itself, its privacy, and its files."""

    title = forms.CharField(label=_("Judul laporan"), max_length=150)
    body = forms.CharField(
        label=_("Isi laporan"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ceritakan apa yang terjadi, kapan, dan di mana, secara berurutan."),
    )
    incident_date = forms.DateField(
        label=_("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
    )
    address = forms.CharField(
        label=_("Alamat atau patokan lokasi"),
        max_length=300,
        required=False,
        help_text=_("Boleh dikosongkan. Contoh: depan Pasar Kanoman, Jl. Siliwangi."),
    )
    latitude = forms.FloatField(
        label=_("Lintang"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Bujur"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    agency = forms.TypedChoiceField(
        label=_("Instansi tujuan"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Boleh dikosongkan: admin akan meneruskan laporan ke instansi yang berwenang."),
    )
    attachments = AttachmentsField(label=_("Lampiran"))
    anonymous = forms.BooleanField(
        label=_("Anonim"),
        required=False,
        help_text=_("Instansi dan masyarakat tidak akan pernah melihat siapa Anda."),
    )
    confidential = forms.BooleanField(
        label=_("Rahasia"),
        required=False,
        help_text=_("Laporan sama sekali tidak ditampilkan kepada masyarakat."),
    )

    def __init__(self, *args: Any, region: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()
        self.fields["incident_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        local, central = agency_choices_for_region(region=region or None)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [
            ("", _("— Tidak tahu / biarkan admin memilih —")),
            *([(str(_("Pemerintah daerah")), [(a.pk, a.name) for a in local])] if local else []),
            (str(_("Instansi pusat dan BUMN")), [(a.pk, a.name) for a in central]),
        ]

    def clean_incident_date(self) -> Any:
        # Also checked by the service; here so that the error sits on the field at once.
        value = self.cleaned_data.get("incident_date")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal kejadian tidak boleh di masa depan."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Isi lintang dan bujur bersama-sama."))
        return data


class ReplyForm(Form):
    text = forms.CharField(
        label=_("Balasan Anda"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SupplyInfoForm(Form):
    text = forms.CharField(
        label=_("Kelengkapan yang diminta"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = AttachmentsField(label=_("Lampiran tambahan"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


RATINGS = [
    (5, _("5 — Sangat puas")),
    (4, _("4 — Puas")),
    (3, _("3 — Cukup")),
    (2, _("2 — Kurang puas")),
    (1, _("1 — Tidak puas")),
]


class ConfirmForm(Form):
    rating = forms.TypedChoiceField(
        label=_("Seberapa puas Anda dengan penyelesaiannya?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Komentar (boleh dikosongkan)"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(Form):
    reason = forms.CharField(
        label=_("Mengapa Anda belum puas?"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportContactForm(ServiceForm):
    """Step three for a signed-out citizen: whose report it is. A code goes to the
    phone number or address; the account is theirs, or made on the way."""

    name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        help_text=_("Laporan anonim tetap anonim: nama Anda tidak ditampilkan kepada siapa pun."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    identity = forms.CharField(
        label=_("Nomor HP atau surel"),
        max_length=254,
        help_text=_("Kode 6 angka dikirim ke sini. Contoh: 0812 3456 7890 atau nama@contoh.id"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class CategorySuggestForm(Form):
    """What the citizen has written so far, sent by the report form's script for a
    category suggestion (aduan/web/static/aduan/suggest.js)."""

    title = forms.CharField(required=False, max_length=150)
    body = forms.CharField(required=False, max_length=10_000)
