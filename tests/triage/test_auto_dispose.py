"""The automatic disposition (issue 20, Build 2): a deployment setting, off by
default; when on, a report whose category, place and agency are all suggested above
the high confidence is disposed by the system through the lifecycle service, and the
timeline shows the automatic step naming the model version. What people disagree on
or already bounced is left to people."""

from typing import Any

import pytest

from aduan.agencies.models import Agency
from aduan.core.worker import JOBS
from aduan.lib.errors import NotFound, NotPermitted
from aduan.reports import services
from aduan.reports.models import Action, Channel, Report, State
from aduan.reports.policy import Actor
from aduan.triage.models import Kind, SuggestionRecord, TriageModel
from aduan.triage.services import triage_auto_dispose
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, make_report
from tests.triage.history import trained

__all__ = ["cast", "make_report", "trained"]

pytestmark = pytest.mark.django_db

POWER_CUT = "Listrik PLN padam berjam-jam setiap malam tanpa pemberitahuan, pompa air rusak."


@pytest.fixture
def on(settings: Any, trained: None) -> None:
    settings.TRIAGE_AUTO_DISPOSE = True
    # The tiny test history gives confidences lower than a real one would.
    settings.TRIAGE_AUTO_DISPOSE_CONFIDENCE = 0.5


def _power_cut(make_report: MakeReport, **fields: Any) -> Report:
    values = {"title": "Listrik padam setiap malam", "body": POWER_CUT}
    return make_report(**{**values, **fields})


def test_off_by_default_nothing_automatic_ever_happens(
    trained: None, make_report: MakeReport, settings: Any
) -> None:
    assert settings.TRIAGE_AUTO_DISPOSE is False
    report = _power_cut(make_report, category="listrik.pemadaman")

    assert triage_auto_dispose() == 0

    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED
    assert not SuggestionRecord.objects.exists()


def test_a_confident_report_is_disposed_by_the_system(
    cast: Cast, on: None, make_report: MakeReport
) -> None:
    report = _power_cut(make_report, category="listrik.pemadaman")

    assert triage_auto_dispose() == 1

    report = Report.objects.get(pk=report.pk)
    assert report.state == State.DISPOSITIONED
    assert report.agency == Agency.objects.get(code="pln")
    event = report.events.get(action=Action.DISPOSE)
    assert event.actor is None and event.actor_role == "system"
    assert event.channel == Channel.SYSTEM
    agency_model = TriageModel.objects.get(kind=Kind.AGENCY, is_active=True)
    assert "otomatis" in event.reason and agency_model.version in event.reason
    record = SuggestionRecord.objects.get(report=report, kind=Kind.AGENCY)
    assert record.automatic and record.model == agency_model


def test_a_report_without_a_category_gets_the_model_s_first(
    cast: Cast, on: None, make_report: MakeReport
) -> None:
    report = _power_cut(make_report, category=None)

    assert triage_auto_dispose() == 1

    report = Report.objects.select_related("category").get(pk=report.pk)
    assert report.category is not None and report.category.code == "listrik.pemadaman"
    classify = report.events.get(action=Action.CLASSIFY)
    assert classify.actor_role == "system" and "Kategori" in classify.body
    assert report.state == State.DISPOSITIONED


def test_what_the_citizen_and_the_model_disagree_on_is_left_to_people(
    on: None, make_report: MakeReport
) -> None:
    report = _power_cut(make_report, category="infrastruktur.jalan")

    assert triage_auto_dispose() == 0
    assert triage_auto_dispose() == 0  # weighed once per model version

    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED
    records = SuggestionRecord.objects.filter(report=report, kind=Kind.AGENCY)
    assert records.count() == 1 and not records.get().automatic


def test_a_bounced_report_is_left_to_people(cast: Cast, on: None, make_report: MakeReport) -> None:
    report = _power_cut(make_report, category="listrik.pemadaman")
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    services.report_bounce(actor=cast.agency_admin, report=report, reason="Ini urusan PLN.")

    assert triage_auto_dispose() == 0
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_below_the_high_confidence_nothing_happens(
    on: None, make_report: MakeReport, settings: Any
) -> None:
    settings.TRIAGE_AUTO_DISPOSE_CONFIDENCE = 0.999
    report = _power_cut(make_report, category="listrik.pemadaman")

    assert triage_auto_dispose() == 0
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_a_report_without_a_place_waits_for_people(on: None, make_report: MakeReport) -> None:
    # The SMS gave no region and the text names none: nothing is certain.
    report = _power_cut(make_report, category=None, location=None, channel=Channel.SMS)

    assert triage_auto_dispose() == 0
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_the_timeline_shows_the_automatic_step(
    cast: Cast, on: None, make_report: MakeReport
) -> None:
    report = _power_cut(make_report, category="listrik.pemadaman")
    job = next(job for job in JOBS if job.name == "triage automatic disposition")
    assert job.run(report.submitted_at, lambda: False) == 1
    version = TriageModel.objects.get(kind=Kind.AGENCY, is_active=True).version

    assert cast.national.user is not None
    page = verified_client(cast.national.user).get(f"/kantor/laporan/{report.tracking_number}")

    html = page.content.decode()
    assert "Disposisi otomatis oleh triase" in html and version in html


def test_the_system_may_dispose_only_what_waits_for_it(
    cast: Cast, on: None, make_report: MakeReport
) -> None:
    # An integration is not the system: it can never dispose.
    report = _power_cut(make_report, category="listrik.pemadaman")
    pln = Agency.objects.get(code="pln")

    with pytest.raises((NotPermitted, NotFound)):
        services.report_dispose(actor=Actor.integration(pln.pk), report=report, agency_id=pln.pk)
