from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class TriageConfig(AppConfig):
    name = "aduan.triage"
    verbose_name = pgettext_lazy("admin", "Triase")
