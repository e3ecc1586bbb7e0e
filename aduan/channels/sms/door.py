"""The door as citizens are told of it (the home page, the report form)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.intake.selectors import ChannelInfo


def how() -> ChannelInfo:
    number = settings.SMS_SHORTCODE
    return ChannelInfo(
        "sms",
        "SMS",
        number,
        _("SMS ke %(number)s: ketik LAPOR, spasi, lalu isi laporan Anda.") % {"number": number},
    )
