"""The access log: every staff read of a case page, a portal page or a file, and every
agency-API read of a report, is written down — who, when, which report (and file),
what, from where; citizens' and the public's reads are not. Only national admins
read it; the worker removes rows past the retention; the rows are never edited."""

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aduan.accounts.models import User
from aduan.core.worker import JOBS
from aduan.integrations.models import ApiKey, Scope
from aduan.integrations.services import api_key_issue
from aduan.lib.errors import NotPermitted
from aduan.reports import services
from aduan.reports.access import (
    report_access_list,
    report_access_purge,
    report_access_record,
    report_access_record_many,
)
from aduan.reports.models import AccessKind, Attachment, Report, ReportAccess
from aduan.reports.policy import Actor
from tests.conftest import verified_client

from .conftest import Cast

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(out, format="PNG")
    return out.getvalue()


def _file(cast: Cast, report: Report) -> Attachment:
    return services.report_attachment_add(actor=cast.owner, report=report, data=_photo())


def _staff(actor: Actor) -> Client:
    """The staff member behind ``actor``, signed in with both factors."""
    assert actor.user is not None
    return verified_client(actor.user)


def _citizen(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _only_row(report: Report) -> ReportAccess:
    rows = list(ReportAccess.objects.filter(report=report))
    assert len(rows) == 1, rows
    return rows[0]


def _between(row: ReportAccess, before: datetime) -> None:
    assert before <= row.created_at <= timezone.now()


# -- staff reads -----------------------------------------------------------------------


def test_a_liaison_opening_a_case_page_is_recorded(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    before = timezone.now()
    response = _staff(cast.liaison).get(
        f"/kantor/laporan/{report.tracking_number}", REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200
    row = _only_row(report)
    assert row.kind == AccessKind.CASE and row.attachment is None
    assert row.user == cast.liaison.user and row.api_key is None
    assert row.actor_role == "liaison" and row.actor_agency_id == cast.kota.pk
    assert row.address == ADDRESS
    _between(row, before)


def test_a_liaison_downloading_a_file_is_recorded(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(anonymous=True)
    attachment = _file(cast, report)
    before = timezone.now()
    response = _staff(cast.liaison).get(f"/lampiran/{attachment.pk}", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    row = _only_row(report)
    assert row.kind == AccessKind.ATTACHMENT and row.attachment == attachment
    assert row.user == cast.liaison.user and row.address == ADDRESS
    _between(row, before)


def test_staff_reading_the_portal_page_are_recorded(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    """The citizens' page of a report shows staff what their role may see: a read
    that does not go round the log."""
    report = dispositioned()
    for actor in (cast.liaison, cast.supervisor, cast.national):
        assert _staff(actor).get(f"/laporan/{report.tracking_number}").status_code == 200
    rows = ReportAccess.objects.filter(report=report, kind=AccessKind.PORTAL)
    assert sorted(rows.values_list("actor_role", flat=True)) == [
        "liaison",
        "national_admin",
        "supervisor",
    ]


def test_a_page_that_does_not_exist_for_the_reader_records_nothing(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    attachment = _file(cast, report)
    outsider = _staff(cast.other_agency_admin)
    assert outsider.get(f"/kantor/laporan/{report.tracking_number}").status_code == 404
    assert outsider.get(f"/lampiran/{attachment.pk}").status_code == 404
    assert not ReportAccess.objects.exists()


# -- citizens and the public -----------------------------------------------------------


def test_the_reporter_and_the_public_reading_are_not_recorded(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    attachment = _file(cast, report)
    for client in (_citizen("ani"), _citizen("budi"), Client()):
        assert client.get(f"/laporan/{report.tracking_number}").status_code == 200
        assert client.get(f"/lampiran/{attachment.pk}").status_code == 200
    assert not ReportAccess.objects.exists()


# -- the agency API --------------------------------------------------------------------


@pytest.fixture
def key(cast: Cast) -> tuple[ApiKey, str]:
    issued = api_key_issue(actor=cast.agency_admin, name="SP4N Kota", scopes=[Scope.REPORTS_READ])
    return issued.key, issued.secret


def test_an_agency_key_reading_a_report_is_recorded(
    cast: Cast, dispositioned: Callable[..., Report], key: tuple[ApiKey, str]
) -> None:
    report = dispositioned(anonymous=True)
    row_key, secret = key
    before = timezone.now()
    response = Client().get(
        f"/api/v1/agency/reports/{report.tracking_number}",
        headers={"authorization": f"Bearer {secret}"},
        REMOTE_ADDR="2001:db8::5",
    )
    assert response.status_code == 200
    row = _only_row(report)
    assert row.kind == AccessKind.API and row.api_key == row_key and row.user is None
    assert row.actor_role == "integration" and row.actor_agency_id == cast.kota.pk
    assert row.address == "2001:db8::5"
    _between(row, before)


def test_an_agency_list_records_each_report_returned_in_one_statement(
    cast: Cast, dispositioned: Callable[..., Report], key: tuple[ApiKey, str]
) -> None:
    reports = [dispositioned() for _ in range(3)]
    row_key, secret = key
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(
            "/api/v1/agency/reports",
            {"page_size": 2},
            headers={"authorization": f"Bearer {secret}"},
            REMOTE_ADDR=ADDRESS,
        )
    assert response.status_code == 200
    listed = [item["tracking_number"] for item in response.json()["items"]]
    assert len(listed) == 2
    rows = ReportAccess.objects.filter(kind=AccessKind.API_LIST)
    assert sorted(rows.values_list("report__tracking_number", flat=True)) == sorted(listed)
    assert {(r.api_key_id, r.address, r.actor_role) for r in rows} == {
        (row_key.pk, ADDRESS, "integration")
    }
    inserts = [q for q in queries.captured_queries if "reportaccess" in q["sql"].lower()]
    assert len(inserts) == 1 and inserts[0]["sql"].upper().startswith("INSERT")
    assert not ReportAccess.objects.filter(report=reports[2]).exists()


def test_a_list_page_of_a_hundred_costs_one_insert(
    cast: Cast, dispositioned: Callable[..., Report], django_assert_num_queries: Any
) -> None:
    reports = [dispositioned() for _ in range(100)]
    key = ApiKey.objects.create(
        agency=cast.kota, name="k", prefix="adk_x", key_hash="x" * 64, created_at=timezone.now()
    )
    with django_assert_num_queries(1):
        written = report_access_record_many(
            actor=cast.integration,
            reports=reports,
            kind=AccessKind.API_LIST,
            address=ADDRESS,
            api_key_id=key.pk,
        )
    assert written == 100 == ReportAccess.objects.count()


# -- the rules of the log --------------------------------------------------------------


def test_a_read_that_cannot_be_recorded_is_not_served(
    cast: Cast, dispositioned: Callable[..., Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log that silently skips is no log: no row, no file."""
    report = dispositioned()
    attachment = _file(cast, report)

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(ReportAccess, "save", broken)
    client = _staff(cast.liaison)
    client.raise_request_exception = False
    response = client.get(f"/lampiran/{attachment.pk}")
    assert response.status_code == 500
    assert b"\x89PNG" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_who_read_is_always_named(cast: Cast, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned()
    with pytest.raises(ValueError, match="API key"):
        report_access_record(
            actor=cast.integration, report=report, kind=AccessKind.API, address=ADDRESS
        )
    with pytest.raises(ValueError, match="account"):
        report_access_record(
            actor=Actor(role="liaison", agency_id=cast.kota.pk),
            report=report,
            kind=AccessKind.CASE,
            address=ADDRESS,
        )
    with pytest.raises(ValueError, match="kind"):
        report_access_record(actor=cast.liaison, report=report, kind="peek", address=ADDRESS)
    other_file = _file(cast, dispositioned())
    with pytest.raises(ValueError, match="attachment"):
        report_access_record(
            actor=cast.liaison,
            report=report,
            kind=AccessKind.ATTACHMENT,
            attachment=other_file,
            address=ADDRESS,
        )
    assert not ReportAccess.objects.exists()


def test_only_staff_and_agency_systems_are_recorded(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    recorded = set()
    # An agency's system is named by its key; staff and citizens by their account.
    key = ApiKey.objects.create(
        agency=cast.kota, name="k", prefix="adk_x", key_hash="y" * 64, created_at=timezone.now()
    )
    for name, actor in cast.roles().items():
        row = report_access_record(
            actor=actor,
            report=report,
            kind=AccessKind.CASE,
            address=ADDRESS,
            api_key_id=key.pk if actor.role == "integration" else None,
        )
        if row is not None:
            recorded.add(name)
    assert recorded == {
        "national",
        "agency_admin",
        "liaison",
        "other_liaison",
        "supervisor",
        "other_agency_admin",
        "other_supervisor",
        "integration",
        "other_integration",
    }


def test_the_log_is_append_only(cast: Cast, dispositioned: Callable[..., Report]) -> None:
    row = report_access_record(
        actor=cast.liaison, report=dispositioned(), kind=AccessKind.CASE, address=ADDRESS
    )
    assert row is not None
    row.address = "198.51.100.1"
    with pytest.raises(ValueError, match="never edited"):
        row.save()
    with pytest.raises(ValueError, match="purge"):
        row.delete()
    assert ReportAccess.objects.get().address == ADDRESS


def test_only_the_national_admin_may_read_the_log(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    first = report_access_record(
        actor=cast.liaison, report=report, kind=AccessKind.CASE, address=ADDRESS
    )
    second = report_access_record(
        actor=cast.agency_admin, report=report, kind=AccessKind.CASE, address=ADDRESS
    )
    page = report_access_list(actor=cast.national, report=report)
    assert list(page) == [second, first]
    for name, actor in cast.roles().items():
        if name != "national":
            with pytest.raises(NotPermitted):
                report_access_list(actor=actor, report=report)


# -- keeping it for a while ------------------------------------------------------------


def _aged(cast: Cast, report: Report, now: datetime, days: float) -> ReportAccess:
    row = report_access_record(
        actor=cast.liaison,
        report=report,
        kind=AccessKind.CASE,
        address=ADDRESS,
        now=now - timedelta(days=days),
    )
    assert row is not None
    return row


def test_the_purge_removes_what_is_older_than_the_retention(
    cast: Cast, dispositioned: Callable[..., Report], settings: Any
) -> None:
    settings.ACCESS_LOG_DAYS = 365
    report, now = dispositioned(), timezone.now()
    old = [_aged(cast, report, now, days) for days in (365.01, 400, 2000)]
    kept = [_aged(cast, report, now, days) for days in (364.99, 30, 0)]
    assert report_access_purge(now=now) == len(old)
    assert set(ReportAccess.objects.all()) == set(kept)
    assert report_access_purge(now=now) == 0


def test_the_purge_goes_in_batches_oldest_first(
    cast: Cast, dispositioned: Callable[..., Report], settings: Any
) -> None:
    settings.ACCESS_LOG_DAYS = 30
    report, now = dispositioned(), timezone.now()
    rows = [_aged(cast, report, now, days) for days in (40, 50, 60)]
    assert report_access_purge(now=now, batch=2) == 2
    assert list(ReportAccess.objects.all()) == [rows[0]]
    assert report_access_purge(now=now, batch=2) == 1
    assert not ReportAccess.objects.exists()


def test_the_worker_has_the_purge(
    cast: Cast, dispositioned: Callable[..., Report], settings: Any
) -> None:
    settings.ACCESS_LOG_DAYS = 30
    report, now = dispositioned(), timezone.now()
    _aged(cast, report, now, 31)
    kept = _aged(cast, report, now, 1)
    (job,) = [job for job in JOBS if job.name == "access log"]
    assert job.run(now, lambda: False) == 1
    assert job.run(now, lambda: False) == 0
    assert list(ReportAccess.objects.all()) == [kept]


def test_the_address_is_the_client_behind_our_proxy_never_a_forged_one(
    cast: Cast, dispositioned: Callable[..., Report], settings: Any
) -> None:
    """The one client-address rule (aduan/lib/clientaddress.py): behind a proxy we
    run, the client it saw; with no proxy configured, a forwarded header is ignored."""
    report = dispositioned()
    url = f"/kantor/laporan/{report.tracking_number}"
    forged = _staff(cast.liaison).get(url, REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert forged.status_code == 200
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = _staff(cast.liaison).get(
        url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4"
    )
    assert proxied.status_code == 200
    rows = ReportAccess.objects.filter(report=report).order_by("id")
    assert list(rows.values_list("address", flat=True)) == [ADDRESS, "198.51.100.4"]
