from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "aduan.stats"
    default_auto_field = "django.db.models.BigAutoField"
