"""The door as citizens are told of it (the home page, the report form)."""

from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.intake.selectors import ChannelInfo


def how() -> ChannelInfo:
    address = parseaddr(settings.EMAIL_FROM)[1]
    return ChannelInfo(
        "email",
        _("Surel"),
        address,
        _("Kirim surel ke %(address)s: subjek sebagai judul, isi sebagai laporan.")
        % {"address": address},
    )
