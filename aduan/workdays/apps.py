from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class WorkdaysConfig(AppConfig):
    name = "aduan.workdays"
    verbose_name = pgettext_lazy("admin", "Hari kerja")
