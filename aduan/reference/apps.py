from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "aduan.reference"
