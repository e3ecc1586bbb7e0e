"""The door as citizens are told of it (the home page, the report form)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.intake.selectors import ChannelInfo


def how() -> ChannelInfo:
    bot = settings.TELEGRAM_BOT_USERNAME
    return ChannelInfo(
        "telegram",
        "Telegram",
        f"@{bot}",
        _("Telegram: kirim pesan ke @%(bot)s; kami tanyakan yang masih kurang.") % {"bot": bot},
    )


def account_link(code: str) -> str:
    """The deep link that opens the bot with ``/start <code>``."""
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={code}"
