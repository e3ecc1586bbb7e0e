"""Benchmark: the duplicate finder (aduan/triage/duplicates.py) on the demo history.

Seeds the bench database (DATABASE_URL, default var/bench/duplicates.sqlite3) with
the demo data up to --reports reports (3% of the demo's reports are a case already
filed, merged at verification: archived as a duplicate with ``duplicate_of``), then,
in this process, splits the merged duplicates by time — the earliest 80% to fit, the
latest 20% to measure — and:

1. for each merged duplicate of the measured part, asks the finder what the
   national admin's case page shows (score ≥ the shown threshold, at most 5) and
   whether its original is among them (recall), and counts the wrong ones;
2. for a sample of reports of the same months that are no duplicate, counts what
   the page would show them (all wrong), scaled up to the history's mix of
   duplicates and others; precision = right shown / all shown;
3. reads the labelled pairs the admins made (merges, "bukan duplikat") and gives
   the precision at the threshold from them;
4. times the finder per report in process (p50, p95);
5. with --fit, fits the score's weights by logistic regression on the candidates of
   the fitting part (label: the candidate is the report's original) and prints
   them, to be copied into duplicates.py's WEIGHTS and BIAS.

    .venv/bin/python bench/duplicates.py [--reports 100000] [--others 2000] [--fit]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_duplicates \\
        .venv/bin/python bench/duplicates.py
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from harness import VAR, bench_database, manage, percentile

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=2000, help="Non-duplicates sampled.")
    parser.add_argument("--fit", action="store_true", help="Fit the weights too.")
    parser.add_argument("--no-seed", action="store_true", help="Use the database as it is.")
    args = parser.parse_args()

    database = bench_database("duplicates.sqlite3")
    env = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo"}
    env |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning"}
    if not args.no_seed:
        manage("migrate", "-v0", env=env)
        manage("load_reference_data", "--no-progress", env=env)
        manage("seed_demo", "--reports", str(args.reports), env=env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    measure(args)


def measure(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.db import connection
    from tqdm import tqdm

    from aduan.reports.models import ArchiveReason, DuplicatePair, Report, State
    from aduan.reports.policy import Actor
    from aduan.triage import duplicates

    national = Actor(role="national_admin")
    shown = settings.TRIAGE_DUPLICATE_MIN_SCORE / 100
    merged = list(
        Report.objects.filter(archive_reason=ArchiveReason.DUPLICATE, duplicate_of__isnull=False)
        .order_by("submitted_at", "pk")
        .only("pk", "title", "body", "region", "category", "latitude", "longitude")
        .only("submitted_at", "duplicate_of", "is_confidential")
    )
    cut = int(len(merged) * 0.8)
    fitting, measured = merged[:cut], merged[cut:]
    start = measured[0].submitted_at if measured else None
    # bench/portal.py files 20 reports of the demo citizen `warga` alike, on purpose:
    # they are the same case, not the demo history's, and are left out both ways.
    bench_made = set(
        Report.objects.filter(reporter__user__username="warga").values_list("pk", flat=True)
    )
    others_all = (
        Report.objects.exclude(state=State.ARCHIVED)
        .exclude(pk__in=bench_made)
        .filter(submitted_at__gte=start)
    )
    total_others = others_all.count()
    rng = random.Random(1708)
    other_ids = list(others_all.values_list("pk", flat=True))
    sample = Report.objects.filter(pk__in=rng.sample(other_ids, min(args.others, len(other_ids))))
    others = list(sample)
    print(f"database: {connection.vendor}, {Report.objects.count():,} reports")
    print(
        f"merged duplicates: {len(merged):,} (fit on the first {len(fitting):,}, "
        f"measured on the last {len(measured):,}, from {start:%Y-%m-%d}); "
        f"{len(others):,} of {total_others:,} other reports of those months sampled"
    )

    if args.fit:
        fit(fitting, rng, national)

    # Every candidate down to score 0, once; each threshold is a cut of them.
    times: list[float] = []
    found_dup: list[tuple[Report, list[duplicates.Candidate]]] = []
    for report in tqdm(measured, desc="duplicates", disable=not sys.stderr.isatty()):
        began = time.perf_counter()
        found = duplicates.duplicate_candidates(actor=national, report=report, min_score=0.0)
        times.append((time.perf_counter() - began) * 1000)
        found_dup.append((report, [c for c in found if c.report.pk not in bench_made]))
    found_other: list[list[duplicates.Candidate]] = []
    for report in tqdm(others, desc="others", disable=not sys.stderr.isatty()):
        began = time.perf_counter()
        found = duplicates.duplicate_candidates(actor=national, report=report, min_score=0.0)
        times.append((time.perf_counter() - began) * 1000)
        found_other.append([c for c in found if c.report.pk not in bench_made])
    scale = total_others / max(1, len(others))

    print(f"\nshown threshold (ADUAN_TRIAGE_DUPLICATE_MIN_SCORE): {shown:.2f}")
    print("| threshold | recall (original shown) | top-1 | precision (mix of the history) |")
    print("|---:|---:|---:|---:|")
    for threshold in sorted({*THRESHOLDS, shown}):
        right = wrong = top1 = 0
        for report, found in found_dup:
            kept = [c for c in found if c.score >= threshold]
            hits = [c for c in kept if c.report.pk == report.duplicate_of_id]
            right += len(hits)
            wrong += len(kept) - len(hits)
            top1 += bool(kept) and kept[0].report.pk == report.duplicate_of_id
        false_alarms = sum(1 for found in found_other for c in found if c.score >= threshold)
        alarms = wrong + false_alarms * scale
        precision = right / (right + alarms) if right + alarms else float("nan")
        mark = " (shown)" if threshold == shown else ""
        print(
            f"| {threshold:.2f}{mark} | {right / len(found_dup):.3f} | "
            f"{top1 / len(found_dup):.3f} | {precision:.3f} |"
        )

    scored = DuplicatePair.objects.filter(score__isnull=False).count()
    at = duplicates.duplicate_precision(threshold=shown)
    print(
        f"\nlabelled pairs with a score: {scored} ({at.merged + at.set_aside} at or above "
        f"the threshold, {at.merged} of them merged)"
        + (f": precision {at.precision:.3f}" if at.precision is not None else "")
    )
    print(
        f"\nfinder per report, in process: p50 {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms ({len(times)} reports)"
    )


def fit(fitting: list[Any], rng: random.Random, national: object) -> None:
    """Logistic regression on every candidate the index finds for the fitting part's
    merged duplicates (1: it is the original) and for as many other reports of the
    same months (all 0), weighted to the history's mix."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    from aduan.reports.models import Report, State
    from aduan.triage import duplicates

    names = list(duplicates.WEIGHTS)
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    first, last = fitting[0].submitted_at, fitting[-1].submitted_at
    period = Report.objects.exclude(state=State.ARCHIVED).filter(
        submitted_at__gte=first, submitted_at__lte=last
    )
    ids = list(period.values_list("pk", flat=True))
    sample = list(Report.objects.filter(pk__in=rng.sample(ids, min(len(fitting), len(ids)))))
    scale = len(ids) / max(1, len(sample))
    for group, weight in ((fitting, 1.0), (sample, scale)):
        for report in group:
            probe = duplicates.Probe.of(report)
            text = f"{report.title} {report.body}"
            mine, terms = duplicates.stems(text), duplicates.terms_of(text)
            found = duplicates.duplicate_candidates(
                actor=national,  # type: ignore[arg-type]
                report=report,
                limit=duplicates.POOL,
                min_score=0.0,
            )
            for candidate in found:
                values = duplicates.features(probe, mine, terms, candidate.report)
                rows.append([values[name] for name in names])
                labels.append(int(candidate.report.pk == report.duplicate_of_id))
                weights.append(weight)
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(np.array(rows), np.array(labels), sample_weight=np.array(weights))
    print(f"fitted on {len(rows):,} candidate pairs ({sum(labels):,} merged):")
    print(f"BIAS = {model.intercept_[0]:.2f}")
    print("WEIGHTS = {")
    for name, value in zip(names, model.coef_[0], strict=True):
        print(f'    "{name}": {value:.2f},')
    print("}")


if __name__ == "__main__":
    main()
