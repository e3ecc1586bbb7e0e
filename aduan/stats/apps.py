from django.apps import AppConfig

from aduan.core.jobs import WorkerJob


class StatsConfig(AppConfig):
    name = "aduan.stats"
    default_auto_field = "django.db.models.BigAutoField"
    jobs = (WorkerJob("statistics", "aduan.stats.services.stats_update_due", 2, stops=True),)
    # Every report event that changes a figure queues the report (core/followers.py).
    report_followers = ("aduan.stats.services.stats_follow",)
