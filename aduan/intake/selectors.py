"""Reads about the doors themselves: which channels the deployment has turned on and
how a citizen reaches each, for every page that tells citizens how to report."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.accounts.services import account_link_code
from aduan.agencies.models import Agency
from aduan.core.channels import channel_call, channel_spec, channel_specs


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """One door as citizens are told of it: its code (a ``Channel`` value), its name,
    the address to use (a number, an e-mail address, an account; "" when none) and
    one sentence on how."""

    code: str
    name: str | Promise
    address: str
    how: str | Promise


def _how(code: str) -> ChannelInfo:
    if code == "web":
        return ChannelInfo(
            code, _("Situs web"), settings.SITE_URL, _("Isi formulir laporan di situs ini.")
        )
    if code == "app":
        return ChannelInfo(
            code,
            _("Aplikasi"),
            "",
            _("Aplikasi seluler dan aplikasi mitra (API dan Open311) dengan akun Anda."),
        )
    if (spec := channel_spec(code)) is not None:
        info: ChannelInfo = channel_call(spec.how)
        return info
    return ChannelInfo(
        code,
        _("Loket"),
        "",
        _("Datang ke loket pengaduan instansi pemerintah; petugas mencatat laporan Anda."),
    )


def channels_enabled() -> list[ChannelInfo]:
    """The channels the deployment has turned on (``settings.REPORT_CHANNELS``), in
    its order, each with what a citizen needs to use it. Read at call time, so a
    test's or a deployment's settings hold; texts follow the active language."""
    return [_how(code) for code in settings.REPORT_CHANNELS]


def channels_to_link(user: User) -> list[tuple[str, str]]:
    """For a citizen, each channel turned on that proves its users itself
    (Telegram): its name and the link that joins it to their account for an hour."""
    specs = [
        spec for spec in channel_specs() if spec.link and spec.code in settings.REPORT_CHANNELS
    ]
    if user.role != User.Role.CITIZEN or not specs:
        return []
    code = account_link_code(user)
    return [(str(channel_call(spec.how).name), channel_call(spec.link, code)) for spec in specs]


def counter_region(*, agency_id: int | None) -> str:
    """The regency or city a counter's form starts at: the one the clerk's agency
    serves (a city government's counter takes its own city's walk-ins), "" for an
    agency serving a whole province or the nation, where no one place is likely."""
    if agency_id is None:
        return ""
    code = Agency.objects.filter(pk=agency_id).values_list("region_id", flat=True).first()
    if not code or code.count(".") < 1:
        return ""
    return ".".join(code.split(".")[:2])
