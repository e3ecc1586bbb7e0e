"""Triage's writes: training a new version of each model from the verified history,
keeping what was suggested and by which model, and the automatic disposition (a
deployment setting, off by default)."""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Never

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.metrics import f1_score  # type: ignore[import-untyped]
from tqdm import tqdm

from aduan.lib.errors import InvalidInput
from aduan.regions.models import Region
from aduan.reports import services as reports
from aduan.reports.models import Action, Channel, Report, ReportEvent, State
from aduan.reports.policy import SYSTEM
from aduan.routing.selectors import report_routing_suggest
from aduan.triage.classifier import TextClassifier
from aduan.triage.models import Kind, SuggestionRecord, TriageModel
from aduan.triage.selectors import (
    TriageSuggestion,
    active_model,
    active_models_forget,
    triage_suggest,
)
from aduan.triage.training import Examples, history_examples

logger = logging.getLogger("aduan.triage")

# The check of each new version: trained on the earliest share, tested on the rest.
CHECK_TRAIN_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class Trained:
    """What training one kind did: the stored version, or why none (``message``)."""

    kind: str
    model: TriageModel | None
    message: str


@dataclass(frozen=True, slots=True)
class Check:
    temperature: float
    count: int
    accuracy: float
    top3_accuracy: float
    macro_f1: float


def triage_train(
    *,
    kinds: Sequence[str] = (Kind.CATEGORY, Kind.AGENCY),
    progress: bool = False,
    check: bool = True,
    now: datetime | None = None,
    seed: int = 0,
    latest: int | None = None,
) -> list[Trained]:
    """Trains each kind from the verified history (only the ``latest`` reports
    submitted last, when given), checks it on a time split (``check``), stores the
    new version and makes it the active one. With fewer than
    ``settings.TRIAGE_MIN_REPORTS`` examples or a single class it stores nothing
    and says so: suggestions then come from the routing table alone."""
    now = now or timezone.now()
    results = []
    for kind in kinds:
        if kind not in Kind.values:
            raise InvalidInput(_("Jenis model tidak dikenal."), code="unknown_kind", field="kind")
        results.append(
            _train(kind, progress=progress, check=check, now=now, seed=seed, latest=latest)
        )
    return results


def _train(
    kind: str, *, progress: bool, check: bool, now: datetime, seed: int, latest: int | None
) -> Trained:
    started = time.perf_counter()
    examples = history_examples(target=kind, until=now, latest=latest)
    name = Kind(kind).label
    classes = len(set(examples.labels))
    if len(examples) < settings.TRIAGE_MIN_REPORTS or classes < 2:
        message = _(
            "Model %(kind)s tidak dilatih: riwayat baru %(count)s laporan terverifikasi dengan "
            "%(classes)s kelas (perlu paling sedikit %(minimum)s laporan dan dua kelas). "
            "Saran tetap dari tabel rute."
        ) % {
            "kind": name.lower(),
            "count": len(examples),
            "classes": classes,
            "minimum": settings.TRIAGE_MIN_REPORTS,
        }
        return Trained(kind=kind, model=None, message=message)
    checked = _check(examples, progress=progress, seed=seed) if check else None
    with _bar(progress, _("%(kind)s: melatih") % {"kind": name}) as bar:
        classifier = TextClassifier.fit(
            examples.texts,
            examples.labels,
            negatives=examples.negatives,
            progress=_advance(bar),
            seed=seed,
            temperature=checked.temperature if checked is not None else None,
            processes=settings.TRIAGE_TRAIN_PROCESSES,
        )
    model = _store(kind, classifier, examples, checked, now, time.perf_counter() - started)
    figures = (
        _(
            " Pemeriksaan pada %(count)s laporan terbaru: akurasi %(accuracy)s%%, "
            "3 teratas %(top3)s%%."
        )
        % {
            "count": checked.count,
            "accuracy": round(checked.accuracy * 100, 1),
            "top3": round(checked.top3_accuracy * 100, 1),
        }
        if checked is not None
        else ""
    )
    message = _(
        "Model %(kind)s versi %(version)s aktif: dari %(count)s laporan terverifikasi, "
        "%(classes)s kelas."
    ) % {"kind": name.lower(), "version": model.version, "count": len(examples), "classes": classes}
    return Trained(kind=kind, model=model, message=message + figures)


def _bar(progress: bool, description: str) -> "tqdm[Never]":
    return tqdm(
        total=1, desc=description, unit=" " + _("langkah"), disable=not progress, leave=progress
    )


def _advance(bar: "tqdm[Never]") -> Callable[[int, int], None]:
    def advance(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    return advance


def _check(examples: Examples, *, progress: bool, seed: int) -> Check | None:
    """Trains on the earliest reports and tests on the latest (by submission):
    what the model would have got right on reports it had not seen, and the
    temperature that calibrates its confidences on them, which the model of the
    whole history takes over (one fit each instead of a held-out fit and a refit)."""
    cut = int(len(examples) * CHECK_TRAIN_SHARE)
    train_labels = examples.labels[:cut]
    if cut == 0 or cut == len(examples) or len(set(train_labels)) < 2:
        return None
    until = examples.times[cut - 1]
    negatives = [
        pair
        for pair, when in zip(examples.negatives, examples.negative_times, strict=True)
        if when <= until
    ]
    with _bar(progress, _("%(kind)s: memeriksa") % {"kind": Kind(examples.target).label}) as bar:
        # Uncalibrated: the ranking, which the figures read, does not depend on
        # the temperature; the temperature comes from the latest reports below.
        classifier = TextClassifier.fit(
            examples.texts[:cut],
            train_labels,
            negatives=negatives,
            progress=_advance(bar),
            seed=seed,
            temperature=1.0,
            processes=settings.TRIAGE_TRAIN_PROCESSES,
        )
    truth = examples.labels[cut:]
    tops = classifier.top_many(examples.texts[cut:], k=3, words=False)
    first = [scored[0].label if scored else "" for scored in tops]
    return Check(
        temperature=classifier.temperature_on(examples.texts[cut:], truth),
        count=len(truth),
        accuracy=float(np.mean([a == b for a, b in zip(first, truth, strict=True)])),
        top3_accuracy=float(
            np.mean([b in {s.label for s in scored} for scored, b in zip(tops, truth, strict=True)])
        ),
        macro_f1=float(f1_score(truth, first, average="macro", zero_division=0)),
    )


def _store(
    kind: str,
    classifier: TextClassifier,
    examples: Examples,
    checked: Check | None,
    now: datetime,
    seconds: float,
) -> TriageModel:
    """The new version, active; the one before it stays, inactive. The same history
    gives the same version: then that row becomes active again."""
    fields = {
        "trained_at": now,
        "report_count": len(examples),
        "negative_count": len(examples.negatives),
        "history_until": max(examples.times),
        "label_count": len(classifier.labels),
        "check_count": checked.count if checked else 0,
        "check_accuracy": checked.accuracy if checked else None,
        "check_top3_accuracy": checked.top3_accuracy if checked else None,
        "check_macro_f1": checked.macro_f1 if checked else None,
        "seconds": seconds,
        "data": classifier.to_bytes(),
    }
    with transaction.atomic():
        TriageModel.objects.filter(kind=kind, is_active=True).update(is_active=False)
        model, _created = TriageModel.objects.update_or_create(
            kind=kind, version=classifier.version, defaults={**fields, "is_active": True}
        )
    logger.info("triage: %s model %s active (%.1f s)", kind, model.version, seconds)
    active_models_forget()  # this process (the worker) uses the new version at once
    return model


def triage_due(*, now: datetime | None = None) -> bool:
    """Is a new training due: a model older than ``settings.TRIAGE_TRAIN_HOURS`` (or
    none) and history it has not seen (a disposition, re-disposition or bounce
    since)? Never with ``TRIAGE_TRAIN_HOURS`` 0."""
    if settings.TRIAGE_TRAIN_HOURS == 0:
        return False
    now = now or timezone.now()
    last = TriageModel.objects.order_by("-trained_at").values_list("trained_at", flat=True).first()
    active = TriageModel.objects.filter(is_active=True).values_list("kind", flat=True)
    if any(active_model(kind) is None for kind in active):
        # A version this release cannot use (see active_model): replace it now.
        last = None
    if last is not None and (now - last).total_seconds() < settings.TRIAGE_TRAIN_HOURS * 3600:
        return False
    events = ReportEvent.objects.filter(
        action__in=(Action.DISPOSE, Action.REDISPOSE, Action.BOUNCE)
    )
    if last is not None:
        events = events.filter(created_at__gt=last)
    return events.exists()


# -- what was suggested, by which model -----------------------------------------------------


def triage_suggestion_record(
    *,
    report: Report,
    suggestion: TriageSuggestion,
    automatic: bool = False,
    now: datetime | None = None,
) -> list[SuggestionRecord]:
    """Keeps what was suggested for the report and by which model (or the routing
    table): a new row only when the model or what it says changed since the last
    one, or when the automatic disposition acted on it."""
    now = now or timezone.now()
    written = []
    for kind, items in (
        (Kind.CATEGORY, suggestion.categories),
        (Kind.AGENCY, suggestion.agencies),
    ):
        version = suggestion.record_version(kind)
        suggested = [item.as_json() for item in items]
        if not items and kind == Kind.AGENCY and suggestion.routing is not None:
            suggested = [{"label": suggestion.routing.agency.code, "confidence": None, "words": []}]
        last = (
            SuggestionRecord.objects.filter(report_id=report.pk, kind=kind)
            .order_by("-created_at", "-id")
            .values_list("model_version", "suggested")
            .first()
        )
        if not automatic and last is not None and last == (version, _rounded(suggested)):
            continue
        model_id = (
            suggestion.category_model_id if kind == Kind.CATEGORY else suggestion.agency_model_id
        )
        written.append(
            SuggestionRecord.objects.create(
                report_id=report.pk,
                kind=kind,
                model_id=model_id,
                model_version=version,
                suggested=suggested,
                automatic=automatic,
                created_at=now,
            )
        )
    return written


def _rounded(suggested: list[dict[str, object]]) -> list[dict[str, object]]:
    # As the database gives JSON back: tuples become lists.
    return [{**item, "words": list(item["words"])} for item in suggested]  # type: ignore[call-overload]


# -- the automatic disposition ----------------------------------------------------------------


def triage_train_due(*, now: datetime | None = None) -> int:
    """The worker's job: retrains when the active model is ``TRIAGE_TRAIN_HOURS`` old
    and history came since (too little history stores nothing and is looked at
    again later); how many models it stored."""
    now = now or timezone.now()
    if not triage_due(now=now):
        return 0
    return sum(result.model is not None for result in triage_train(now=now))


def triage_auto_dispose(*, now: datetime | None = None, limit: int = 50) -> int:
    """Disposes, as the system, the reports waiting for verification whose category,
    place and agency are all suggested above ``TRIAGE_AUTO_DISPOSE_CONFIDENCE``; how
    many. Off (the default, ``ADUAN_TRIAGE_AUTO_DISPOSE``): nothing, ever. A report
    an agency already bounced, or whose citizen chose another category than the
    model, is left to people. Each report is weighed once per agency model version."""
    if not settings.TRIAGE_AUTO_DISPOSE:
        return 0
    agency_model = active_model(Kind.AGENCY)
    if agency_model is None or active_model(Kind.CATEGORY) is None:
        return 0
    now = now or timezone.now()
    weighed = SuggestionRecord.objects.filter(
        report_id=OuterRef("pk"), kind=Kind.AGENCY, model_id=agency_model.pk
    )
    seen_by_agency = ReportEvent.objects.filter(report_id=OuterRef("pk"), action=Action.BOUNCE)
    waiting = (
        Report.objects.filter(state=State.SUBMITTED)
        .exclude(Exists(weighed))
        .exclude(Exists(seen_by_agency))
        .select_related("category", "region", "agency_hint")
        .order_by("submitted_at", "pk")[:limit]
    )
    disposed = 0
    for report in list(waiting):
        try:
            disposed += _auto_dispose(report, now)
        except Exception:
            # One report's trouble must not stop the others; people will verify it.
            logger.exception("triage: automatic disposition of report %s failed", report.pk)
            SuggestionRecord.objects.create(
                report_id=report.pk,
                kind=Kind.AGENCY,
                model_id=agency_model.pk,
                model_version=agency_model.version,
                suggested=[],
                created_at=now,
            )
    return disposed


def _auto_dispose(report: Report, now: datetime) -> int:
    suggestion = triage_suggest(actor=SYSTEM, report=report)
    if suggestion is None:
        return 0
    plan = _auto_plan(report, suggestion)
    with transaction.atomic():
        triage_suggestion_record(
            report=report, suggestion=suggestion, automatic=plan is not None, now=now
        )
        if plan is None:
            return 0
        category, region, agency_id = plan
        if category is not None or region is not None:
            reports.report_classify(
                actor=SYSTEM,
                report=report,
                category=category,
                region=region,
                channel=Channel.SYSTEM,
                now=now,
            )
        routing = report_routing_suggest(report=report)
        unit = routing.unit if routing is not None and routing.agency.pk == agency_id else None
        reports.report_dispose(
            actor=SYSTEM,
            report=report,
            agency_id=agency_id,
            unit_id=unit.pk if unit is not None else None,
            channel=Channel.SYSTEM,
            reason=_auto_reason(suggestion),
            now=now,
        )
    return 1


def _auto_plan(
    report: Report, suggestion: TriageSuggestion
) -> tuple[str | None, str | None, int] | None:
    """(category to set, region to set, agency) when everything is confident."""
    sure = settings.TRIAGE_AUTO_DISPOSE_CONFIDENCE
    if not suggestion.categories or not suggestion.agencies:
        return None
    top_category, top_agency = suggestion.categories[0], suggestion.agencies[0]
    if top_category.confidence < sure or top_agency.confidence < sure:
        return None
    if top_agency.agency is None:
        return None
    category: str | None = None
    if report.category is None:
        category = top_category.code
    elif report.category.code != top_category.code:
        return None  # the citizen and the model disagree: a person decides
    region: str | None = None
    if report.region_id is None:
        place = suggestion.place
        if place is None or place.confidence < sure or place.code.count(".") < 1:
            return None
        if not Region.objects.filter(pk=place.code).exists():
            return None
        region = place.code
    return category, region, top_agency.agency.pk


def _auto_reason(suggestion: TriageSuggestion) -> str:
    return _(
        "Disposisi otomatis oleh triase: model instansi %(agency_version)s (keyakinan "
        "%(agency)s%%), model kategori %(category_version)s (keyakinan %(category)s%%)."
    ) % {
        "agency_version": suggestion.agency_version,
        "agency": suggestion.agencies[0].percent,
        "category_version": suggestion.category_version,
        "category": suggestion.categories[0].percent,
    }
