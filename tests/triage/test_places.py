"""The place read from a report's text: a labelled list of texts, the hints that
resolve a shared village name (the sender's earlier reports, the counter's region, a
point), reports made with the services, and who may see a reading."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.accounts.models import User
from aduan.agencies.models import Agency
from aduan.intake.services import intake_counter
from aduan.lib.memo import reference_memo_clear
from aduan.regions.models import Region
from aduan.reports import services
from aduan.reports.models import Channel, Report
from aduan.reports.policy import PUBLIC, Actor
from aduan.triage import gazetteer
from aduan.triage.gazetteer import gazetteer_build
from aduan.triage.places import (
    MAX_CANDIDATES,
    PlaceHints,
    PlaceReading,
    place_read,
    report_place_read,
)
from tests.reports.conftest import Cast, MakeReport, cast, make_report
from tests.triage.place_texts import PLACE_TEXTS, PlaceText

__all__ = ["cast", "make_report"]

pytestmark = pytest.mark.django_db

# Three villages named Sukamaju in Kabupaten Garut (and more than a hundred in
# Indonesia, written "Sukamaju" or "Suka Maju").
KERSAMANAH, CILAWU, TALEGONG = "32.05.13.2005", "32.05.19.2014", "32.05.37.2001"
GARUT = "32.05"
SHARED_NAME = "Desa Sukamaju jalannya rusak parah, mohon diperbaiki"


def _right(entry: PlaceText, reading: PlaceReading | None) -> bool:
    got = reading.code if reading is not None else None
    if got != entry.code:
        return False
    return reading is None or set(entry.candidates) <= set(reading.candidates)


def _well_formed(reading: PlaceReading) -> None:
    region = Region.objects.get(code=reading.code)
    assert (reading.name, reading.level) == (region.name, region.level)
    assert 0.0 <= reading.confidence <= 1.0
    assert reading.evidence
    assert len(reading.candidates) <= MAX_CANDIDATES
    for code in reading.candidates:
        assert code.startswith(reading.code + ".")
        assert Region.objects.filter(code=code).exists()


def test_it_reads_the_labelled_texts() -> None:
    """Every text of the list gives its region, except the known misses, which
    still miss (a fix moves them into the list proper)."""
    assert len(PLACE_TEXTS) >= 60
    wrong: dict[str, str] = {}
    right = 0
    for entry in PLACE_TEXTS:
        reading = place_read(entry.text)
        if reading is not None:
            _well_formed(reading)
        if _right(entry, reading):
            right += 1
        else:
            got = reading and (reading.code, reading.evidence, reading.candidates)
            wrong[entry.text] = f"wanted {entry.code} {entry.candidates}, got {got}"
    misses = {entry.text for entry in PLACE_TEXTS if entry.miss}
    assert set(wrong) == misses, {text: why for text, why in wrong.items() if text not in misses}
    assert right == len(PLACE_TEXTS) - len(misses)


def test_it_says_what_named_the_place() -> None:
    reading = place_read("Kel. Sukapura Kec. Kejaksan, lampu jalan mati")
    assert reading is not None
    assert reading.code == "32.74.01.1002"
    assert reading.evidence == ("Kel. Sukapura", "Kec. Kejaksan")
    assert reading.candidates == ()
    alone = place_read("Lampu jalan mati di Kec. Kejaksan")
    assert alone is not None and reading.confidence > alone.confidence


def test_a_name_shared_by_two_regencies_is_said_to_be_ambiguous() -> None:
    reading = place_read("banjir di cirebon sudah tiga hari")
    assert reading is not None
    assert (reading.code, reading.level) == ("32", Region.Level.PROVINCE)
    assert reading.candidates == ("32.09", "32.74")
    assert reading.confidence < 0.5


def test_the_senders_earlier_reports_resolve_a_shared_village_name() -> None:
    assert place_read(SHARED_NAME) is None
    in_district = place_read(SHARED_NAME, hints=PlaceHints(regions=("32.05.19.2001",)))
    assert in_district is not None
    assert in_district.code == CILAWU
    assert "laporan sebelumnya dari pengirim ini" in in_district.evidence
    # Only the regency known: the three villages of Garut remain.
    in_regency = place_read(SHARED_NAME, hints=PlaceHints(regions=(GARUT,)))
    assert in_regency is not None
    assert (in_regency.code, in_regency.candidates) == (GARUT, (KERSAMANAH, CILAWU, TALEGONG))


def test_a_point_picks_the_nearest_candidate() -> None:
    talegong = Region.objects.get(code=TALEGONG)
    assert talegong.latitude is not None and talegong.longitude is not None
    point = (talegong.latitude + 0.004, talegong.longitude - 0.003)
    reading = place_read("desa sukamaju kab garut jalan rusak", hints=PlaceHints(point=point))
    assert reading is not None
    assert reading.code == TALEGONG
    assert "titik lokasi pada peta" in reading.evidence
    # A point at sea, or far from every Sukamaju of Garut, decides nothing.
    far = place_read("desa sukamaju kab garut", hints=PlaceHints(point=(-9.5, 100.0)))
    assert far is not None and far.code == GARUT


def test_the_counters_region_resolves_cirebon() -> None:
    hints = PlaceHints(regions=("32.74",), channel_regions=("32.74",))
    reading = place_read("banjir di cirebon sudah tiga hari", hints=hints)
    assert reading is not None
    assert reading.code == "32.74"
    assert "wilayah loket penerima laporan" in reading.evidence


def test_hints_alone_name_no_place() -> None:
    hints = PlaceHints(regions=("32.74.01",), point=(-6.7067, 108.5582))
    assert place_read("BPJS saya tidak aktif", hints=hints) is None


def test_it_takes_any_text() -> None:
    texts = [
        "",
        " \n\t ",
        "\x00\x00",
        "😡😡😡 #LAPOR",
        "kab.",
        "desa",
        "Kota Kota Kota Kabupaten",
        "a" * 20_000,
        "Jl. " * 500,
        "ÀÉÎ õü ß ΩΣ 漢字 ١٢٣",
        "kec, kejaksan",
    ]
    for text in texts:
        reading = place_read(text)
        assert reading is None or reading.code, text


def test_the_index_holds_every_region_from_one_query() -> None:
    with CaptureQueriesContext(connection) as queries:
        index = gazetteer_build()
    assert len(queries) == 1
    assert len(index.codes) == Region.objects.count()
    assert index.position("32.74.01.1002") is not None
    assert index.position("99.99") is None


# -- reports made with the services ---------------------------------------------------


def _sms(cast: Cast, body: str, **overrides: Any) -> Report:
    return services.report_create(
        actor=cast.owner,
        reporter=cast.reporter,
        type="complaint",
        title=body[:60],
        body=body,
        channel=Channel.SMS,
        **overrides,
    )


def test_a_report_read_with_its_senders_earlier_report(cast: Cast, make_report: MakeReport) -> None:
    make_report(location=services.Location(region="32.05.19.2003"))
    report = _sms(cast, SHARED_NAME)
    assert report.region_id is None
    reading = report_place_read(report)
    assert reading is not None
    assert reading.code == CILAWU
    assert reading.evidence == ("Desa Sukamaju", "laporan sebelumnya dari pengirim ini")


def test_another_senders_reports_are_no_hint(cast: Cast, make_report: MakeReport) -> None:
    make_report(location=services.Location(region="32.05.19.2003"))
    stranger = services.report_create(
        actor=cast.other_citizen,
        reporter=cast.other_citizen.user.reporter,  # type: ignore[union-attr]
        type="complaint",
        title="Jalan rusak",
        body=SHARED_NAME,
        channel=Channel.WEB,
    )
    assert report_place_read(stranger) is None


def test_a_counter_report_is_read_with_the_counters_region(cast: Cast) -> None:
    report = intake_counter(
        staff=cast.agency_admin,  # Pemerintah Kota Cirebon's
        name="Warsini",
        contact="",
        type="complaint",
        title="Banjir",
        body="Banjir di Cirebon sudah tiga hari belum surut",
        category=None,
        region=None,
    )
    reading = report_place_read(report)
    assert reading is not None
    assert reading.code == "32.74"
    assert "wilayah loket penerima laporan" in reading.evidence


def test_a_report_read_with_its_point(cast: Cast, make_report: MakeReport) -> None:
    kersamanah = Region.objects.get(code=KERSAMANAH)
    report = make_report(
        body="Jalan di desa Sukamaju Kabupaten Garut rusak",
        location=services.Location(latitude=kersamanah.latitude, longitude=kersamanah.longitude),
    )
    reading = report_place_read(report)
    assert reading is not None
    assert reading.code == KERSAMANAH
    assert "titik lokasi pada peta" in reading.evidence


def test_a_report_without_a_place_in_its_text(make_report: MakeReport) -> None:
    report = make_report(
        title="Kartu BPJS tidak aktif", body="Kartu BPJS saya dinonaktifkan tanpa alasan."
    )
    assert report_place_read(report) is None


# -- who may see a reading ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["public", "other_citizen", "other_agency_admin", "liaison"])
def test_no_reading_for_who_may_not_see_the_report(
    cast: Cast, make_report: MakeReport, role: str
) -> None:
    report = make_report(body="Jalan rusak di Kel. Sukapura Kec. Kejaksan")
    assert report_place_read(report, actor=cast.national) is not None
    assert report_place_read(report, actor=cast.owner) is not None
    assert report_place_read(report, actor=getattr(cast, role)) is None


def test_no_reading_for_staff_without_the_second_factor(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report(body="Jalan rusak di Kel. Sukapura Kec. Kejaksan")
    unverified = User.objects.get(pk=cast.national.user.pk)  # type: ignore[union-attr]
    actor = Actor.for_user(unverified)
    assert actor == PUBLIC
    assert report_place_read(report, actor=actor) is None


def _disposed(cast: Cast, report: Report, agency: Agency) -> Report:
    services.report_dispose(actor=cast.national, report=report, agency_id=agency.pk)
    return Report.objects.get(pk=report.pk)


def test_an_earlier_report_the_reader_may_not_see_is_no_hint(
    cast: Cast, make_report: MakeReport
) -> None:
    garut = Agency.objects.get(code="pemda-32-05")
    _disposed(
        cast,
        make_report(location=services.Location(region="32.05.19.2003"), confidential=True),
        garut,
    )
    report = _disposed(cast, _sms(cast, SHARED_NAME), cast.kota)
    assert report_place_read(report, actor=cast.national) is not None
    # Kota Cirebon's admin sees this report, not the confidential one in Garut.
    assert report_place_read(report, actor=cast.agency_admin) is None


def test_an_anonymous_report_is_not_tied_to_its_senders_others(
    cast: Cast, make_report: MakeReport
) -> None:
    garut = Agency.objects.get(code="pemda-32-05")
    _disposed(cast, make_report(location=services.Location(region="32.05.19.2003")), garut)
    report = _disposed(cast, _sms(cast, SHARED_NAME, anonymous=True), cast.kota)
    national = report_place_read(report, actor=cast.national)
    assert national is not None and national.code == CILAWU
    # Kota Cirebon's admin may see the public report in Garut, but must not learn
    # that its anonymous sender wrote it.
    assert report_place_read(report, actor=cast.agency_admin) is None


def test_the_index_wants_its_rows_sorted_as_python_sorts() -> None:
    """A database whose collation ordered codes otherwise would break the bisection:
    the build notices and sorts them itself."""
    unsorted = [("32.74", "Kota Cirebon", None, None), ("32", "Jawa Barat", None, None)]
    assert gazetteer._index(iter(unsorted)) is None
    index = gazetteer._index(iter(sorted(unsorted)))
    assert index is not None and index.position("32.74") == 1


def test_the_index_follows_a_change_of_the_regions() -> None:
    assert place_read("desa Kemangkon Raya") is not None  # Kemangkon, and a word
    Region.objects.filter(code="33.03.01.2006").update(name="Kemangkon Raya Indah")
    reference_memo_clear()  # as after REFERENCE_TTL seconds
    reading = place_read("jalan rusak di desa kemangkon raya indah")
    assert reading is not None and reading.code == "33.03.01.2006"
    assert reading.name == "Kemangkon Raya Indah"
