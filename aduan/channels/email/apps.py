from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "aduan.channels.email"
    label = "mail"
    verbose_name = "E-mail"

    def ready(self) -> None:
        # What a citizen mailed to the report address is part of their data export.
        from aduan.channels.email import export  # noqa: F401
