"""Labelled pairs: every merge and every "bukan duplikat" is kept (report, other,
label, who, when, the score shown); "bukan duplikat" hides the candidate; only a
national admin decides; bad input writes nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.lib.errors import InvalidInput, NotFound, NotPermitted
from aduan.reports import services
from aduan.reports.errors import StaleReport
from aduan.reports.models import ArchiveReason, DuplicatePair, PairLabel, Report
from aduan.triage.duplicates import duplicate_candidates, duplicate_precision, duplicate_score
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, make_report

__all__ = ["cast", "make_report"]

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0) - timedelta(days=1)
TITLE = "Sampah menumpuk di Pasar Kanoman"
BODY = "Sampah di belakang Pasar Kanoman tidak diangkut seminggu, baunya menyengat warga."


def _pair(make_report: MakeReport) -> tuple[Report, Report]:
    where = services.Location(region="32.74.01.1001")
    first = make_report(title=TITLE, body=BODY, location=where, now=NOW)
    second = make_report(title=TITLE, body=BODY, location=where, now=NOW + timedelta(hours=3))
    return first, second


def test_a_merge_is_kept_as_a_positive_pair_with_its_score(
    cast: Cast, make_report: MakeReport
) -> None:
    first, second = _pair(make_report)
    score = duplicate_score(report=second, other=first)
    services.report_archive(
        actor=cast.national,
        report=second,
        reason=ArchiveReason.DUPLICATE,
        duplicate_of=first.tracking_number,
        score=score,
        now=NOW + timedelta(hours=4),
    )
    pair = DuplicatePair.objects.get()
    assert (pair.report_id, pair.other_id, pair.label) == (second.pk, first.pk, PairLabel.DUPLICATE)
    assert pair.actor == cast.national.user and pair.score == pytest.approx(score, abs=1e-4)
    assert pair.created_at == NOW + timedelta(hours=4)


def test_another_archive_reason_keeps_no_pair(cast: Cast, make_report: MakeReport) -> None:
    _first, second = _pair(make_report)
    services.report_archive(actor=cast.national, report=second, reason=ArchiveReason.SPAM)
    assert not DuplicatePair.objects.exists()


def test_a_merge_that_fails_keeps_no_pair(cast: Cast, make_report: MakeReport) -> None:
    first, second = _pair(make_report)
    Report.objects.filter(pk=second.pk).update(version=second.version + 1)  # someone acted
    with pytest.raises(StaleReport):
        services.report_archive(
            actor=cast.national,
            report=second,
            reason=ArchiveReason.DUPLICATE,
            duplicate_of=first.tracking_number,
        )
    assert not DuplicatePair.objects.exists()


def test_not_a_duplicate_is_kept_and_hides_the_candidate_both_ways(
    cast: Cast, make_report: MakeReport
) -> None:
    first, second = _pair(make_report)
    assert [c.report for c in duplicate_candidates(actor=cast.national, report=second)] == [first]
    pair = services.report_not_duplicate(
        actor=cast.national, report=second, other=first.tracking_number, score=0.9
    )
    assert (pair.report_id, pair.other_id, pair.label) == (second.pk, first.pk, "not_duplicate")
    assert pair.score == 0.9 and pair.actor == cast.national.user
    assert duplicate_candidates(actor=cast.national, report=second, min_score=0.0) == []
    assert duplicate_candidates(actor=cast.national, report=first, min_score=0.0) == []
    # Said again: kept once.
    again = services.report_not_duplicate(
        actor=cast.national, report=second, other=first.tracking_number
    )
    assert again.pk == pair.pk and DuplicatePair.objects.count() == 1


def test_the_pairs_measure_the_precision_at_the_shown_score(
    cast: Cast, make_report: MakeReport, settings: Any
) -> None:
    """Merged pairs count for the finder, set-aside ones against it, each from the
    score it was shown with; a merge by a typed number (no score) not at all."""
    assert duplicate_precision().precision is None  # nothing decided yet
    where = services.Location(region="32.74.01.1001")
    reports = [make_report(title=TITLE, body=BODY, location=where, now=NOW) for _ in range(6)]
    for report, other, score in ((reports[1], reports[0], 0.9), (reports[2], reports[0], 0.6)):
        services.report_archive(
            actor=cast.national,
            report=report,
            reason=ArchiveReason.DUPLICATE,
            duplicate_of=other.tracking_number,
            score=score,
        )
    services.report_archive(  # typed in: no score
        actor=cast.national,
        report=reports[3],
        reason=ArchiveReason.DUPLICATE,
        duplicate_of=reports[0].tracking_number,
    )
    for other, score in ((reports[5], 0.7), (reports[0], 0.3)):
        services.report_not_duplicate(
            actor=cast.national, report=reports[4], other=other.tracking_number, score=score
        )
    settings.TRIAGE_DUPLICATE_MIN_SCORE = 50
    shown = duplicate_precision()
    assert (shown.threshold, shown.merged, shown.set_aside) == (0.5, 2, 1)
    assert shown.precision == pytest.approx(2 / 3)
    assert duplicate_precision(threshold=0.8).precision == 1.0
    low = duplicate_precision(threshold=0.0)
    assert (low.merged, low.set_aside) == (2, 2)


@pytest.mark.parametrize(
    "role", ["agency_admin", "liaison", "supervisor", "owner", "other_citizen", "public"]
)
def test_only_a_national_admin_says_not_a_duplicate(
    cast: Cast, make_report: MakeReport, role: str
) -> None:
    first, second = _pair(make_report)
    with pytest.raises((NotPermitted, NotFound)):
        services.report_not_duplicate(
            actor=getattr(cast, role), report=second, other=first.tracking_number
        )
    assert not DuplicatePair.objects.exists()


@pytest.mark.parametrize("other", ["", "12345", "1234567890"])
def test_an_unknown_or_mistyped_number_writes_nothing(
    cast: Cast, make_report: MakeReport, other: str
) -> None:
    _first, second = _pair(make_report)
    with pytest.raises(InvalidInput):
        services.report_not_duplicate(actor=cast.national, report=second, other=other)
    with pytest.raises(InvalidInput):  # itself
        services.report_not_duplicate(
            actor=cast.national, report=second, other=second.tracking_number
        )
    assert not DuplicatePair.objects.exists()


# -- the case page ---------------------------------------------------------------------------


def _national(cast: Cast) -> Client:
    assert cast.national.user is not None
    return verified_client(cast.national.user)


def _post(client: Client, report: Report, **data: Any) -> Any:
    return client.post(f"/kantor/laporan/{report.tracking_number}", data)


def test_the_button_keeps_the_pair_with_the_score_shown(
    cast: Cast, make_report: MakeReport
) -> None:
    first, second = _pair(make_report)
    client = _national(cast)
    shown = duplicate_candidates(actor=cast.national, report=second)[0].score
    response = _post(client, second, action="not_duplicate", other=first.tracking_number)
    assert response.status_code == 302
    pair = DuplicatePair.objects.get()
    assert pair.label == PairLabel.NOT_DUPLICATE and pair.score == pytest.approx(shown, abs=1e-4)
    html = client.get(response["Location"]).content.decode()
    assert "Laporan itu tidak lagi diusulkan sebagai duplikat." in html
    assert f'value="{first.tracking_number}"' not in html


def test_merging_on_the_case_page_keeps_a_positive_pair(
    cast: Cast, make_report: MakeReport
) -> None:
    first, second = _pair(make_report)
    response = _post(
        _national(cast),
        second,
        action="merge",
        version=second.version,
        original=first.tracking_number,
    )
    assert response.status_code == 302
    pair = DuplicatePair.objects.get()
    assert pair.label == PairLabel.DUPLICATE and pair.score is not None and pair.score > 0.5


@pytest.mark.parametrize("other", ["", "abc", "1234567890"])
def test_a_bad_number_on_the_case_page_is_a_clear_error(
    cast: Cast, make_report: MakeReport, other: str
) -> None:
    _first, second = _pair(make_report)
    response = _post(_national(cast), second, action="not_duplicate", other=other)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "tidak valid" in html or "tidak ditemukan" in html
    assert not DuplicatePair.objects.exists()


def test_agency_staff_cannot_post_it(cast: Cast, make_report: MakeReport) -> None:
    first, second = _pair(make_report)
    services.report_dispose(actor=cast.national, report=second, agency_id=cast.kota.pk)
    assert cast.agency_admin.user is not None
    client = verified_client(cast.agency_admin.user)
    response = _post(client, second, action="not_duplicate", other=first.tracking_number)
    assert response.status_code == 403
    assert not DuplicatePair.objects.exists()
