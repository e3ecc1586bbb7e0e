"""Triage learns from the verified history (issue 20, Build 1): the final category
and the final agency after bounces and re-dispositions, a bounce as a negative
example; trained, checked on a time split, versioned, one active version per kind;
too little history stores nothing and says so."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from aduan.agencies.models import Agency
from aduan.core.worker import JOBS
from aduan.lib.errors import InvalidInput
from aduan.reports import services
from aduan.reports.models import Channel
from aduan.reports.policy import Actor
from aduan.triage.classifier import TextClassifier
from aduan.triage.models import Kind, TriageModel
from aduan.triage.services import triage_due, triage_train
from aduan.triage.training import (
    LOCAL_PROVINCE,
    LOCAL_REGENCY,
    agency_code_for_label,
    category_word,
    history_examples,
)
from tests.reports.conftest import Cast, MakeReport, cast, make_report
from tests.triage.history import START, history_make

__all__ = ["cast", "make_report"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def few(settings: Any) -> None:
    settings.TRIAGE_MIN_REPORTS = 20


def test_the_final_category_is_the_one_verification_left(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report(category="infrastruktur.drainase")
    services.report_classify(actor=cast.national, report=report, category="infrastruktur.jalan")
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    waiting = make_report(title="Belum diverifikasi")  # not verified: teaches nothing

    examples = history_examples(target="category")

    assert examples.labels == ["infrastruktur.jalan"]
    assert examples.report_ids == [report.pk] and waiting.pk not in examples.report_ids
    assert examples.texts == [f"{report.title}\n{report.body}"]
    assert examples.times == [report.submitted_at]


def test_the_final_agency_is_after_bounces_and_the_bounce_is_a_negative(
    cast: Cast, make_report: MakeReport
) -> None:
    pln = Agency.objects.get(code="pln")
    # Disposed to PLN, bounced, then to Kota Cirebon's government: final is the city's.
    moved = make_report()
    services.report_dispose(actor=cast.national, report=moved, agency_id=pln.pk)
    services.report_bounce(actor=Actor.integration(pln.pk), report=moved, reason="Bukan PLN.")
    services.report_dispose(actor=cast.national, report=moved, agency_id=cast.kota.pk)
    # Bounced and not yet disposed again: no final agency, still a negative.
    stuck = make_report(title="Masih dikembalikan")
    services.report_dispose(actor=cast.national, report=stuck, agency_id=cast.kota.pk)
    services.report_bounce(actor=cast.agency_admin, report=stuck, reason="Bukan wewenang kami.")

    examples = history_examples(target="agency")

    # The city's own government is learned relative to the report's place.
    assert examples.report_ids == [moved.pk]
    assert examples.labels == [LOCAL_REGENCY]
    assert sorted(label for _text, label in examples.negatives) == [LOCAL_REGENCY, "pln"]
    assert len(examples.negative_times) == 2
    # The agency reads the category too, as one made-up word.
    assert examples.texts[0].endswith(category_word("infrastruktur.jalan"))


def test_a_relative_class_reads_back_with_the_report_s_place() -> None:
    assert agency_code_for_label(LOCAL_REGENCY, "32.74.01.1001") == "pemda-32-74"
    assert agency_code_for_label(LOCAL_PROVINCE, "32.74.01") == "pemda-32"
    assert agency_code_for_label(LOCAL_REGENCY, None) is None
    assert agency_code_for_label(LOCAL_REGENCY, "32") is None
    assert agency_code_for_label("pln", None) == "pln"
    assert category_word("kesehatan.bpjs").isalpha()


def test_too_little_history_stores_nothing_and_says_so(cast: Cast) -> None:
    history_make(cast, per_topic=2)

    results = triage_train()

    assert [result.model for result in results] == [None, None]
    assert "tidak dilatih" in results[0].message and "200" in results[0].message
    assert not TriageModel.objects.exists()


def test_a_single_class_is_not_enough(cast: Cast, make_report: MakeReport, settings: Any) -> None:
    settings.TRIAGE_MIN_REPORTS = 2
    for _ in range(3):
        report = make_report()
        services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)

    results = triage_train(kinds=[Kind.CATEGORY])

    assert results[0].model is None and "dua kelas" in results[0].message


def test_training_stores_a_checked_version_and_makes_it_active(cast: Cast, few: None) -> None:
    history_make(cast, per_topic=12)

    category, agency = triage_train()

    assert category.model is not None and agency.model is not None
    stored = TriageModel.objects.get(kind=Kind.CATEGORY)
    assert stored.is_active and stored.report_count == 36 and stored.label_count == 3
    assert stored.version == category.model.version
    assert stored.history_until == START + timedelta(days=35)
    # Checked on the latest 20% after training on the earliest 80%.
    assert stored.check_count == 8
    assert stored.check_accuracy is not None and stored.check_accuracy >= 0.75
    assert stored.check_top3_accuracy == 1.0
    loaded = TextClassifier.from_bytes(bytes(stored.data))
    assert loaded.version == stored.version
    assert loaded.top("Listrik padam lagi semalaman")[0].label == "listrik.pemadaman"
    labels = set(TextClassifier.from_bytes(bytes(agency.model.data)).labels)
    assert labels == {LOCAL_REGENCY, "bpjs_kesehatan", "pln"}
    assert "aktif" in category.message and "akurasi" in category.message


def test_a_new_version_replaces_the_active_one(
    cast: Cast, few: None, make_report: MakeReport
) -> None:
    history_make(cast, per_topic=8)
    (first,) = triage_train(kinds=[Kind.CATEGORY])
    history_make(cast, per_topic=4, seed=2)

    (second,) = triage_train(kinds=[Kind.CATEGORY])

    assert first.model is not None and second.model is not None
    assert first.model.version != second.model.version
    active = TriageModel.objects.filter(kind=Kind.CATEGORY, is_active=True)
    assert list(active.values_list("version", flat=True)) == [second.model.version]
    assert TriageModel.objects.filter(kind=Kind.CATEGORY).count() == 2
    # The same history again: the same version, made active again, not a copy.
    (again,) = triage_train(kinds=[Kind.CATEGORY])
    assert again.model is not None and again.model.pk == second.model.pk
    # The database itself keeps one active version per kind.
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageModel.objects.filter(pk=first.model.pk).update(is_active=True)


def test_the_command_trains_and_prints_what_it_did(cast: Cast, few: None) -> None:
    history_make(cast, per_topic=8)
    out = StringIO()

    call_command("triage_train", "--no-progress", "--kind", "category", stdout=out)

    assert "Model kategori versi" in out.getvalue()
    assert TriageModel.objects.filter(kind=Kind.CATEGORY, is_active=True).count() == 1
    assert not TriageModel.objects.filter(kind=Kind.AGENCY).exists()


def test_the_worker_trains_when_due(cast: Cast, few: None, settings: Any) -> None:
    job = next(job for job in JOBS if job.name == "triage training")
    stop = lambda: False  # noqa: E731
    assert job.run(START, stop) == 0  # no history at all: nothing to learn
    history_make(cast, per_topic=8)
    now = START + timedelta(days=40)
    assert triage_due(now=now)

    assert job.run(now, stop) == 2

    # Fresh: not due until ADUAN_TRIAGE_TRAIN_HOURS have passed and history came.
    assert not triage_due(now=now + timedelta(hours=23))
    assert not triage_due(now=now + timedelta(hours=25))  # nothing new since
    history_make(cast, per_topic=1, seed=3, start=now + timedelta(hours=1))
    assert not triage_due(now=now + timedelta(hours=23))
    assert triage_due(now=now + timedelta(hours=25))
    settings.TRIAGE_TRAIN_HOURS = 0
    assert not triage_due(now=now + timedelta(days=30))


def test_an_unknown_kind_is_refused(cast: Cast) -> None:
    with pytest.raises(InvalidInput):
        triage_train(kinds=["unit"])


def test_history_reads_only_what_happened_until(cast: Cast, make_report: MakeReport) -> None:
    report = make_report(now=START, channel=Channel.WEB)
    services.report_dispose(
        actor=cast.national, report=report, agency_id=cast.kota.pk, now=START + timedelta(days=1)
    )
    assert history_examples(target="category", until=START).report_ids == []
    assert history_examples(target="category", until=START + timedelta(days=2)).report_ids == [
        report.pk
    ]


def test_only_the_latest_reports_when_asked(cast: Cast, make_report: MakeReport) -> None:
    pln = Agency.objects.get(code="pln")
    made = []
    for day in range(3):
        report = make_report(now=START + timedelta(days=day), title=f"Laporan {day}")
        services.report_dispose(
            actor=cast.national, report=report, agency_id=pln.pk, now=START + timedelta(days=day)
        )
        services.report_bounce(
            actor=Actor.integration(pln.pk),
            report=report,
            reason="Bukan PLN.",
            now=START + timedelta(days=day, hours=1),
        )
        services.report_dispose(
            actor=cast.national,
            report=report,
            agency_id=cast.kota.pk,
            now=START + timedelta(days=day, hours=2),
        )
        made.append(report)

    examples = history_examples(target="agency", latest=2)

    assert examples.report_ids == [made[1].pk, made[2].pk]
    assert examples.labels == [LOCAL_REGENCY, LOCAL_REGENCY]
    # The bounces of the reports kept, not of the one left out.
    assert examples.negative_times == [made[1].submitted_at, made[2].submitted_at]
    assert len(history_examples(target="agency", latest=5)) == 3


def test_the_command_learns_from_the_latest_reports(cast: Cast, few: None) -> None:
    history_make(cast, per_topic=12)

    call_command("triage_train", "--no-progress", "--kind", "category", "--latest", "24")

    assert TriageModel.objects.get(kind=Kind.CATEGORY, is_active=True).report_count == 24
    with pytest.raises(CommandError, match="--latest"):
        call_command("triage_train", "--no-progress", "--latest", "0")
