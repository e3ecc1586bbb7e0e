from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A topic in the two-level tree (``infrastruktur`` › ``infrastruktur.jalan``).
    Codes are stable: routing rules, reports and open data refer to them."""

    code = models.CharField(
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_]+(\.[a-z0-9_]+)?$")],
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = pgettext_lazy("jamak", "kategori")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the language of the page or answer being made."""
        return self.name_en if (get_language() or "").startswith("en") else self.name
