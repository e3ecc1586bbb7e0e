"""A report's access log on its case page: the national admin sees it, newest first,
a page at a time; the agency admin, the liaison and the supervisor who open the same
page do not."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aduan.integrations.models import Scope
from aduan.integrations.services import api_key_issue
from aduan.reports.access import ACCESS_PAGE_SIZE, report_access_record
from aduan.reports.models import AccessKind, Report, ReportAccess
from tests.reports.conftest import Cast

from .conftest import StaffClient, case_url, client_of

pytestmark = pytest.mark.django_db

SECTION = 'id="access-title"'


def _log_html(html: str) -> str:
    """The access log section of a case page ("" when the page has none)."""
    start = html.find(SECTION)
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_the_national_admin_sees_who_read_the_report_newest_first(
    cast: Cast, dispositioned: Callable[..., Report], staff_client: StaffClient
) -> None:
    report = dispositioned(confidential=True)
    assert (
        client_of(staff_client, cast.liaison)
        .get(case_url(report), REMOTE_ADDR="198.51.100.21")
        .status_code
        == 200
    )
    secret = api_key_issue(actor=cast.agency_admin, name="SP4N Kota", scopes=[Scope.REPORTS_READ])
    assert (
        Client()
        .get(
            f"/api/v1/agency/reports/{report.tracking_number}",
            headers={"authorization": f"Bearer {secret.secret}"},
            REMOTE_ADDR="198.51.100.22",
        )
        .status_code
        == 200
    )

    response = client_of(staff_client, cast.national).get(
        case_url(report), REMOTE_ADDR="198.51.100.23"
    )
    assert response.status_code == 200
    log = _log_html(response.content.decode())
    assert "Log akses" in log
    # The national admin's own reading is the newest, then the key's, then the liaison's.
    order = [log.find(address) for address in ("198.51.100.23", "198.51.100.22", "198.51.100.21")]
    assert -1 not in order and order == sorted(order)
    assert "nasional" in log and "pupr.kota" in log
    assert "SP4N Kota" in log and secret.key.prefix in log
    assert "Halaman kasus" in log and "API instansi: laporan" in log
    assert "Pemerintah Kota Cirebon" in log


def test_nobody_else_sees_the_log(
    cast: Cast, dispositioned: Callable[..., Report], staff_client: StaffClient
) -> None:
    report = dispositioned()
    report_access_record(
        actor=cast.national, report=report, kind=AccessKind.CASE, address="198.51.100.99"
    )
    for actor in (cast.liaison, cast.agency_admin, cast.supervisor):
        response = client_of(staff_client, actor).get(case_url(report))
        assert response.status_code == 200, actor.role
        html = response.content.decode()
        assert SECTION not in html and "Log akses" not in html
        assert "198.51.100.99" not in html
        assert client_of(staff_client, actor).get(f"{case_url(report)}?akses=1").status_code == 200
    # Those outside the report get no page at all, nor a row in its log.
    before = ReportAccess.objects.count()
    for actor in (cast.other_agency_admin, cast.other_liaison, cast.other_supervisor):
        assert client_of(staff_client, actor).get(case_url(report)).status_code == 404
    assert ReportAccess.objects.count() == before


def test_the_log_comes_a_page_at_a_time(
    cast: Cast, dispositioned: Callable[..., Report], staff_client: StaffClient
) -> None:
    report, now = dispositioned(), timezone.now()
    older = ACCESS_PAGE_SIZE + 5
    for n in range(older):
        report_access_record(
            actor=cast.liaison,
            report=report,
            kind=AccessKind.CASE,
            address=f"198.51.100.{100 + n}",
            now=now - timedelta(hours=older - n),
        )
    national = client_of(staff_client, national_actor := cast.national)
    assert national_actor.role == "national_admin"
    first = _log_html(national.get(case_url(report)).content.decode())
    # Page 1: the national admin's own reading and the newest of the liaison's.
    shown = [n for n in range(older) if f"198.51.100.{100 + n}" in first]
    assert shown == list(range(older - ACCESS_PAGE_SIZE + 1, older))
    assert "akses=2" in first
    second = _log_html(national.get(f"{case_url(report)}?akses=2").content.decode())
    shown = [n for n in range(older) if f"198.51.100.{100 + n}" in second]
    assert shown == list(range(0, older - ACCESS_PAGE_SIZE + 2))
    # A page out of range gives the nearest, never an error.
    assert national.get(f"{case_url(report)}?akses=99x").status_code == 200


def test_the_log_speaks_english_too(
    cast: Cast, dispositioned: Callable[..., Report], staff_client: StaffClient
) -> None:
    report = dispositioned()
    client = client_of(staff_client, cast.national)
    response = client.get(case_url(report), headers={"accept-language": "en"})
    log = _log_html(response.content.decode())
    assert "Access log" in log and "Case page" in log
