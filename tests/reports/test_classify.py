"""Verification completes a report (issue 19): the national admin sets or corrects
type, category, region and title of a report from any channel; the change is on the
timeline, the timeline still replays, and routing, duplicates and the statistics
read the new values."""

from datetime import UTC, datetime
from typing import Any

import pytest

from aduan.categories.models import Category
from aduan.lib.errors import InvalidInput, NotFound, NotPermitted
from aduan.reports import services
from aduan.reports.errors import StaleReport, WrongState
from aduan.reports.models import Action, Channel, Report, ReportEvent, State
from aduan.reports.replay import report_replay
from aduan.routing.selectors import report_routing_suggest
from aduan.stats.metrics import region_level
from aduan.stats.models import Rollup
from aduan.stats.services import stats_rebuild, stats_update_due
from aduan.triage.duplicates import duplicate_candidates
from tests.reports.conftest import Cast, MakeReport
from tests.stats.test_rollups import snapshot

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday
VILLAGE = "32.74.01.1001"  # in Kota Cirebon


def _sms(make_report: MakeReport, **overrides: Any) -> Report:
    """A report as the SMS door makes it: no category, no place."""
    fields: dict[str, Any] = {
        "channel": Channel.SMS,
        "category": None,
        "location": None,
        "title": "Jalan di depan pasar Jl",
        "body": "Jalan di depan pasar Jl. Siliwangi berlubang besar.",
        "now": START,
    }
    fields.update(overrides)
    return make_report(**fields)


def _classify(cast: Cast, report: Report, **fields: Any) -> ReportEvent | None:
    values: dict[str, Any] = {
        "type": "complaint",
        "category": "infrastruktur.jalan",
        "region": VILLAGE,
        "title": "Jalan berlubang di Jl. Siliwangi",
    }
    values.update(fields)
    return services.report_classify(actor=cast.national, report=report, now=START, **values)


def test_an_sms_report_is_completed_and_the_change_is_on_the_timeline(
    cast: Cast, make_report: MakeReport
) -> None:
    report = _sms(make_report)
    assert report.category_id is None and report.region_id is None
    event = _classify(cast, report, type="aspiration")
    assert event is not None
    report = Report.objects.get(pk=report.pk)
    assert report.state == State.SUBMITTED
    assert report.type == "aspiration"
    assert report.category is not None and report.category.code == "infrastruktur.jalan"
    assert report.region_id == VILLAGE
    assert report.title == "Jalan berlubang di Jl. Siliwangi"
    assert report.version == 2
    assert event.action == Action.CLASSIFY
    assert (event.from_state, event.to_state) == (State.SUBMITTED, State.SUBMITTED)
    assert event.actor_role == "national_admin"
    lines = event.body.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("Jenis: Pengaduan → ")
    assert lines[1] == "Kategori: — → Jalan rusak / berlubang"
    assert lines[2].startswith("Wilayah: — → ") and VILLAGE in lines[2]
    assert lines[3] == "Judul: Jalan di depan pasar Jl → Jalan berlubang di Jl. Siliwangi"
    # The timeline still replays to the state the report is in.
    replayed = report_replay(report.events.order_by("created_at", "id"))
    assert replayed.state == State.SUBMITTED
    # …and after the disposition that follows.
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk, now=START)
    assert report_replay(report.events.order_by("created_at", "id")).agency_id == cast.kota.pk


def test_routing_and_duplicates_read_the_new_category_and_place(
    cast: Cast, make_report: MakeReport
) -> None:
    earlier = make_report(now=START, location=services.Location(region="32.74.02"))
    report = _sms(make_report)
    assert report_routing_suggest(report=report) is None
    # By its words alone at first; then by its place and category too.
    before = duplicate_candidates(actor=cast.national, report=report, min_score=0.0)
    assert [c.report for c in before] == [earlier]
    assert "kategori sama" not in before[0].reasons
    _classify(cast, report)
    suggestion = report_routing_suggest(report=report)
    assert suggestion is not None
    assert suggestion.agency == cast.kota and suggestion.unit == cast.pupr
    after = duplicate_candidates(actor=cast.national, report=report, min_score=0.0)
    assert [c.report for c in after] == [earlier]
    assert {"kabupaten/kota yang sama", "kategori sama"} <= set(after[0].reasons)
    assert after[0].score != before[0].score


def test_the_statistics_count_the_report_in_its_new_region_and_category(
    cast: Cast, make_report: MakeReport
) -> None:
    stats_rebuild()
    report = _sms(make_report)
    stats_update_due()
    category = Category.objects.get(code="infrastruktur.jalan")
    city = Rollup.objects.filter(region_level("32.74"), grain="m", agency_id=0)
    assert not city.filter(category_id=category.pk).exists()
    nowhere = Rollup.objects.filter(grain="m", agency_id=0, regency="", province="")
    assert sum(r.received for r in nowhere.filter(category_id=0)) == 1
    _classify(cast, report)
    assert stats_update_due() == 1
    row = city.get(category_id=category.pk)
    assert row.received == 1
    # Nothing is left under "no region".
    assert sum(r.received for r in nowhere.filter(category_id=0)) == 0
    # What the worker kept is what a rebuild from the timelines works out.
    kept = snapshot()
    stats_rebuild()
    assert snapshot() == kept


def test_a_correction_changes_only_what_differs(cast: Cast, make_report: MakeReport) -> None:
    report = make_report(now=START)  # a web report, already with category and place
    event = _classify(cast, report, category="lingkungan.sampah", region="32.74.01")
    assert event is not None
    assert event.body.startswith("Kategori: ")
    assert len(event.body.splitlines()) == 2  # category and title; type and place stay
    # Nothing new: no event.
    report = Report.objects.get(pk=report.pk)
    again = _classify(cast, report, category="lingkungan.sampah", region="32.74.01")
    assert again is None
    assert report.events.filter(action=Action.CLASSIFY).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "tidak.ada"}, "category"),
        ({"category": ""}, "category"),
        ({"region": "99.99.99.9999"}, "region"),
        ({"region": "bukan kode"}, "region"),
        ({"region": ""}, "region"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"type": "gossip"}, "type"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    cast: Cast, make_report: MakeReport, fields: dict[str, Any], field: str
) -> None:
    report = _sms(make_report)
    with pytest.raises(InvalidInput) as refused:
        _classify(cast, report, **fields)
    assert refused.value.field == field
    stored = Report.objects.get(pk=report.pk)
    assert (stored.category_id, stored.region_id, stored.version) == (None, None, 1)
    assert not stored.events.filter(action=Action.CLASSIFY).exists()


@pytest.mark.parametrize("role", ["owner", "agency_admin", "liaison", "supervisor", "integration"])
def test_only_the_national_admin_completes_a_report(
    cast: Cast, make_report: MakeReport, role: str
) -> None:
    report = _sms(make_report)
    with pytest.raises((NotPermitted, NotFound)):
        services.report_classify(
            actor=getattr(cast, role), report=report, category="infrastruktur.jalan", now=START
        )
    assert Report.objects.get(pk=report.pk).category_id is None


def test_only_while_it_waits_for_verification(cast: Cast, make_report: MakeReport) -> None:
    report = _sms(make_report)
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk, now=START)
    with pytest.raises(WrongState):
        _classify(cast, report)


def test_two_admins_at_once_one_wins(cast: Cast, make_report: MakeReport) -> None:
    report = _sms(make_report)
    seen_by_second = Report.objects.get(pk=report.pk)
    _classify(cast, report)
    with pytest.raises(StaleReport):
        _classify(cast, seen_by_second, category="lingkungan.sampah")
    assert Report.objects.get(pk=report.pk).category.code == "infrastruktur.jalan"  # type: ignore[union-attr]
