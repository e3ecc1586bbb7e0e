from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from aduan.accounts.models import User
from aduan.community.models import Support
from aduan.reports.models import Report
from tests.conftest import verified_client
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

Make = Callable[..., Report]


def _count(report: Report) -> int:
    return Report.objects.get(pk=report.pk).support_count


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def budi(client: Client, cast: Cast) -> User:
    user = User.objects.get(username="budi")
    client.force_login(user)
    return user


def test_it_supports_once_and_takes_it_back(
    client: Client, budi: User, dispositioned: Make
) -> None:
    report = dispositioned()
    url = f"/laporan/{report.tracking_number}/dukung"
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{report.tracking_number}#dukungan"
    assert _messages(response)[-1] == "Terima kasih, dukungan Anda tercatat."
    response = client.post(url)  # a second click, a form sent twice
    assert _count(report) == 1 and Support.objects.filter(report=report).count() == 1
    assert _messages(response)[-1] == "Anda sudah mendukung laporan ini."

    client.post(f"{url}/batal")
    assert _count(report) == 0 and not Support.objects.exists()
    client.post(f"{url}/batal")
    assert _count(report) == 0
    client.post(url)
    assert _count(report) == 1


def test_supports_of_several_citizens_add_up(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned()
    User.objects.create(username="citra", role="citizen")
    # Two citizens other than the reporter (ani), who does not support her own report.
    for username in ("budi", "citra"):
        client.force_login(User.objects.get(username=username))
        client.post(f"/laporan/{report.tracking_number}/dukung")
    assert _count(report) == 2


def test_a_deleted_account_leaves_its_support_counted(
    client: Client, budi: User, dispositioned: Make
) -> None:
    report = dispositioned()
    client.post(f"/laporan/{report.tracking_number}/dukung")
    budi.delete()
    assert _count(report) == 1 and Support.objects.get().user is None


def test_a_visitor_is_asked_to_sign_in(client: Client, dispositioned: Make) -> None:
    report = dispositioned()
    response = client.post(f"/laporan/{report.tracking_number}/dukung")
    assert response.status_code == 302
    assert response["Location"] == (f"/masuk?next=%2Flaporan%2F{report.tracking_number}%23dukungan")
    assert _count(report) == 0


@pytest.mark.parametrize("kind", ["confidential", "submitted", "archived"])
def test_a_report_the_citizen_may_not_see_is_not_found(
    client: Client, budi: User, cast: Cast, make_report: Make, dispositioned: Make, kind: str
) -> None:
    from aduan.reports import services

    if kind == "confidential":
        report = dispositioned(confidential=True)
    else:
        report = make_report()
        if kind == "archived":
            services.report_archive(actor=cast.national, report=report, reason="spam")
    for path in ("dukung", "dukung/batal"):
        assert client.post(f"/laporan/{report.tracking_number}/{path}").status_code == 404
    assert _count(report) == 0


def test_an_unknown_or_mistyped_number_is_not_found(client: Client, budi: User) -> None:
    assert client.post("/laporan/1234567890/dukung").status_code == 404
    assert client.post("/laporan/abc/dukung").status_code == 404


def test_the_reporter_of_a_confidential_report_cannot_gather_support(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned(confidential=True)
    client.force_login(User.objects.get(username="ani"))
    response = client.post(f"/laporan/{report.tracking_number}/dukung")
    assert response.status_code == 302
    assert _messages(response)[-1] == "Laporan ini tidak terbuka untuk dukungan dan komentar."
    assert _count(report) == 0


def test_staff_do_not_support(client: Client, cast: Cast, dispositioned: Make) -> None:
    report = dispositioned()
    client = verified_client(User.objects.get(username="admin.kota"))  # staff, fully signed in
    response = client.post(f"/laporan/{report.tracking_number}/dukung")
    assert _messages(response)[-1] == "Hanya warga yang dapat mendukung laporan."
    assert _count(report) == 0


def test_support_is_a_post(client: Client, budi: User, dispositioned: Make) -> None:
    report = dispositioned()
    assert client.get(f"/laporan/{report.tracking_number}/dukung").status_code == 405


def test_supporting_too_often_is_refused(
    client: Client, budi: User, dispositioned: Make, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "support": "3/d"}
    report = dispositioned()
    url = f"/laporan/{report.tracking_number}/dukung"
    for path in (url, f"{url}/batal", url):
        assert client.post(path).status_code == 302
    response = client.post(f"{url}/batal")
    assert response.status_code == 429
    assert _count(report) == 1  # the refused request did nothing
