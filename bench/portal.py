"""Benchmark: server time of the citizen portal's pages with 100,000 demo reports.

Seeds the bench database (DATABASE_URL, default an SQLite file under var/bench/)
with the demo data set up to --reports reports, gives the demo citizen `warga` a few
reports of its own, then serves the app under granian (production mode, 2 WSGI
workers) and times each page with sequential requests over one keep-alive
connection: the public pages as a visitor, the rest signed in as `warga`.

    .venv/bin/python bench/portal.py [--reports 100000] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_portal \
        .venv/bin/python bench/portal.py
"""

import argparse
import os
import subprocess
import urllib.parse

from harness import MANAGE, ROOT, VAR, as_production, bench_database, manage, served, timed

# Run inside the app (demo mode): a signed-in session for `warga` with reports of its
# own, and numbers of reports to open. Prints "session number number".
PREPARE = """
from django.contrib.auth import get_user_model
from django.test import Client
from aduan.reporters.services import reporter_for_user
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.reports.selectors import report_list_public

user = get_user_model().objects.get(username="warga")
reporter = reporter_for_user(user=user)
actor = Actor.for_user(user)
mine = Report.objects.filter(reporter=reporter)
for n in range(20 - mine.count()):
    services.report_create(
        actor=actor, reporter=reporter, type="complaint", channel="web",
        title=f"Lampu jalan mati di gang {n}", body="Sudah seminggu lampu jalan mati.",
        category="infrastruktur", location=services.Location(region="32.74.01.1001"),
    )
client = Client()
client.force_login(user)
public = report_list_public().order_by("-submitted_at").values_list("tracking_number", flat=True)
print(client.cookies["sessionid"].value, public[0], mine.first().tracking_number)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per URL.")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    database = bench_database("portal.sqlite3")
    demo = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo"}
    demo |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning"}
    manage("migrate", "-v0", env=demo)
    manage("load_reference_data", "--no-progress", env=demo)
    manage("seed_demo", "--reports", str(args.reports), env=demo)
    prepared = subprocess.run(
        [*MANAGE, "shell", "-c", PREPARE],
        env=demo,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    session, public_number, own_number = prepared[-3:]

    env = as_production(demo)
    search = urllib.parse.quote("jalan rusak")
    public_urls = [
        "/",
        "/jelajah",
        "/jelajah?provinsi=32",
        "/jelajah?provinsi=32&kota=32.74",
        "/jelajah?kategori=infrastruktur&status=closed",
        f"/jelajah?q={search}",
        f"/jelajah?provinsi=32&q={search}",
        f"/laporan/{public_number}",
        "/lacak",
    ]
    own_urls = ["/lapor", "/laporan-saya", f"/laporan/{own_number}"]
    with served(env) as conn:
        print(f"database: {database.split('://')[0]}, {args.reports:,} reports")
        print(f"{args.requests} sequential requests per URL; as a visitor:")
        worst = timed(conn, public_urls, requests=args.requests, warmup=args.warmup, headers={})
        print("signed in as the demo citizen:")
        cookie = {"Cookie": f"sessionid={session}"}
        worst = max(
            worst,
            timed(conn, own_urls, requests=args.requests, warmup=args.warmup, headers=cookie),
        )
        print(f"worst p95 over all pages: {worst:.1f} ms")


if __name__ == "__main__":
    main()
