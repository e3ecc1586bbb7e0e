from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class RegionsConfig(AppConfig):
    name = "aduan.regions"
    verbose_name = pgettext_lazy("admin", "Wilayah")
