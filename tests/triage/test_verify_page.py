"""The verification page (issue 20, Build 2): the national admin sees the learned
suggestions with confidence as a percent and the words that weighed most, beside the
citizen's choice and the routing table's, the model version in small print; a
report from SMS gets its category (and the place read from its text) prefilled in
the completing form, which the admin still submits; a suggested agency is one
press away."""

import re

import pytest
from django.test import Client

from aduan.agencies.models import Agency
from aduan.reports.models import Channel, Report, State
from aduan.triage.models import ROUTING_TABLE, Kind, SuggestionRecord, TriageModel
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, make_report
from tests.triage.history import trained

__all__ = ["cast", "make_report", "trained"]

pytestmark = pytest.mark.django_db

SMS_TEXT = "Listrik PLN padam setiap malam di Kelurahan Kesambi, Kota Cirebon. Pompa air rusak."


@pytest.fixture
def national(cast: Cast) -> Client:
    assert cast.national.user is not None
    return verified_client(cast.national.user)


def _sms(make_report: MakeReport) -> Report:
    return make_report(
        channel=Channel.SMS, category=None, location=None, title="Listrik padam", body=SMS_TEXT
    )


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*id="id_classify_{name}"[^>]*>.*?</select>', html, re.S)
    assert select is not None
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group())
    return chosen.group(1) if chosen else None


def _region(html: str) -> str:
    field = re.search(r'<input[^>]*id="id_classify_region"[^>]*>', html)
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group())
    return value.group(1) if value else ""


def test_the_suggestions_are_shown_with_percent_words_and_version(
    national: Client, trained: None, make_report: MakeReport
) -> None:
    report = _sms(make_report)

    html = national.get(f"/kantor/laporan/{report.tracking_number}").content.decode()

    assert "Saran dari riwayat laporan" in html
    assert re.search(r"keyakinan \d{1,3}%", html)
    assert "Kata yang paling menentukan" in html and "padam" in html
    assert "Pemadaman" in html or "pemadaman" in html
    assert "PT PLN" in html or "PLN" in html
    for model in TriageModel.objects.filter(is_active=True):
        assert model.version in html
    assert "Kategori pilihan pelapor" in html and "Pilihan pelapor" in html


def test_a_report_from_sms_is_prefilled_and_completed_by_the_admin(
    national: Client, trained: None, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    url = f"/kantor/laporan/{report.tracking_number}"

    html = national.get(url).content.decode()

    assert _selected(html, "category") == "listrik.pemadaman"
    region = _region(html)
    assert Report.objects.get(pk=report.pk).category is None  # nothing set yet
    # The place read from the text (aduan/triage/places.py): Kesambi, Kota Cirebon.
    assert region.startswith("32.74.") and "Kesambi" in region
    answer = national.post(
        url,
        {
            "action": "classify",
            "version": report.version,
            "type": "complaint",
            "category": _selected(html, "category"),
            "region": region,
            "title": "Listrik padam",
        },
    )
    assert answer.status_code == 302
    report = Report.objects.select_related("category").get(pk=report.pk)
    assert report.category is not None and report.category.code == "listrik.pemadaman"
    assert report.region_id == region.split(" ")[0] and report.state == State.SUBMITTED


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.X, Channel.COUNTER])
def test_reports_from_other_channels_are_prefilled_too(
    national: Client, trained: None, make_report: MakeReport, channel: str
) -> None:
    report = make_report(
        channel=channel, category=None, location=None, title="Listrik padam", body=SMS_TEXT
    )

    html = national.get(f"/kantor/laporan/{report.tracking_number}").content.decode()

    assert _selected(html, "category") == "listrik.pemadaman"
    assert _region(html).startswith("32.74.")
    assert Report.objects.get(pk=report.pk).category_id is None


def test_what_the_citizen_chose_is_never_replaced_by_a_suggestion(
    national: Client, trained: None, make_report: MakeReport
) -> None:
    # The model reads a power cut in Kesambi; the citizen chose roads in Kota
    # Cirebon's Kecamatan Lemahwungkuk: the form keeps the citizen's choice.
    report = make_report(title="Listrik padam", body=SMS_TEXT, category="infrastruktur.jalan")

    html = national.get(f"/kantor/laporan/{report.tracking_number}").content.decode()

    assert "Saran dari riwayat laporan" in html
    assert _selected(html, "category") == "infrastruktur.jalan"
    assert _region(html).startswith("32.74.01 ")


def test_a_suggested_agency_is_one_press_away(
    national: Client, trained: None, make_report: MakeReport
) -> None:
    report = make_report(title="Listrik padam", body=SMS_TEXT, category="listrik.pemadaman")
    url = f"/kantor/laporan/{report.tracking_number}"
    pln = Agency.objects.get(code="pln")
    html = national.get(url).content.decode()
    assert f'name="agency" value="{pln.pk}"' in html
    assert "Verifikasi dan disposisikan ke instansi ini" in html

    answer = national.post(url, {"action": "dispose", "version": report.version, "agency": pln.pk})

    assert answer.status_code == 302
    assert Report.objects.get(pk=report.pk).agency == pln


def test_what_was_shown_is_kept_with_its_model(
    national: Client, trained: None, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    url = f"/kantor/laporan/{report.tracking_number}"

    national.get(url)
    national.get(url)

    records = SuggestionRecord.objects.filter(report=report)
    assert sorted(records.values_list("kind", flat=True)) == [Kind.AGENCY, Kind.CATEGORY]
    active = dict(TriageModel.objects.filter(is_active=True).values_list("kind", "version"))
    assert {r.kind: r.model_version for r in records} == active


def test_without_a_model_the_page_says_the_routing_table_suggests_alone(
    national: Client, make_report: MakeReport
) -> None:
    report = make_report(title="Listrik padam", body=SMS_TEXT, category="listrik.pemadaman")

    html = national.get(f"/kantor/laporan/{report.tracking_number}").content.decode()

    assert "Belum ada model triase yang aktif" in html
    assert "Menurut tabel rute" in html
    record = SuggestionRecord.objects.get(report=report, kind=Kind.AGENCY)
    assert record.model_version == ROUTING_TABLE


def test_the_suggestions_as_json_for_the_national_admin_only(
    cast: Cast, national: Client, trained: None, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    url = f"/kantor/laporan/{report.tracking_number}/saran"

    answer = national.get(url)

    assert answer.status_code == 200
    found = answer.json()
    assert found["categories"][0]["code"] == "listrik.pemadaman"
    assert found["agencies"][0]["code"] == "pln"
    assert found["place"]["code"].startswith("32.74.")
    assert isinstance(found["duplicates"], list)
    assert (
        found["agency_model"] == TriageModel.objects.get(kind=Kind.AGENCY, is_active=True).version
    )
    for actor in (cast.agency_admin, cast.other_agency_admin, cast.supervisor):
        assert actor.user is not None
        assert verified_client(actor.user).get(url).status_code == 404
    half = Client()
    assert cast.national.user is not None
    half.force_login(cast.national.user)
    assert half.get(url).status_code in (302, 404)
