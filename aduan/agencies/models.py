from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Agency(models.Model):
    """A body that handles reports (instansi): the national administrator, a
    ministry or other central body, a state company, or a local government."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Admin Nasional")
        MINISTRY = "ministry", _("Kementerian")
        INSTITUTION = "institution", _("Lembaga")
        STATE_COMPANY = "state_company", _("BUMN")
        PROVINCE = "province", _("Pemerintah Provinsi")
        REGENCY = "regency", _("Pemerintah Kabupaten")
        CITY = "city", _("Pemerintah Kota")

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Local governments: the region they govern. Central bodies serve everywhere.
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A sub-agency (a report may be re-disposed to it).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Who is told when this agency's reports run twice past their deadline: the
    # province for a regency or city; nobody but the national admin otherwise.
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supervised"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = pgettext_lazy("jamak", "instansi")
        indexes = [models.Index(fields=["region"], name="agency_region")]

    def __str__(self) -> str:
        return self.name


class UnitType(models.Model):
    """A kind of work unit every local government of some levels has (Dinas PUPR,
    Disdukcapil, …); routing rules name these."""

    code = models.SlugField(max_length=32, primary_key=True)
    name = models.CharField(max_length=150)
    short_name = models.CharField(max_length=60)
    name_en = models.CharField(max_length=150)
    # Semicolon list of the local-government levels that have it: province;regency;city
    levels = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("jenis unit kerja")
        verbose_name_plural = pgettext_lazy("jamak", "jenis unit kerja")

    def __str__(self) -> str:
        return self.short_name


class Unit(models.Model):
    """A work unit (unit kerja / OPD) inside an agency, where liaisons answer."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    unit_type = models.ForeignKey(
        UnitType, null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=250)
    short_name = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = pgettext_lazy("jamak", "unit kerja")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unit_code_per_agency")
        ]

    def __str__(self) -> str:
        return self.name
