from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "aduan.community"
