"""The door as citizens are told of it (the home page, the report form)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.intake.selectors import ChannelInfo


def how() -> ChannelInfo:
    number = settings.WHATSAPP_NUMBER
    return ChannelInfo(
        "whatsapp",
        "WhatsApp",
        number,
        _("WhatsApp ke %(number)s: tulis laporan Anda; kami tanyakan yang masih kurang.")
        % {"number": number or _("nomor layanan")},
    )
