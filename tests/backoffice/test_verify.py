"""The verification form completes a report (issue 19): on the case page the
national admin sets or corrects type, category, place (found by name) and title;
the change is on the timeline and the routing suggestion follows it."""

import pytest
from django.test import Client

from aduan.backoffice.cases.places import place_find, place_search
from aduan.lib.errors import InvalidInput
from aduan.regions.models import Region
from aduan.reports import services
from aduan.reports.models import Action, Channel, Report, State
from tests.backoffice.conftest import StaffClient, case_post, case_url, client_of, fresh
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

VILLAGE = "32.74.01.1001"
PLACES = "/kantor/wilayah/cari"


@pytest.fixture
def national(cast: Cast, staff_client: StaffClient) -> Client:
    return client_of(staff_client, cast.national)


def _sms(make_report: MakeReport) -> Report:
    return make_report(
        channel=Channel.SMS,
        category=None,
        location=None,
        title="Jalan di depan pasar",
        body="Jalan di depan pasar Jl. Siliwangi berlubang besar.",
    )


def _form(**fields: str) -> dict[str, str]:
    return {
        "type": "complaint",
        "category": "infrastruktur.jalan",
        "region": VILLAGE,
        "title": "Jalan berlubang di Jl. Siliwangi",
        **fields,
    }


def test_the_form_is_offered_with_the_place_search(
    national: Client, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    html = national.get(case_url(report)).content.decode()
    assert 'name="action" value="classify"' in html
    assert 'list="place-options"' in html and '<datalist id="place-options">' in html
    assert f'data-place-search="{PLACES}"' in html
    assert "backoffice/places.js" in html
    assert "Tidak ada aturan rute yang cocok" in html  # no category, no place yet


def test_completing_a_report_through_the_form(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    choice = place_search("Kesambi")[0]
    response = case_post(national, report, "classify", **_form(region=choice.choice))
    assert response.status_code == 302 and response["Location"] == case_url(report)
    report = fresh(report)
    assert report.state == State.SUBMITTED
    assert report.category is not None and report.category.code == "infrastruktur.jalan"
    assert report.region_id == choice.code
    assert report.title == "Jalan berlubang di Jl. Siliwangi"
    html = national.get(case_url(report)).content.decode()
    assert "Data laporan sudah disimpan." in html
    assert "Dilengkapi saat verifikasi" in html
    assert "Kategori: — → Jalan rusak / berlubang" in html
    # The suggestion now follows the category and the place.
    assert "Menurut tabel rute" in html and cast.pupr.name in html
    # The form shows what the report now holds.
    assert f'value="{choice.code} · ' in html


def test_a_name_only_one_region_bears_is_enough_without_the_script(
    national: Client, make_report: MakeReport
) -> None:
    # A village of Kota Cirebon whose name no other region bears.
    region = next(
        village
        for village in Region.objects.filter(
            level=Region.Level.VILLAGE, code__startswith="32.74."
        ).order_by("code")
        if Region.objects.filter(name__iexact=village.name).count() == 1
    )
    report = _sms(make_report)
    response = case_post(national, report, "classify", **_form(region=region.name.upper()))
    assert response.status_code == 302
    assert fresh(report).region_id == region.code


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"region": "Kesambi"}, "Beberapa wilayah bernama ini"),
        ({"region": "Tidak Ada Desa Bernama Ini"}, "tidak ditemukan"),
        ({"region": "99.99"}, "Wilayah tidak dikenal."),
        ({"category": "tidak.ada"}, "Masukkan pilihan yang valid"),
        ({"title": ""}, ""),
    ],
)
def test_bad_input_is_shown_on_the_form_and_changes_nothing(
    national: Client, make_report: MakeReport, fields: dict[str, str], message: str
) -> None:
    report = _sms(make_report)
    response = case_post(national, report, "classify", **_form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    stored = fresh(report)
    assert (stored.category_id, stored.region_id, stored.version) == (None, None, 1)
    assert not stored.events.filter(action=Action.CLASSIFY).exists()


def test_agencies_cannot_complete_a_report(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    report = fresh(report)
    agency = client_of(staff_client, cast.agency_admin)
    assert 'value="classify"' not in agency.get(case_url(report)).content.decode()
    response = case_post(agency, report, "classify", **_form())
    assert response.status_code in (400, 403)
    assert fresh(report).category_id is None


def test_after_a_bounce_the_page_proposes_the_next_candidate(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    services.report_bounce(
        actor=cast.agency_admin, report=fresh(report), reason="Wewenang Pemkab Cirebon."
    )
    html = national.get(case_url(report)).content.decode()
    assert "Disebut dalam alasan pengembalian" in html
    assert "Pemerintah Kabupaten Cirebon" in html


def test_the_place_search(cast: Cast, national: Client, staff_client: StaffClient) -> None:
    answer = national.get(PLACES, {"q": "kesambi"}).json()["results"]
    assert answer and len(answer) <= 20
    # Named exactly first, villages before districts: Kota Cirebon's Kesambi.
    assert answer[0]["value"] == "32.74.05.1003 · Kesambi, Kec. Kesambi, Kota Cirebon, Jawa Barat"
    assert all("kesambi" in place["label"].lower() for place in answer)
    assert national.get(PLACES, {"q": "ke"}).json() == {"results": []}
    assert national.get(PLACES, {"q": "\x00" * 5}).status_code == 200
    # National admins only.
    agency = client_of(staff_client, cast.agency_admin)
    assert agency.get(PLACES, {"q": "kesambi"}).status_code == 404
    assert Client().get(PLACES, {"q": "kesambi"}).status_code == 302


def test_a_place_is_found_by_code_dotted_or_not() -> None:
    assert place_find(VILLAGE).code == VILLAGE
    assert place_find(f"{VILLAGE} · whatever the label says").code == VILLAGE
    with pytest.raises(InvalidInput):
        place_find("")
