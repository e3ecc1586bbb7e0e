from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OutboxConfig(AppConfig):
    name = "aduan.outbox"
    verbose_name = pgettext_lazy("admin", "Pesan keluar")
