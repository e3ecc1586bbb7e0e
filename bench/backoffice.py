"""Benchmark: server time of the back office's list pages (/kantor/) as staff.

Target: p95 ≤ 100 ms per page with 1,000,000 reports on PostgreSQL. Seeds the bench
database (DATABASE_URL, default an SQLite file under var/bench/) with the demo data
set up to --reports reports (on PostgreSQL then VACUUM ANALYZE), signs the demo
staff accounts in past the second factor, then serves the app under granian
(production mode, 2 WSGI workers) and times each page with sequential requests over
one keep-alive connection, each page as the staff member whose list it is. A page
that answers anything but 200 stops the run with an error.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_backoffice \
        .venv/bin/python bench/backoffice.py --reports 1000000
    .venv/bin/python bench/backoffice.py [--reports 100000] [--as nasional]
"""

import argparse
import os
import urllib.parse

from harness import (
    VAR,
    as_production,
    bench_database,
    bench_values,
    manage,
    served,
    sessions,
    timed,
)

# The demo staff accounts (seed_demo): the national admin, the admin of Pemerintah
# Kota Cirebon, the liaison of its Dinas PUPR, the supervisor for Jawa Barat.
NATIONAL = "nasional"
AGENCY_ADMIN = "admin.kotacirebon"
LIAISON = "pupr.kotacirebon"
SUPERVISOR = "pengawas.jabar"
# Kota Cirebon has only a handful of open reports: the bench adds an admin of the
# agency with the most reports to handle, for a full inbox.
BUSY_ADMIN = "bench.sibuk"
STAFF = (NATIONAL, AGENCY_ADMIN, LIAISON, SUPERVISOR, BUSY_ADMIN)

SEARCH = urllib.parse.quote("jalan rusak")

# The pages timed, each with the account that opens it. `{category}` is a parent
# category with reports waiting for verification, `{case}` a report in that queue.
PAGES: list[tuple[str, str]] = [
    (NATIONAL, "/kantor/verifikasi"),
    (NATIONAL, "/kantor/verifikasi?urut=terbaru"),
    (NATIONAL, "/kantor/verifikasi?wilayah=32"),
    (NATIONAL, f"/kantor/verifikasi?q={SEARCH}"),
    (NATIONAL, "/kantor/verifikasi?kategori={category}"),
    (NATIONAL, "/kantor/verifikasi?terlambat=on"),
    (NATIONAL, "/kantor/verifikasi?halaman=50"),
    (NATIONAL, "/kantor/dikembalikan"),
    (NATIONAL, "/kantor/laporan/{case}"),
    (AGENCY_ADMIN, "/kantor/kotak-masuk"),
    (AGENCY_ADMIN, "/kantor/kotak-masuk?urut=terbaru"),
    (AGENCY_ADMIN, "/kantor/kotak-masuk?q=jalan"),
    (AGENCY_ADMIN, "/kantor/terlambat"),
    (LIAISON, "/kantor/kotak-masuk"),
    (SUPERVISOR, "/kantor/terlambat"),
    (SUPERVISOR, "/kantor/eskalasi"),
    (BUSY_ADMIN, "/kantor/kotak-masuk"),
    (BUSY_ADMIN, "/kantor/kotak-masuk?urut=terbaru"),
    (BUSY_ADMIN, "/kantor/terlambat"),
]

# Run inside the app (demo mode). On PostgreSQL: VACUUM ANALYZE, as autovacuum keeps
# a live database (counts then read the index alone). Then BUSY_ADMIN is made admin
# of the agency with the most reports to handle. Prints "bench: name value" lines: a
# parent category and a report of the verification queue.
PREPARE = """
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from aduan.backoffice.selectors import HANDLING_STATES, CaseFilters, report_list_verification
from aduan.reports.models import Report, State
from aduan.reports.policy import Actor

if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

handled = Report.objects.filter(state__in=HANDLING_STATES, agency__isnull=False)
busiest = handled.values("agency_id").annotate(n=Count("id")).order_by("-n")[0]
users = get_user_model().objects
users.update_or_create(
    username=BUSY_ADMIN, defaults={"role": "agency_admin", "agency_id": busiest["agency_id"]}
)

waiting = Report.objects.filter(state=State.SUBMITTED, category__parent__isnull=False)
parents = waiting.values("category__parent__code").annotate(n=Count("id")).order_by("-n")
print("bench: category", parents[0]["category__parent__code"])
queue = report_list_verification(
    actor=Actor.for_user(users.get(username="nasional")), filters=CaseFilters()
)
print("bench: case", queue.values_list("tracking_number", flat=True)[0])
"""


def prepare(env: dict[str, str]) -> dict[str, str]:
    """The sessions by username, and `category` and `case` for the page table."""
    values = bench_values(env, f"BUSY_ADMIN = {BUSY_ADMIN!r}\n{PREPARE}")
    return {**values, **sessions(env, STAFF)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per URL.")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--as",
        dest="users",
        action="append",
        choices=STAFF,
        help="Time only this account's pages (repeatable); all by default.",
    )
    args = parser.parse_args()

    database = bench_database("backoffice.sqlite3")
    demo = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo"}
    demo |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning"}
    manage("migrate", "-v0", env=demo)
    manage("load_reference_data", "--no-progress", env=demo)
    manage("seed_demo", "--reports", str(args.reports), "--no-progress", env=demo)
    prepared = prepare(demo)

    env = as_production(demo)
    users = args.users or list(STAFF)
    with served(env) as conn:
        print(f"database: {database.split('://')[0]}, {args.reports:,} reports")
        print(f"{args.requests} sequential requests per URL")
        worst = 0.0
        for user in users:
            urls = [url.format(**prepared) for owner, url in PAGES if owner == user]
            print(f"signed in as {user}:")
            cookie = {"Cookie": f"sessionid={prepared[user]}"}
            p95 = timed(conn, urls, requests=args.requests, warmup=args.warmup, headers=cookie)
            worst = max(worst, p95)
        print(f"worst p95 over all pages: {worst:.1f} ms")


if __name__ == "__main__":
    main()
