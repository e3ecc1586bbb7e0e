from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "aduan.channels.email"
    label = "mail"
    verbose_name = "E-mail"
