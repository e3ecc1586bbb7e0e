from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "aduan.community"

    def ready(self) -> None:
        # What a citizen holds here is part of their data export.
        from aduan.community import export  # noqa: F401
