from django.apps import AppConfig
from django.utils.translation import pgettext_lazy

from aduan.core.jobs import WorkerJob


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    verbose_name = pgettext_lazy("admin", "Laporan")
    jobs = (
        WorkerJob("deadlines", "aduan.reports.sweeps.deadlines_sweep", 60),
        WorkerJob("access log", "aduan.reports.access.report_access_purge", 3600),
    )
    metrics = ("aduan.reports.metrics.report_metrics",)

    def ready(self) -> None:
        # SQLite's search triggers call aduan_search_text: every connection needs it.
        from django.db.backends.signals import connection_created

        from aduan.reports.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="aduan_search_text")
