from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class RoutingConfig(AppConfig):
    name = "aduan.routing"
    verbose_name = pgettext_lazy("admin", "Disposisi")
