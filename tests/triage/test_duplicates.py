"""The duplicate finder (aduan/triage/duplicates.py) on reports made with the
services: text similarity near the report within a window, scored; only what the
actor may see; and on the national admin's case page."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.reports import services
from aduan.reports.models import ArchiveReason, Channel, Report, State
from aduan.reports.policy import PUBLIC, Actor
from aduan.triage import duplicates
from aduan.triage.duplicates import (
    Candidate,
    duplicate_candidates,
    matching_ids,
    neighbours,
    query_terms,
    stems,
    text_similarity,
)
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0) - timedelta(days=1)
TITLE = "Lampu jalan mati di Jalan Kartini Kejaksan"
BODY = (
    "Lampu penerangan jalan umum di Jalan Kartini dekat Masjid Al Ikhlas Kejaksan "
    "mati sejak dua minggu, warga takut melintas malam hari."
)
OTHER_TITLE = "Puskesmas Sukamulya kekurangan obat anak"
OTHER_BODY = "Stok obat sirup anak di Puskesmas Sukamulya kosong sejak awal bulan."


def _at(region: str, *, lat: float | None = None, lon: float | None = None) -> Any:
    return services.Location(region=region, latitude=lat, longitude=lon)


def _numbers(found: list[Candidate]) -> list[str]:
    return [c.report.tracking_number for c in found]


def test_it_finds_the_same_case_near_and_soon_with_a_score_and_reasons(
    cast: Cast, make_report: MakeReport
) -> None:
    first = make_report(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    again = make_report(
        title="Lampu PJU Jalan Kartini padam",
        body="Sudah dua minggu lampu penerangan jalan di Jalan Kartini Kejaksan mati, "
        "dekat Masjid Al Ikhlas. Gelap malam hari.",
        location=_at("32.74.01.1001"),
        now=NOW + timedelta(hours=5),
    )
    unrelated = make_report(
        title=OTHER_TITLE,
        body=OTHER_BODY,
        category="kesehatan.puskesmas",
        location=_at("32.74.01.1001"),
        now=NOW + timedelta(hours=1),
    )
    found = duplicate_candidates(actor=cast.national, report=again)
    assert _numbers(found) == [first.tracking_number]
    best = found[0]
    assert 0.5 < best.score <= 1.0
    assert "desa/kelurahan yang sama" in best.reasons and "kategori sama" in best.reasons
    assert any(reason.startswith("kata-kata mirip") for reason in best.reasons)
    assert unrelated.tracking_number not in _numbers(
        duplicate_candidates(actor=cast.national, report=again, min_score=0.0)
    )


def test_a_report_sharing_only_the_place_name_is_not_a_candidate(
    cast: Cast, make_report: MakeReport
) -> None:
    """The index also finds a report by its place's name ("Kejaksan" is where the
    Puskesmas report was filed, not in its words): without a word in common it is
    no duplicate, whatever the score it is asked from."""
    report = make_report(
        title="Lampu mati Kejaksan", body="Lampu mati di Kejaksan.", location=_at("32.74.01.1001")
    )
    elsewhere = make_report(
        title=OTHER_TITLE, body=OTHER_BODY, category="kesehatan.puskesmas", location=_at("32.74.01")
    )
    assert "kejaksan" in query_terms(f"{report.title} {report.body}")
    found = duplicate_candidates(actor=cast.national, report=report, min_score=0.0)
    assert elsewhere.tracking_number not in _numbers(found)


def test_far_away_or_long_ago_is_not_a_candidate(cast: Cast, make_report: MakeReport) -> None:
    report = make_report(title=TITLE, body=BODY, location=_at("32.74.01"), now=NOW)
    # Far away (Papua), and the same place long ago (outside the 30-day window).
    make_report(title=TITLE, body=BODY, location=_at("91.71"), now=NOW)
    make_report(title=TITLE, body=BODY, location=_at("32.74.01"), now=NOW - timedelta(days=90))
    assert duplicate_candidates(actor=cast.national, report=report, min_score=0.0) == []


def test_the_window_is_a_setting(cast: Cast, make_report: MakeReport, settings: Any) -> None:
    old = make_report(title=TITLE, body=BODY, now=NOW - timedelta(days=90))
    report = make_report(title=TITLE, body=BODY, now=NOW)
    assert duplicate_candidates(actor=cast.national, report=report, min_score=0.0) == []
    settings.TRIAGE_DUPLICATE_DAYS = 120
    assert _numbers(duplicate_candidates(actor=cast.national, report=report, min_score=0.0)) == [
        old.tracking_number
    ]


def test_a_neighbouring_regency_counts_as_near(cast: Cast, make_report: MakeReport) -> None:
    assert "32.09" in neighbours("32.74")  # Kabupaten Cirebon, around Kota Cirebon
    assert "91.71" not in neighbours("32.74")
    across = make_report(title=TITLE, body=BODY, location=_at("32.09.01"), now=NOW)
    report = make_report(title=TITLE, body=BODY, location=_at("32.74.01"), now=NOW)
    found = duplicate_candidates(actor=cast.national, report=report, min_score=0.0)
    assert _numbers(found) == [across.tracking_number]
    assert "kabupaten/kota tetangga" in found[0].reasons


def test_a_point_close_by_raises_the_score(cast: Cast, make_report: MakeReport) -> None:
    near = make_report(title=TITLE, body=BODY, location=_at("32.74", lat=-6.7063, lon=108.557))
    far = make_report(title=TITLE, body=BODY, location=_at("32.74", lat=-6.74, lon=108.52))
    report = make_report(title=TITLE, body=BODY, location=_at("32.74", lat=-6.7064, lon=108.557))
    found = duplicate_candidates(actor=cast.national, report=report, min_score=0.0)
    assert _numbers(found) == [near.tracking_number, far.tracking_number]
    assert found[0].score > found[1].score
    assert any(reason.startswith("berjarak") for reason in found[0].reasons)


def test_a_report_without_region_or_category_gets_candidates_by_text(
    cast: Cast, make_report: MakeReport
) -> None:
    first = make_report(title=TITLE, body=BODY, location=_at("32.74.01"), now=NOW)
    sms = make_report(
        title="Lampu jalan mati",
        body=f"LAPOR {BODY}",
        channel=Channel.SMS,
        category=None,
        location=None,
        now=NOW + timedelta(hours=2),
    )
    assert sms.region_id is None and sms.category_id is None
    found = duplicate_candidates(actor=cast.national, report=sms, min_score=0.0)
    assert _numbers(found) == [first.tracking_number]
    # The other way round, the SMS report (no region yet) is near anything.
    assert _numbers(duplicate_candidates(actor=cast.national, report=first, min_score=0.0)) == [
        sms.tracking_number
    ]


@pytest.mark.parametrize("ranked_among", [500, 3])
def test_the_best_matches_are_kept_when_more_match_than_are_scored(
    make_report: MakeReport, monkeypatch: pytest.MonkeyPatch, ranked_among: int
) -> None:
    # Four words shared by one report, fewer by the others (none of them a place's
    # or a category's name, which the index holds too); more match than the limit.
    # Ranked among those found, or (more found than are listed) among all of them:
    # the same best two.
    monkeypatch.setattr(duplicates, "RANKED_AMONG", ranked_among)
    terms = ["kartini", "masjid", "ikhlas", "gerobak"]
    texts = [
        "Gerobak parkir di Jalan Kartini dekat Masjid Al Ikhlas",
        "Mobil parkir di Jalan Kartini dekat Masjid Al Ikhlas",
        "Mobil parkir di Jalan Kartini dekat masjid",
        "Mobil parkir di Jalan Kartini",
        "Got tersumbat di Jalan Siliwangi",
    ]
    made = [make_report(title=text, body=text, now=NOW) for text in texts]
    reports = Report.objects.filter(submitted_at__gte=NOW - timedelta(days=1))
    everything = matching_ids(reports, terms, limit=10, few=True)
    assert set(everything) == {report.pk for report in made[:4]}
    assert matching_ids(reports, terms, limit=2, few=True) == [made[0].pk, made[1].pk]
    assert matching_ids(reports, terms, limit=2) == [made[0].pk, made[1].pk]


def test_archived_reports_are_not_candidates(cast: Cast, make_report: MakeReport) -> None:
    spam = make_report(title=TITLE, body=BODY, now=NOW)
    services.report_archive(actor=cast.national, report=spam, reason=ArchiveReason.SPAM)
    report = make_report(title=TITLE, body=BODY, now=NOW)
    assert duplicate_candidates(actor=cast.national, report=report, min_score=0.0) == []


def test_a_merged_pair_is_found_again(cast: Cast, make_report: MakeReport) -> None:
    """The labelled pairs measure the finder: a pair an admin merged is one it finds."""
    original = make_report(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    services.report_dispose(actor=cast.national, report=original, agency_id=cast.kota.pk)
    duplicate = make_report(
        title="Lampu jalan Kartini mati dua minggu",
        body=BODY,
        location=_at("32.74.01.1001"),
        now=NOW + timedelta(days=2),
    )
    services.report_archive(
        actor=cast.national,
        report=duplicate,
        reason=ArchiveReason.DUPLICATE,
        duplicate_of=original.tracking_number,
    )
    duplicate.refresh_from_db()
    assert duplicate.state == State.ARCHIVED and duplicate.duplicate_of_id == original.pk
    found = duplicate_candidates(actor=cast.national, report=duplicate)
    assert _numbers(found)[:1] == [original.tracking_number]


# -- privacy -------------------------------------------------------------------------------


def test_only_what_the_actor_may_see_is_offered(
    cast: Cast, make_report: MakeReport, dispositioned: Callable[..., Report]
) -> None:
    secret = dispositioned(title=TITLE, body=BODY, confidential=True, now=NOW)
    unverified = make_report(title=TITLE, body=BODY, now=NOW)
    public = dispositioned(title=TITLE, body=BODY, now=NOW)
    report = make_report(title=TITLE, body=BODY, now=NOW)
    everyone = {secret.tracking_number, unverified.tracking_number, public.tracking_number}
    assert set(_numbers(duplicate_candidates(actor=cast.national, report=report, min_score=0))) == (
        everyone
    )
    # Kabupaten Cirebon's admin, a citizen and the public: the public report only.
    for actor in (cast.other_agency_admin, cast.other_citizen, PUBLIC):
        found = duplicate_candidates(actor=actor, report=report, min_score=0.0)
        assert _numbers(found) == [public.tracking_number]
    # Kota Cirebon's admin handles the confidential one too.
    handled = {secret.tracking_number, public.tracking_number}
    found = duplicate_candidates(actor=cast.agency_admin, report=report, min_score=0.0)
    assert set(_numbers(found)) == handled


def test_staff_without_the_second_factor_count_as_the_public(
    cast: Cast, make_report: MakeReport, dispositioned: Callable[..., Report]
) -> None:
    dispositioned(title=TITLE, body=BODY, confidential=True, now=NOW)
    report = make_report(title=TITLE, body=BODY, now=NOW)
    assert cast.national.user is not None
    unverified = Actor.for_user(cast.national.user)  # a password, no second factor
    assert unverified == PUBLIC
    assert duplicate_candidates(actor=unverified, report=report, min_score=0.0) == []


# -- the words ----------------------------------------------------------------------------


def test_the_query_keeps_the_words_reports_hold_and_drops_stop_words(
    make_report: MakeReport,
) -> None:
    text = "Yang di jalan Kartini itu rusak dan berlubang"
    # No report holds any word yet: nothing to look for.
    assert query_terms(text) == []
    make_report(title="Jalan Kartini berlubang", body="Jalan Kartini rusak dan berlubang.")
    terms = query_terms(text)
    assert "yang" not in terms and "itu" not in terms and "dan" not in terms
    assert "kartini" in terms
    assert text_similarity(stems("jalan berlubang"), stems("Jalan-jalan lubang")) == 1.0
    assert text_similarity(stems("lampu mati"), stems("obat habis")) == 0.0
    assert text_similarity(frozenset(), stems("obat")) == 0.0


# -- the case page --------------------------------------------------------------------------


def _case(client: Client, report: Report) -> Any:
    return client.get(f"/kantor/laporan/{report.tracking_number}")


def test_the_case_page_shows_candidates_with_score_and_buttons(
    cast: Cast, make_report: MakeReport
) -> None:
    first = make_report(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    report = make_report(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    assert cast.national.user is not None
    html = _case(verified_client(cast.national.user), report).content.decode()
    assert f'value="{first.tracking_number}"' in html
    assert "Skor " in html and "desa/kelurahan yang sama" in html
    assert "Bukan duplikat" in html and "Gabungkan ke laporan ini" in html


def test_the_case_page_says_when_there_is_nothing_like_it(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report(title=TITLE, body=BODY, now=NOW)
    assert cast.national.user is not None
    html = _case(verified_client(cast.national.user), report).content.decode()
    assert "Tidak ada laporan yang mirip di sekitar tempat dan waktu laporan ini." in html


@pytest.mark.parametrize("role", ["agency_admin", "liaison", "supervisor"])
def test_the_case_page_shows_no_candidates_to_who_handles_the_report(
    cast: Cast, dispositioned: Callable[..., Report], role: str
) -> None:
    """Candidates are the national admin's, who merges: the staff who handle the
    report see none, not even the ones they may see."""
    first = dispositioned(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    report = dispositioned(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    user = getattr(cast, role).user
    assert user is not None
    response = _case(verified_client(user), report)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kemungkinan duplikat" not in html and "Bukan duplikat" not in html
    assert first.tracking_number not in html


def test_merging_from_the_list_archives_as_a_duplicate(cast: Cast, make_report: MakeReport) -> None:
    first = make_report(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    report = make_report(title=TITLE, body=BODY, location=_at("32.74.01.1001"), now=NOW)
    assert cast.national.user is not None
    client = verified_client(cast.national.user)
    response = client.post(
        f"/kantor/laporan/{report.tracking_number}",
        {"action": "merge", "version": report.version, "original": first.tracking_number},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.archive_reason == ArchiveReason.DUPLICATE and report.duplicate_of_id == first.pk
