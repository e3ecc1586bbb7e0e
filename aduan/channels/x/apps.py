from django.apps import AppConfig


class XChannelConfig(AppConfig):
    name = "aduan.channels.x"
    label = "x"
    verbose_name = "X (Twitter)"

    def ready(self) -> None:
        # What a citizen posted to the service account is part of their data export.
        from aduan.channels.x import export  # noqa: F401
