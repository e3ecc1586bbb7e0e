from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "aduan.outbox"
