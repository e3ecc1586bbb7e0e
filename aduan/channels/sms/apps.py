from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "aduan.channels.sms"
    label = "sms"
    verbose_name = "SMS 1708"
