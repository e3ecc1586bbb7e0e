"""The door as citizens are told of it (the home page, the report form)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.intake.selectors import ChannelInfo


def how() -> ChannelInfo:
    account = f"@{settings.X_ACCOUNT_HANDLE}"
    return ChannelInfo(
        "x",
        "X (Twitter)",
        account,
        _("X (Twitter): tulis #LAPOR dan sebut %(account)s.") % {"account": account},
    )
