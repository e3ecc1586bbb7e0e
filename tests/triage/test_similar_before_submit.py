"""The citizen sees truly similar open reports before their report is sent, and may
support one instead or send their own: public reports only, near the place they
gave, above a threshold; without JavaScript (a step before confirming)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import ReportDraft, User
from aduan.categories.models import Category
from aduan.reports import services
from aduan.reports.models import Report
from aduan.triage.duplicates import similar_open_reports
from tests.reports.conftest import Cast, MakeReport, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

pytestmark = pytest.mark.django_db

TITLE = "Lampu jalan mati di Jalan Kartini"
BODY = (
    "Lampu penerangan jalan umum di Jalan Kartini dekat Masjid Al Ikhlas mati sejak dua "
    "minggu, warga takut melintas malam hari."
)
WHERE = services.Location(region="32.74.01.1001")
PLACE = {
    "type": "complaint",
    "category": "infrastruktur.jalan",
    "province": "32",
    "regency": "32.74",
    "district": "32.74.01",
    "village": "32.74.01.1001",
}
DETAILS = {
    "title": "Lampu PJU mati Jalan Kartini",
    "body": BODY,
    "incident_date": "",
    "address": "",
    "latitude": "",
    "longitude": "",
    "agency": "",
}


def _similar(**overrides: Any) -> list[Report]:
    category = Category.objects.get(code="infrastruktur.jalan")
    fields: dict[str, Any] = {
        "title": DETAILS["title"],
        "body": BODY,
        "region_id": "32.74.01.1001",
        "category_id": category.pk,
    }
    fields.update(overrides)
    return [candidate.report for candidate in similar_open_reports(**fields)]


def test_a_public_open_report_of_the_same_case_is_shown(
    dispositioned: Callable[..., Report],
) -> None:
    same = dispositioned(title=TITLE, body=BODY, location=WHERE)
    assert _similar() == [same]


def test_confidential_unverified_closed_and_far_reports_are_not(
    cast: Cast, make_report: MakeReport, dispositioned: Callable[..., Report]
) -> None:
    dispositioned(title=TITLE, body=BODY, location=WHERE, confidential=True)
    make_report(title=TITLE, body=BODY, location=WHERE)  # not verified yet
    closed = dispositioned(title=TITLE, body=BODY, location=WHERE)
    services.report_answer(actor=cast.liaison, report=closed, text="Sudah diperbaiki.")
    services.report_confirm(actor=cast.owner, report=closed, rating=5)
    far = make_report(title=TITLE, body=BODY, location=services.Location(region="91.71"))
    services.report_dispose(actor=cast.national, report=far, agency_id=cast.kabupaten.pk)
    assert _similar() == []


def test_below_the_threshold_nothing_is_shown(
    dispositioned: Callable[..., Report], settings: Any
) -> None:
    dispositioned(
        title="Lampu taman kota mati",
        body="Lampu di taman kota mati.",
        location=services.Location(region="32.74.02"),
    )
    assert _similar() == []
    settings.TRIAGE_SIMILAR_MIN_SCORE = 0
    assert len(_similar()) == 1


def test_a_deployment_can_turn_it_off(dispositioned: Callable[..., Report], settings: Any) -> None:
    dispositioned(title=TITLE, body=BODY, location=WHERE)
    settings.TRIAGE_SIMILAR_BEFORE_SUBMIT = False
    assert _similar() == []


# -- the portal --------------------------------------------------------------------------


@pytest.fixture
def citizen(client: Client, cast: Cast) -> Client:
    client.force_login(User.objects.get(username="ani"))
    return client


def test_a_signed_in_citizen_sees_them_before_anything_is_filed(
    citizen: Client, dispositioned: Callable[..., Report]
) -> None:
    same = dispositioned(title=TITLE, body=BODY, location=WHERE)
    response = citizen.post("/lapor", {**PLACE, **DETAILS})
    assert response.status_code == 302 and response["Location"] == "/lapor/konfirmasi"
    assert Report.objects.count() == 1 and ReportDraft.objects.count() == 1
    html = citizen.get("/lapor/konfirmasi").content.decode()
    assert "Laporan yang sangat mirip sedang ditangani" in html
    assert f"/laporan/{same.tracking_number}#dukungan" in html
    assert "Dukung laporan ini saja" in html
    # They may still send their own, with one button.
    response = citizen.post("/lapor/kirim")
    assert response.status_code == 302
    mine = Report.objects.exclude(pk=same.pk).get()
    assert mine.title == DETAILS["title"] and not ReportDraft.objects.exists()


def test_without_a_similar_report_it_is_filed_at_once(
    citizen: Client, dispositioned: Callable[..., Report]
) -> None:
    dispositioned(title="Puskesmas kekurangan obat", body="Stok obat anak habis.", location=WHERE)
    response = citizen.post("/lapor", {**PLACE, **DETAILS})
    assert response.status_code == 302 and response["Location"].endswith("/terkirim")


def test_a_visitor_sees_them_on_the_confirming_step(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    same = dispositioned(title=TITLE, body=BODY, location=WHERE)
    secret = dispositioned(title=TITLE, body=BODY, location=WHERE, confidential=True)
    response = client.post("/lapor", {**PLACE, **DETAILS})
    assert response["Location"] == "/lapor/konfirmasi"
    html = client.get("/lapor/konfirmasi").content.decode()
    assert f"/laporan/{same.tracking_number}#dukungan" in html
    assert secret.tracking_number not in html
