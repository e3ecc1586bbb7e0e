"""The demo data set: the accounts `make run` prints (and, with the report
lifecycle, demo reports). Only demo mode creates them: their password is public."""

from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.agencies.codes import NATIONAL_ADMIN_CODE, local_government_code
from aduan.agencies.models import Agency, Unit
from aduan.lib.errors import InvalidInput, NotPermitted

DEMO_PASSWORD = "demo12345"  # noqa: S105 - public by design, demo mode only
# The demo staff accounts' authenticator secret (base32, for an authenticator app),
# public like the password: staff sign in with a second factor, demo mode included.
DEMO_TOTP_KEY = b"aduan-demo-2fa-key!!"
DEMO_TOTP_SECRET = b32encode(DEMO_TOTP_KEY).decode()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: User.Role
    agency_code: str | None
    unit_code: str | None = None
    first_name: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("nasional", User.Role.NATIONAL_ADMIN, NATIONAL_ADMIN_CODE, first_name="Admin"),
    DemoAccount(
        "admin.kotacirebon",
        User.Role.AGENCY_ADMIN,
        local_government_code("32.74"),
        first_name="Admin Kota Cirebon",
    ),
    DemoAccount(
        "pupr.kotacirebon",
        User.Role.LIAISON,
        local_government_code("32.74"),
        "pupr",
        first_name="Penghubung PUPR",
    ),
    DemoAccount(
        "pengawas.jabar",
        User.Role.SUPERVISOR,
        local_government_code("32"),
        first_name="Pengawas Jawa Barat",
    ),
    DemoAccount("warga", User.Role.CITIZEN, None, first_name="Warga"),
)


@transaction.atomic
def demo_accounts_create() -> list[tuple[DemoAccount, User]]:
    """Create or reset the demo accounts (password ``demo12345``)."""
    if not settings.DEMO_MODE:
        raise NotPermitted(_("Akun demo hanya dibuat dalam mode demo."), code="not_demo_mode")
    created = []
    for account in DEMO_ACCOUNTS:
        agency = unit = None
        if account.agency_code:
            agency = Agency.objects.filter(code=account.agency_code).first()
            if agency is None:
                raise InvalidInput(
                    _("Data referensi belum dimuat: jalankan load_reference_data dahulu."),
                    code="reference_data_missing",
                )
        if account.unit_code:
            unit = Unit.objects.get(agency=agency, code=account.unit_code)
        user, _created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "role": account.role,
                "agency": agency,
                "unit": unit,
                "first_name": account.first_name,
                "is_staff": account.role == User.Role.NATIONAL_ADMIN,
                "is_superuser": account.role == User.Role.NATIONAL_ADMIN,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if user.is_staff_member:
            _demo_authenticator(user)
        created.append((account, user))
    return created


def _demo_authenticator(user: User) -> None:
    """A confirmed authenticator with the published demo secret, so the demo staff
    accounts sign in at once (any TOTP app, or `oathtool --totp -b SECRET`)."""
    TOTPDevice.objects.update_or_create(
        user=user,
        name="demo",
        defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True, "last_t": -1},
    )
