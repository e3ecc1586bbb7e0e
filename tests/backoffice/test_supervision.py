"""The overdue and escalated lists of every staff role, the supervisor's reminder,
the merged duplicate's reporter, who may open which list, and a fixed number of
queries on every list whatever its length."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from aduan.agencies.models import Agency
from aduan.outbox.models import Message
from aduan.reporters.services import reporter_for_user
from aduan.reports import services
from aduan.reports.models import Action, Report, ReportEvent
from aduan.reports.tracking import tracking_number_display
from tests.backoffice.conftest import StaffClient, client_of, national_client
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

# Every staff role of the cast, and the lists each one opens.
STAFF = frozenset(
    {
        "national",
        "agency_admin",
        "liaison",
        "supervisor",
        "other_agency_admin",
        "other_liaison",
        "other_supervisor",
    }
)
LISTS = {
    "/kantor/verifikasi": {"national"},
    "/kantor/dikembalikan": {"national"},
    "/kantor/kotak-masuk": {"agency_admin", "liaison", "other_agency_admin", "other_liaison"},
    "/kantor/terlambat": STAFF,
    "/kantor/eskalasi": STAFF,
}


@pytest.fixture
def late(dispositioned: Callable[..., Report]) -> Callable[..., Report]:
    """A report disposed to Kota Cirebon's Dinas PUPR 40 days ago: past its first
    follow-up deadline, and escalated (twice the time allowed)."""

    def make(**overrides: Any) -> Report:
        return dispositioned(now=timezone.now() - timedelta(days=40), **overrides)

    return make


@pytest.mark.parametrize("path", sorted(LISTS))
def test_who_opens_which_list(cast: Cast, staff_client: StaffClient, path: str) -> None:
    for role in sorted(STAFF):
        client = client_of(staff_client, getattr(cast, role))
        for url in (path, f"{path}/unduh"):
            status = client.get(url).status_code
            assert status == (200 if role in LISTS[path] else 404), (role, url)
    citizen = client_of(staff_client, cast.owner)
    assert citizen.get(path).status_code == 302  # to the staff sign-in
    assert Client().get(path).status_code == 302


def test_each_role_sees_its_own_overdue_reports(
    cast: Cast,
    staff_client: StaffClient,
    late: Callable[..., Report],
    dispositioned: Callable[..., Report],
    make_report: MakeReport,
) -> None:
    overdue = late(title="Terlambat di Kota Cirebon")
    on_time = dispositioned(title="Masih dalam waktu")
    elsewhere = make_report(now=timezone.now() - timedelta(days=40))
    services.report_dispose(
        actor=cast.national,
        report=elsewhere,
        agency_id=cast.kabupaten.pk,
        now=timezone.now() - timedelta(days=40),
    )
    for role, sees in {
        "national": {overdue, elsewhere},
        "agency_admin": {overdue},
        "liaison": {overdue},
        "supervisor": {overdue, elsewhere},  # Jawa Barat supervises both
        "other_agency_admin": {elsewhere},
        "other_liaison": set(),
        "other_supervisor": set(),
    }.items():
        html = (
            client_of(staff_client, getattr(cast, role)).get("/kantor/terlambat").content.decode()
        )
        shown = {r for r in (overdue, on_time, elsewhere) if r.tracking_number in html}
        assert shown == sees, role
    html = client_of(staff_client, cast.supervisor).get("/kantor/eskalasi").content.decode()
    assert overdue.tracking_number in html and "terlambat" in html


def test_the_supervisor_reminds_the_agency_once_a_day(
    cast: Cast, staff_client: StaffClient, late: Callable[..., Report]
) -> None:
    for actor in (cast.agency_admin, cast.liaison, cast.other_liaison):
        assert actor.user is not None
        actor.user.email = f"{actor.user.username}@cirebonkota.go.id"
        actor.user.save()
    report = late(title="Got tersumbat", anonymous=True)
    supervisor = client_of(staff_client, cast.supervisor)
    html = supervisor.get("/kantor/terlambat").content.decode()
    assert f'action="/kantor/laporan/{report.tracking_number}/ingatkan"' in html
    response = supervisor.post(
        f"/kantor/laporan/{report.tracking_number}/ingatkan", {"next": "/kantor/terlambat"}
    )
    assert response.status_code == 302 and response["Location"] == "/kantor/terlambat"
    assert "sudah diingatkan" in supervisor.get("/kantor/terlambat").content.decode()
    messages = Message.objects.filter(purpose="reminder", report=report, channel="email")
    # The agency admin and the unit's liaison; not the liaison of another unit.
    assert sorted(m.recipient for m in messages) == [
        "admin.kota@cirebonkota.go.id",
        "pupr.kota@cirebonkota.go.id",
    ]
    body = messages[0].body
    assert cast.supervisor.agency_id is not None
    supervising = Agency.objects.get(pk=cast.supervisor.agency_id)
    assert supervising.name in body
    assert f"/kantor/laporan/{report.tracking_number}" in body
    event = ReportEvent.objects.get(report=report, action=Action.REMIND)
    assert event.is_internal
    # Twice the same day: told, nothing sent again.
    supervisor.post(f"/kantor/laporan/{report.tracking_number}/ingatkan")
    assert (
        "sudah diingatkan tentang laporan ini hari ini"
        in supervisor.get("/kantor/terlambat").content.decode()
    )
    assert Message.objects.filter(purpose="reminder", report=report, channel="email").count() == 2
    # The reporter never sees the reminder.
    assert cast.owner.user is not None
    owner = Client()
    owner.force_login(cast.owner.user)
    page = owner.get(f"/laporan/{report.tracking_number}").content.decode()
    assert "Pengingat dari pengawas" not in page


def test_no_reminder_before_the_deadline_nor_by_outsiders(
    cast: Cast, staff_client: StaffClient, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    supervisor = client_of(staff_client, cast.supervisor)
    assert (
        'value="remind"'
        not in supervisor.get(f"/kantor/laporan/{report.tracking_number}").content.decode()
    )
    supervisor.post(f"/kantor/laporan/{report.tracking_number}/ingatkan")
    assert "belum melewati batas waktunya" in supervisor.get("/kantor/terlambat").content.decode()
    other = client_of(staff_client, cast.other_supervisor)
    assert other.post(f"/kantor/laporan/{report.tracking_number}/ingatkan").status_code == 404
    agency = client_of(staff_client, cast.agency_admin)
    agency.post(f"/kantor/laporan/{report.tracking_number}/ingatkan")
    assert not ReportEvent.objects.filter(report=report, action=Action.REMIND).exists()
    assert not Message.objects.filter(purpose="reminder").exists()


def test_a_supervisor_sees_a_confidential_overdue_report_by_number_only(
    cast: Cast, staff_client: StaffClient, late: Callable[..., Report]
) -> None:
    report = late(confidential=True, title="Pungli perizinan")
    supervisor = client_of(staff_client, cast.supervisor)
    html = supervisor.get("/kantor/terlambat").content.decode()
    assert tracking_number_display(report.tracking_number) in html and "Laporan rahasia" in html
    assert "Pungli perizinan" not in html
    assert f'href="/kantor/laporan/{report.tracking_number}"' not in html
    assert supervisor.get(f"/kantor/laporan/{report.tracking_number}").status_code == 404
    # It may still remind the agency of it.
    assert f'action="/kantor/laporan/{report.tracking_number}/ingatkan"' in html
    # A search or a filter on content does not answer for what it may not read.
    for query in ("q=pungli", "kategori=infrastruktur", "kanal=web", "wilayah=32"):
        html = supervisor.get(f"/kantor/terlambat?{query}").content.decode()
        assert tracking_number_display(report.tracking_number) not in html, query
    response = supervisor.get("/kantor/terlambat/unduh")
    assert isinstance(response, StreamingHttpResponse)
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Pungli" not in export and "Pemerintah Kota Cirebon" in export


def test_a_merged_duplicates_reporter_is_told_and_follows_the_original(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    assert cast.owner.user is not None
    cast.owner.user.email = "ani@example.id"
    cast.owner.user.save()
    assert cast.other_citizen.user is not None
    original = make_report(
        title="Lubang di Jalan Siliwangi",
        actor=cast.other_citizen,
        reporter=reporter_for_user(user=cast.other_citizen.user),
    )
    duplicate = make_report(title="Jalan Siliwangi berlubang")
    national = national_client(cast, staff_client)
    response = national.post(
        f"/kantor/laporan/{duplicate.tracking_number}",
        {"action": "merge", "version": duplicate.version, "original": original.tracking_number},
    )
    assert response.status_code == 302
    message = Message.objects.get(purpose="merged")
    assert message.recipient == "ani@example.id" and message.reporter_id == cast.reporter.pk
    assert original.tracking_number[:4] in message.body
    owner = Client()
    owner.force_login(cast.owner.user)
    page = owner.get(f"/laporan/{duplicate.tracking_number}").content.decode()
    assert "digabung" in page and "Belum Terverifikasi" in page
    # The original is not public yet: its number and state, not a link to it.
    assert f'href="/laporan/{original.tracking_number}"' not in page


@pytest.mark.parametrize("rows", [1, 30])
def test_every_list_runs_a_fixed_number_of_queries(
    cast: Cast,
    staff_client: StaffClient,
    late: Callable[..., Report],
    django_assert_max_num_queries: DjangoAssertNumQueries,
    rows: int,
) -> None:
    for n in range(rows):
        late(confidential=n % 3 == 0)
    for role, path in [
        ("agency_admin", "/kantor/kotak-masuk"),
        ("liaison", "/kantor/kotak-masuk"),
        ("agency_admin", "/kantor/terlambat"),
        ("supervisor", "/kantor/terlambat"),
        ("supervisor", "/kantor/eskalasi"),
        ("national", "/kantor/eskalasi"),
    ]:
        client = client_of(staff_client, getattr(cast, role))
        client.get(path)  # reference data memoised, as in a running server
        # Session, user, device, reporter, units, categories (2), count, rows,
        # holidays: none of them per row.
        with django_assert_max_num_queries(10):
            html = client.get(path).content.decode()
        assert html.count('class="due') == rows, (role, path)
