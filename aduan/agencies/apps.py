from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AgenciesConfig(AppConfig):
    name = "aduan.agencies"
    verbose_name = pgettext_lazy("admin", "Instansi")
