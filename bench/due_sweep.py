"""Benchmark: the due-report sweep with 1,000,000 reports in PostgreSQL.

Target (the issue): with 1,000,000 reports in the database, the sweep finds the due
ones in under 50 ms. Creates the database `aduan_bench_sweep` when missing, migrates
it, loads the reference data and seeds the demo reports (timed; skipped when they
are there already), runs VACUUM ANALYZE, then times
`aduan.reports.selectors.reports_due(now=…, limit=1000)` evaluated with list(),
at now and at now + 3 days, and prints p50/p95, the plan and the open reports.

    .venv/bin/python bench/due_sweep.py [--reports 1000000] [--database aduan_bench_sweep]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from harness import percentile

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


def database_create(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres".replace("postgres://", "postgresql://", 1)) as conn:
        conn.autocommit = True
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict[str, str], reports: int) -> float | None:
    """Migrated, reference data loaded, reports seeded; the seconds the seeding took,
    None when the reports were there already."""
    manage = [sys.executable, "-m", "aduan"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_reference_data", "--no-progress"], env=env, check=True, cwd=ROOT)
    from aduan.reports.models import Report

    if Report.objects.count() >= reports:
        return None
    started = time.monotonic()
    subprocess.run(
        [*manage, "seed_demo", "--reports", str(reports), "--no-progress"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    return time.monotonic() - started


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def sweep_times(runs: int, shift: timedelta) -> tuple[list[float], int]:
    from django.utils import timezone

    from aduan.reports.selectors import reports_due

    timings, found = [], 0
    for _ in range(runs):
        now = timezone.now() + shift
        started = time.perf_counter()
        found = len(list(reports_due(now=now, limit=1000)))
        timings.append((time.perf_counter() - started) * 1000)
    return timings, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--database", default="aduan_bench_sweep")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    var = ROOT / "var" / "bench" / "due_sweep"
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{args.database}",
        "ADUAN_MODE": "demo",
        "ADUAN_VAR_DIR": str(var),  # the demo secrets are generated and kept here
        "DEBUG": "false",
        "LOG_LEVEL": "warning",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    sys.path.insert(0, str(ROOT))
    database_create(args.database)

    import django

    django.setup()
    from django.db.models import Q
    from django.utils import timezone

    from aduan.reports.models import OPEN_STATES, Report
    from aduan.reports.selectors import reports_due

    seeded = prepare(env, args.reports)
    if seeded is None:
        print(f"{args.reports:,} reports were there already")
    else:
        print(f"seed_demo --reports {args.reports:,}: {seeded:.0f} s")
    vacuum_analyze()

    total = Report.objects.count()
    open_reports = Report.objects.filter(state__in=OPEN_STATES).count()
    print(f"reports {total:,}, open {open_reports:,}")
    for label, shift in (("now", timedelta()), ("now + 3 days", timedelta(days=3))):
        sweep_times(5, shift)  # warm the cache as a worker that runs all day has it
        timings, found = sweep_times(args.runs, shift)
        due = Report.objects.filter(Q(deadline_at__lte=timezone.now() + shift)).count()
        print(
            f"reports_due({label}, limit=1000): {found} returned of {due:,} due; "
            f"p50 {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms"
        )
    plan = reports_due(now=timezone.now() + timedelta(days=3), limit=1000).explain(analyze=True)
    print(plan)
    if "report_due" not in plan:
        sys.exit("the plan does not use the partial index report_due")


if __name__ == "__main__":
    main()
