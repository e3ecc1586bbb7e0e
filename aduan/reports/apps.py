from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    verbose_name = pgettext_lazy("admin", "Laporan")

    def ready(self) -> None:
        # SQLite's search triggers call aduan_search_text: every connection needs it.
        from django.db.backends.signals import connection_created

        from aduan.reports.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="aduan_search_text")
