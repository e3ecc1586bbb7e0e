from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aduan.regions import codes


class Region(models.Model):
    """A province, regency/city, district or village, keyed by its Kemendagri code."""

    class Level(models.TextChoices):
        PROVINCE = codes.PROVINCE, _("Provinsi")
        REGENCY = codes.REGENCY, _("Kabupaten/Kota")
        DISTRICT = codes.DISTRICT, _("Kecamatan")
        VILLAGE = codes.VILLAGE, _("Desa/Kelurahan")

    class TimeZone(models.TextChoices):
        WIB = "WIB", "WIB (UTC+7)"
        WITA = "WITA", "WITA (UTC+8)"
        WIT = "WIT", "WIT (UTC+9)"

    code = models.CharField(primary_key=True, max_length=13)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    time_zone = models.CharField(max_length=4, choices=TimeZone.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Provinces and regencies/cities only: weights the demo data and per-capita figures.
    population = models.PositiveIntegerField(null=True, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = pgettext_lazy("jamak", "wilayah")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "code"], name="region_level_code"),
            models.Index(fields=["parent", "code"], name="region_parent_code"),
            # Name search scans this narrow index instead of the table on SQLite; on
            # PostgreSQL a trigram index serves it (migration 0002).
            models.Index(fields=["level", "name"], name="region_level_name"),
            # The region nearest to a point (selectors.region_nearest): a box on the
            # centroids of one level.
            models.Index(fields=["level", "latitude", "longitude"], name="region_level_point"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def kind(self) -> str:
        """What people call this region: provinsi, kabupaten, kota, kecamatan, desa,
        kelurahan (read from the code, as the Kemendagri numbering defines it)."""
        if self.level == codes.PROVINCE:
            return "provinsi"
        if self.level == codes.REGENCY:
            return "kota" if int(self.code[3:5]) >= 71 else "kabupaten"
        if self.level == codes.DISTRICT:
            return "kecamatan"
        return "kelurahan" if self.code[-4] == "1" else "desa"

    @property
    def zone_info(self) -> ZoneInfo:
        return ZoneInfo(TIME_ZONE_NAMES[self.time_zone])


TIME_ZONE_NAMES: dict[str, str] = {
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
}
