from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "aduan.accounts"
    verbose_name = pgettext_lazy("admin", "Akun")
