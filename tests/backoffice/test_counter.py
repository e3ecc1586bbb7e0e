"""The service counter (loket): staff enter a walk-in citizen's report on their
behalf; the citizen takes home a printed receipt and hears of the report on the
contact they gave; only the staff member who entered it prints the receipt again."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from aduan.lib.qr import qr_svg
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Action, Channel, Report, State
from aduan.reports.notices import report_follow_url
from aduan.reports.tracking import tracking_number_display
from tests.backoffice.conftest import StaffClient, client_of
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _walk_in(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Pak Darsono",
        "contact": "0812 3456 7890",
        "type": "complaint",
        "category": "infrastruktur.jalan",
        "region": "32.74",
        "title": "Jembatan kayu di Kesambi lapuk",
        "body": "Papan jembatan banyak yang patah, anak sekolah melintas setiap pagi.",
        "address": "Jl. Kesambi dekat SD 3",
    }
    data.update(overrides)
    return data


def test_a_walk_in_report_is_entered_and_its_receipt_printed(
    cast: Cast, staff_client: StaffClient
) -> None:
    client = client_of(staff_client, cast.agency_admin)
    form = client.get("/kantor/loket")
    assert form.status_code == 200
    assert 'name="contact"' in form.content.decode()
    response = client.post("/kantor/loket", _walk_in())
    assert response.status_code == 302
    report = Report.objects.select_related("reporter").get()
    assert response["Location"] == f"/kantor/loket/{report.tracking_number}"
    assert (report.channel, report.state) == (Channel.COUNTER, State.SUBMITTED)
    assert report.region_id == "32.74" and report.title == "Jembatan kayu di Kesambi lapuk"
    submitted = report.events.get(action=Action.SUBMIT)
    assert submitted.actor == cast.agency_admin.user and submitted.channel == Channel.COUNTER
    # The citizen is their phone number, named as they said.
    identity = ChannelIdentity.objects.get(reporter=report.reporter)
    assert (identity.kind, identity.value) == ("phone", "+6281234567890")
    assert report.reporter.name == "Pak Darsono"
    # ... and hears of the report there, receipt first.
    receipt = Message.objects.get(report=report, purpose="receipt")
    assert (receipt.channel, receipt.recipient) == ("sms", "+6281234567890")
    page = client.get(response["Location"]).content.decode()
    assert tracking_number_display(report.tracking_number) in page
    assert "CEK" in page and "Jembatan kayu di Kesambi lapuk" in page


def test_the_printed_receipt_carries_the_reports_own_link_and_its_code(
    cast: Cast, staff_client: StaffClient, client: Client
) -> None:
    staff = client_of(staff_client, cast.agency_admin)
    response = staff.post("/kantor/loket", _walk_in(contact=""))
    report = Report.objects.get()
    page = staff.get(response["Location"]).content.decode()
    link = report_follow_url(report)
    assert link.startswith(settings.SITE_URL) and "?k=" in link
    assert f'href="{escape(link)}"' in page
    # The link drawn as a QR code here (inline SVG, nothing fetched), labelled.
    assert qr_svg(link, title="Kode QR tautan laporan ini", scale=3) in page
    # The citizen without a phone follows it from the slip: the report as its
    # reporter reads it, before anyone has verified it.
    followed = client.get(link.removeprefix(settings.SITE_URL))
    assert followed.status_code == 200
    assert "Jembatan kayu di Kesambi lapuk" in followed.content.decode()
    assert "Jembatan kayu" not in client.get(f"/laporan/{report.tracking_number}").content.decode()


def test_without_a_contact_the_receipt_is_all_the_citizen_takes(
    cast: Cast, staff_client: StaffClient
) -> None:
    client = client_of(staff_client, cast.liaison)
    response = client.post("/kantor/loket", _walk_in(contact=""))
    assert response.status_code == 302
    report = Report.objects.get()
    assert not ChannelIdentity.objects.filter(reporter=report.reporter).exists()
    assert not Message.objects.filter(report=report).exists()


def test_a_bad_contact_is_said_on_its_field_and_nothing_is_kept(
    cast: Cast, staff_client: StaffClient
) -> None:
    client = client_of(staff_client, cast.agency_admin)
    response = client.post("/kantor/loket", _walk_in(contact="bukan nomor"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nomor telepon tidak valid" in html and 'href="#id_contact"' in html
    assert not Report.objects.exists()
    missing = client.post("/kantor/loket", _walk_in(name="", title=""))
    assert missing.status_code == 400 and not Report.objects.exists()


def test_only_whoever_entered_it_prints_the_receipt_again(
    cast: Cast, staff_client: StaffClient, make_report: Any
) -> None:
    response = client_of(staff_client, cast.agency_admin).post("/kantor/loket", _walk_in())
    receipt = response["Location"]
    assert client_of(staff_client, cast.other_agency_admin).get(receipt).status_code == 404
    assert client_of(staff_client, cast.national).get(receipt).status_code == 200
    # A report from another channel has no counter receipt.
    web = make_report()
    url = f"/kantor/loket/{web.tracking_number}"
    assert client_of(staff_client, cast.national).get(url).status_code == 404


def test_supervisors_and_citizens_have_no_counter(cast: Cast, staff_client: StaffClient) -> None:
    assert client_of(staff_client, cast.supervisor).get("/kantor/loket").status_code == 404
    supervisor = client_of(staff_client, cast.supervisor)
    assert supervisor.post("/kantor/loket", _walk_in()).status_code == 404
    from django.test import Client

    assert Client().get("/kantor/loket").status_code == 302  # to the staff sign-in
    assert not Report.objects.exists()
