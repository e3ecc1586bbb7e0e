from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "aduan.channels.sms"
    label = "sms"
    verbose_name = "SMS 1708"

    def ready(self) -> None:
        # What a citizen sent to 1708 is part of their data export.
        from aduan.channels.sms import export  # noqa: F401
