"""Benchmark: the report lifecycle services in one process.

- report_create throughput (target: at least 1,000 reports/s on PostgreSQL);
- full lifecycles — create, dispose, follow-up, final follow-up, close with a
  rating — per second (target: at least 200/s).

Runs against DATABASE_URL (default: PostgreSQL database aduan_bench on this machine,
created when missing), migrated and with reference data loaded.

    .venv/bin/python bench/lifecycle.py [--reports 3000] [--lifecycles 1000] [--profile]
"""

import argparse
import cProfile
import multiprocessing
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aduan_bench")
os.environ.setdefault("ADUAN_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("LOG_LEVEL", "warning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--lifecycles", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="Print where the time goes.")
    parser.add_argument(
        "--processes", type=int, default=1, help="Also run lifecycles in N processes at once."
    )
    args = parser.parse_args()

    from harness import bench_database

    database = bench_database("lifecycle.sqlite3")
    os.environ["DATABASE_URL"] = database

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", no_progress=True, verbosity=0)

    from aduan.accounts.models import User
    from aduan.agencies.models import Agency
    from aduan.reporters.services import reporter_for_user
    from aduan.reports import services
    from aduan.reports.policy import Actor

    def user(username: str, role: str, agency: Agency | None = None) -> User:
        found, _ = User.objects.update_or_create(
            username=username, defaults={"role": role, "agency": agency}
        )
        return found

    kota = Agency.objects.get(code="pemda-32-74")
    unit = kota.units.get(code="pupr")
    national = Actor.for_user(
        user("bench.nasional", "national_admin", Agency.objects.get(code="nasional"))
    )
    admin = Actor.for_user(user("bench.kota", "agency_admin", kota))
    citizen_user = user("bench.warga", "citizen")
    reporter = reporter_for_user(user=citizen_user)
    citizen = Actor.for_user(User.objects.get(pk=citizen_user.pk))
    location = services.Location(region="32.74.01")

    def create() -> object:
        return services.report_create(
            actor=citizen,
            reporter=reporter,
            type="complaint",
            title="Jalan berlubang",
            body="Lubang besar di depan pasar.",
            channel="web",
            category="infrastruktur.jalan",
            location=location,
        )

    def lifecycle() -> None:
        report = create()
        services.report_dispose(actor=national, report=report, agency_id=kota.pk, unit_id=unit.pk)  # type: ignore[arg-type]
        services.report_follow_up(actor=admin, report=report, text="Sedang dikerjakan.")  # type: ignore[arg-type]
        services.report_answer(actor=admin, report=report, text="Sudah ditambal.")  # type: ignore[arg-type]
        services.report_confirm(actor=citizen, report=report, rating=5)  # type: ignore[arg-type]

    for _ in range(50):  # warm caches (holiday sets, policies, connections)
        lifecycle()
    print(f"database: {database.split('://')[0]}")
    for name, work, count in (
        ("report_create", create, args.reports),
        ("full lifecycle", lifecycle, args.lifecycles),
    ):
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        for _ in range(count):
            work()
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
        print(
            f"{name:<16} {count:>6} in {elapsed:6.2f} s = {count / elapsed:8.1f} /s  "
            f"({elapsed / count * 1000:.2f} ms each)"
        )
    if args.processes > 1:
        parallel(lifecycle, args.lifecycles, args.processes)


def parallel(work: Callable[[], object], count: int, processes: int) -> None:
    """The same work in several processes at once, each with its own connection
    (forked, so the closure needs no pickling)."""
    from django.db import connections

    connections.close_all()
    each = count // processes
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_repeat, args=(work, each)) for _ in range(processes)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    total = each * processes
    print(
        f"full lifecycle   {total:>6} in {elapsed:6.2f} s = {total / elapsed:8.1f} /s  "
        f"({processes} processes)"
    )


def _repeat(work: Callable[[], object], count: int) -> None:
    for _ in range(count):
        work()


if __name__ == "__main__":
    main()
