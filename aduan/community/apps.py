from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CommunityConfig(AppConfig):
    name = "aduan.community"
    verbose_name = pgettext_lazy("admin", "Komunitas")

    def ready(self) -> None:
        # What a citizen holds here is part of their data export.
        from aduan.community import export  # noqa: F401
