"""Opening an anonymous reporter's identity asks for the code again: an authenticator
code not used before, or one recovery code. Without it, or with a wrong one, nothing
is shown and nothing is written to the timeline."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.backoffice.services import recovery_codes_generate
from aduan.reports import services
from aduan.reports.models import Action, Report, ReportEvent
from tests.backoffice.conftest import StaffClient, case_url
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

NAME = "Ani Suryani"


@pytest.fixture
def national(cast: Cast, staff_client: StaffClient) -> Client:
    assert cast.national.user is not None
    return staff_client(cast.national.user)


@pytest.fixture
def anonymous(cast: Cast, make_report: MakeReport) -> Report:
    cast.reporter.name = NAME
    cast.reporter.save()
    return make_report(anonymous=True)


def _national_user(cast: Cast) -> User:
    assert cast.national.user is not None
    return cast.national.user


def _codes(device: TOTPDevice) -> list[str]:
    """The codes the device accepts now (its tolerance is one step either side)."""
    return [
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d):06d}"
        for d in (-1, 0, 1)
    ]


def _reveal(client: Client, report: Report, **data: str) -> tuple[int, str]:
    response = client.post(case_url(report), {"action": "reveal", **data})
    return response.status_code, response.content.decode()


def _opened(report: Report) -> int:
    return ReportEvent.objects.filter(report=report, action=Action.IDENTITY_VIEWED).count()


def test_the_form_asks_for_a_code(national: Client, anonymous: Report) -> None:
    html = national.get(case_url(anonymous)).content.decode()
    assert 'name="code"' in html and 'autocomplete="one-time-code"' in html
    assert NAME not in html


@pytest.mark.parametrize("code", [None, "", "   "])
def test_without_a_code_nothing_is_revealed(
    national: Client, anonymous: Report, code: str | None
) -> None:
    data = {} if code is None else {"code": code}
    status, html = _reveal(national, anonymous, **data)
    assert status == 400
    assert "Masukkan kode dari aplikasi autentikator" in html
    assert NAME not in html
    assert _opened(anonymous) == 0


def test_a_wrong_code_reveals_nothing(cast: Cast, national: Client, anonymous: Report) -> None:
    device = TOTPDevice.objects.get(user=_national_user(cast))
    wrong = next(c for c in ("123456", "654321", "111111") if c not in _codes(device))
    for code in (wrong, "bukan-kode-pemulihan"):
        status, html = _reveal(national, anonymous, code=code)
        assert status == 400
        assert "Kode salah" in html and NAME not in html
    assert _opened(anonymous) == 0


def test_another_staff_members_recovery_code_reveals_nothing(
    cast: Cast, national: Client, anonymous: Report
) -> None:
    assert cast.agency_admin.user is not None
    theirs = recovery_codes_generate(user=cast.agency_admin.user)
    status, html = _reveal(national, anonymous, code=theirs[0])
    assert status == 400 and NAME not in html
    assert _opened(anonymous) == 0


def test_an_authenticator_code_reveals_once(
    cast: Cast, national: Client, anonymous: Report
) -> None:
    device = TOTPDevice.objects.get(user=_national_user(cast))
    code = _codes(device)[1]
    status, html = _reveal(national, anonymous, code=code)
    assert status == 200 and NAME in html
    event = ReportEvent.objects.get(report=anonymous, action=Action.IDENTITY_VIEWED)
    assert event.actor == _national_user(cast) and event.is_internal
    # The same code again (a replay, or a shoulder-surfer): refused.
    status, html = _reveal(national, anonymous, code=code)
    assert status == 400 and NAME not in html
    assert _opened(anonymous) == 1


def test_a_recovery_code_reveals_and_is_used_up(
    cast: Cast, national: Client, anonymous: Report
) -> None:
    codes = recovery_codes_generate(user=_national_user(cast))
    status, html = _reveal(national, anonymous, code=codes[0].upper())
    assert status == 200 and NAME in html
    assert _opened(anonymous) == 1
    status, html = _reveal(national, anonymous, code=codes[0])
    assert status == 400 and NAME not in html
    assert _opened(anonymous) == 1
    # The page shown afterwards does not keep the identity.
    assert NAME not in national.get(case_url(anonymous)).content.decode()


def test_a_named_reporter_needs_no_code(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    """Not anonymous: the national admin sees the contacts on the page already; the
    reveal action shows them without a code and writes nothing."""
    cast.reporter.name = NAME
    cast.reporter.save()
    report = make_report()
    assert NAME in national.get(case_url(report)).content.decode()
    status, html = _reveal(national, report)
    assert status == 200 and NAME in html
    assert _opened(report) == 0


def test_an_agency_is_refused_before_any_code_is_asked(
    cast: Cast, staff_client: StaffClient, anonymous: Report
) -> None:
    services.report_dispose(
        actor=cast.national, report=anonymous, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    assert cast.agency_admin.user is not None
    codes = recovery_codes_generate(user=cast.agency_admin.user)
    client = staff_client(cast.agency_admin.user)
    status, html = _reveal(client, anonymous, code=codes[0])
    assert status == 403 and NAME not in html
    assert _opened(anonymous) == 0
