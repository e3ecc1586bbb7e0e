from django.apps import AppConfig


class XChannelConfig(AppConfig):
    name = "aduan.channels.x"
    label = "x"
    verbose_name = "X (Twitter)"
