"""Benchmark: the statistics (issue 9) at national scale.

Targets, with 1,000,000 reports on PostgreSQL: every statistics and ranking page
p95 ≤ 100 ms; a roll-up update costs a constant amount of work per change,
independent of the size of the tables; `rebuild_stats` for 1,000,000 reports in
under 5 minutes.

Seeds the bench database (DATABASE_URL, default an SQLite file under var/bench/)
with the demo data up to --reports reports (seed_demo ends with a rebuild), then:

1. times `rebuild_stats` again, alone;
2. queues --changes random reports and times the worker's job bringing the
   roll-ups up to date, counting its queries per report;
3. serves the app under granian (production mode, 2 WSGI workers) and times the
   public statistics pages, the staff dashboards and the statistics API with
   sequential requests over one keep-alive connection.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_stats \\
        .venv/bin/python bench/stats.py --reports 1000000
"""

import argparse
import os
import subprocess
import time

from harness import (
    MANAGE,
    ROOT,
    VAR,
    as_production,
    bench_database,
    manage,
    served,
    sessions,
    timed,
)

# The statistics pages (HTML), as a visitor opens them.
PAGES = [
    "/statistik?tahun=2025",
    "/statistik?tahun=2025&triwulan=2",
    "/statistik?mulai=2025-03-10&sampai=2025-09-20",
    "/statistik/wilayah/32?tahun=2025",
    "/statistik/wilayah/32.74?tahun=2020",
    "/statistik/instansi/pemda-32-74?tahun=2020",
    "/statistik/instansi/pemda-32?tahun=2025",
    "/statistik/peringkat?tahun=2025",
    "/statistik/peringkat?papan=local&provinsi=32&tahun=2020",
    "/statistik/peringkat?papan=central&tahun=2025",
    "/statistik/instansi/pemda-32-74/rapor/2020",
    "/statistik/metodologi",
]
# The staff dashboards, with the account that opens each (demo accounts).
DASHBOARDS = [
    ("nasional", "/kantor/statistik?tahun=2025"),
    ("admin.kotacirebon", "/kantor/statistik?tahun=2020"),
    ("pupr.kotacirebon", "/kantor/statistik?tahun=2025"),
    ("pengawas.jabar", "/kantor/statistik?tahun=2025"),
]

# The statistics API.
URLS = [
    "/api/v1/stats/rankings?region=32&year=2020",
    "/api/v1/stats/rankings?region=32&year=2025",
    "/api/v1/stats/rankings?region=35&year=2025&quarter=2",
    "/api/v1/stats/rankings?board=provinces&year=2025",
    "/api/v1/stats/rankings?board=central&year=2025",
    "/api/v1/stats/rankings?region=32&start=2025-03-10&end=2025-09-20",
    "/api/v1/stats/metrics?year=2025",
    "/api/v1/stats/metrics?year=2025&region=32",
    "/api/v1/stats/metrics?year=2025&region=32.74",
    "/api/v1/stats/metrics?agency=pemda-32-74&year=2020",
    "/api/v1/stats/metrics?agency=pemda-32-74&start=2021-01-01&end=2025-12-31",
    "/api/v1/stats/metrics?start=2020-01-01&end=2026-11-30",
]

# Run inside the app: queues CHANGES random reports, then times the worker's job
# until the queue is empty, counting its queries.
INCREMENTAL = """
import random, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from aduan.reports.models import Report
from aduan.stats.models import Contribution, Pending, Rollup
from aduan.stats.services import stats_queue, stats_update_due

ids = list(Report.objects.values_list("pk", flat=True))
chosen = random.Random(1708).sample(ids, min(CHANGES, len(ids)))
for report_id in chosen:
    stats_queue(report_id=report_id)
started = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    done = 0
    while True:
        worked = stats_update_due(limit=BATCH)
        if not worked:
            break
        done += worked
seconds = time.perf_counter() - started
print(f"bench: reports {len(ids)} rollup_rows {Rollup.objects.count()} "
      f"contributions {Contribution.objects.count()}")
print(f"bench: changes {done} seconds {seconds:.2f} per_change_ms {1000 * seconds / done:.2f} "
      f"queries {len(queries)} batch {BATCH}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-rebuild", action="store_true")
    args = parser.parse_args()
    url = bench_database("stats.sqlite3")
    env = {**os.environ, "DATABASE_URL": url, "ADUAN_MODE": "demo"}
    env |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning"}
    manage("migrate", "-v0", env=env)
    manage("load_reference_data", "--no-progress", env=env)
    manage("seed_demo", "--reports", str(args.reports), "--no-progress", "--no-stats", env=env)
    if url.startswith("postgres"):
        vacuum = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
        manage("shell", "-c", vacuum, env=env)

    # The seed leaves the statistics out: rebuild them (timed) unless asked not to,
    # when they must be there already from an earlier run.
    if not args.skip_rebuild:
        started = time.perf_counter()
        manage("rebuild_stats", "--no-progress", env=env)
        print(f"rebuild_stats: {time.perf_counter() - started:.1f} s")

    code = f"CHANGES = {args.changes}\nBATCH = {args.batch}\n{INCREMENTAL}"
    subprocess.run([*MANAGE, "shell", "-c", code], env=env, check=True, cwd=ROOT)

    production = as_production(env)
    signed_in = sessions(env, sorted({user for user, _page in DASHBOARDS}))
    with served(production) as conn:
        print(f"database: {url.split('://')[0]}, {args.reports:,} reports")
        worst = timed(conn, PAGES, requests=args.requests, warmup=10, headers={})
        for user, page in DASHBOARDS:
            print(f"signed in as {user}:")
            cookie = {"Cookie": f"sessionid={signed_in[user]}"}
            worst = max(
                worst, timed(conn, [page], requests=args.requests, warmup=10, headers=cookie)
            )
        worst = max(worst, timed(conn, URLS, requests=args.requests, warmup=10))
        print(f"worst p95 over all pages and calls: {worst:.1f} ms")


if __name__ == "__main__":
    main()
