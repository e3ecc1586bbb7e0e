"""Suggestions are never shown to a role that may not see them (DESIGN.md §5): only
whoever verifies the report (the national admin, and the system's automatic
disposition) gets them; a staff account whose session has not passed the second
factor is the public. The portal's suggestion reads only the text sent and never
shows a report."""

import json

import pytest
from django.test import Client

from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.triage.selectors import triage_suggest
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, make_report
from tests.triage.history import trained

__all__ = ["cast", "make_report", "trained"]

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Kartu BPJS Kesehatan ibu Sulastri dinonaktifkan"


@pytest.fixture
def report(make_report: MakeReport, trained: None) -> Report:
    return make_report(
        title=SECRET_TITLE,
        body="Kartu BPJS Kesehatan saya dinonaktifkan padahal iuran sudah dibayar.",
        category=None,
        confidential=True,
    )


def test_only_who_verifies_gets_suggestions(cast: Cast, report: Report) -> None:
    allowed = {"national", "system"}
    for role, actor in cast.roles().items():
        suggestion = triage_suggest(actor=actor, report=report)
        assert (suggestion is not None) == (role in allowed), role


def test_staff_with_a_password_but_no_second_factor_get_nothing(cast: Cast, report: Report) -> None:
    national = cast.national.user
    assert national is not None
    # As a request leaves it: the user object has no verified second factor.
    unverified = Actor.for_user(national)

    assert unverified.role == "public"
    assert triage_suggest(actor=unverified, report=report) is None


def test_the_case_page_shows_suggestions_to_the_national_admin_only(
    cast: Cast, report: Report
) -> None:
    national = cast.national.user
    assert national is not None
    page = verified_client(national).get(f"/kantor/laporan/{report.tracking_number}")
    assert page.status_code == 200 and "Saran dari riwayat laporan" in page.content.decode()

    # Without the second factor: no case page at all (the sign-in's second step).
    half = Client()
    half.force_login(national)
    answer = half.get(f"/kantor/laporan/{report.tracking_number}")
    assert answer.status_code in (302, 404)
    assert "Saran dari riwayat laporan" not in answer.content.decode()

    # Another agency's admin, and the handling city's, before disposition: 404.
    for actor in (cast.other_agency_admin, cast.agency_admin, cast.supervisor):
        assert actor.user is not None
        page = verified_client(actor.user).get(f"/kantor/laporan/{report.tracking_number}")
        assert page.status_code == 404
        assert "Saran dari riwayat laporan" not in page.content.decode()


def test_a_disposed_report_s_handlers_see_no_suggestion(cast: Cast, report: Report) -> None:
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    for actor in (cast.agency_admin, cast.liaison, cast.supervisor):
        assert actor.user is not None
        page = verified_client(actor.user).get(f"/kantor/laporan/{report.tracking_number}")
        # The city's admin handles it; the unit's liaison and the province's
        # supervisor (a confidential report) have no case page for it.
        assert page.status_code == (200 if actor is cast.agency_admin else 404)
        assert "Saran dari riwayat laporan" not in page.content.decode()
        assert triage_suggest(actor=actor, report=report) is None


def test_the_portal_s_suggestion_shows_no_report(client: Client, report: Report) -> None:
    answer = client.post(
        "/lapor/saran-kategori", {"title": SECRET_TITLE, "body": "Kartu BPJS dinonaktifkan."}
    )

    assert answer.status_code == 200
    text = json.dumps(answer.json())
    assert answer.json()["suggestions"], "the model did suggest"
    assert "Sulastri" not in text and report.tracking_number not in text
    for item in answer.json()["suggestions"]:
        assert set(item) == {"category", "name", "group", "percent"}
