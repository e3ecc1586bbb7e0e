"""Following a report by number (/lacak): the check digit catches a typo before any
lookup; any existing number leads to the report's page, which shows at least its
status; an unknown number is not found."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.reports.models import Report
from aduan.reports.tracking import check_digit
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _typo(number: str) -> str:
    return number[:2] + str((int(number[2]) + 1) % 10) + number[3:]


def test_the_form_alone(client: Client) -> None:
    response = client.get("/lacak")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_nomor">Nomor laporan</label>' in html
    assert html.count("<h1") == 1


def test_a_visible_number_leads_to_the_reports_page(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    spaced = f"{report.tracking_number[:4]} {report.tracking_number[4:]}"
    response = client.get("/lacak", {"nomor": spaced})
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{report.tracking_number}"
    assert report.title in client.get(response["Location"]).content.decode()


def test_a_mistyped_number_is_caught_before_any_lookup(
    client: Client, dispositioned: Callable[..., Report], django_assert_max_num_queries: object
) -> None:
    report = dispositioned()
    with django_assert_max_num_queries(0):  # type: ignore[operator]
        response = client.get("/lacak", {"nomor": _typo(report.tracking_number)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "tidak valid" in html
    assert 'aria-describedby="id_nomor_error"' in html and 'id="id_nomor_error"' in html


def test_any_existing_number_leads_to_its_status_and_an_unknown_one_is_not_found(
    client: Client, make_report: Callable[..., Report], dispositioned: Callable[..., Report]
) -> None:
    """What the status view shows of each: tests/reporting/test_follow.py."""
    for report in (dispositioned(confidential=True), make_report()):
        response = client.get("/lacak", {"nomor": report.tracking_number})
        assert response.status_code == 302
        assert response["Location"] == f"/laporan/{report.tracking_number}"
        assert report.title not in client.get(response["Location"]).content.decode()
    unknown = "123456789" + check_digit("123456789")
    response = client.get("/lacak", {"nomor": unknown})
    assert response.status_code == 404
    assert "Laporan tidak ditemukan." in response.content.decode()


def test_the_reporter_follows_a_confidential_report(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    client.force_login(User.objects.get(username="ani"))
    response = client.get("/lacak", {"nomor": report.tracking_number})
    assert response.status_code == 302
    assert report.title in client.get(response["Location"]).content.decode()


def test_what_is_typed_is_shown_escaped(client: Client) -> None:
    html = client.get("/lacak", {"nomor": "<b>12</b>"}).content.decode()
    assert "<b>12</b>" not in html
