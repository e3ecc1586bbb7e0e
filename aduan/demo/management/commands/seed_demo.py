from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.demo.desk import DESK, demo_desk_create
from aduan.demo.reports import SEED, demo_reports_create
from aduan.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_accounts_create
from aduan.lib.errors import AduanError
from aduan.open311.services import DEMO_KEY, open311_demo_client_ensure
from aduan.stats.services import stats_rebuild

# Accounts only unless asked: `make run` asks for a few thousand reports (`--reports`).
DEFAULT_REPORTS = 0


class Command(BaseCommand):
    help = "Create the demo data set (demo mode only): the demo accounts, then demo reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reports",
            type=int,
            default=DEFAULT_REPORTS,
            help="Top the database up to this many reports (default %(default)s).",
        )
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Same seed, same reports (default %(default)s)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--no-stats",
            action="store_true",
            help="Leave the statistics for a later rebuild_stats (the benchmarks time it alone).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = demo_accounts_create()
        except AduanError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password {DEMO_PASSWORD}):"))
        for account, user in accounts:
            where = f" — {user.unit or user.agency}" if user.agency else ""
            self.stdout.write(f"  {account.username:<20} {user.get_role_display()}{where}")
        self.stdout.write(
            "Staff sign in at /kantor/masuk with a second factor: add the key "
            f"{DEMO_TOTP_SECRET} to an authenticator app (demo only; the key is public)."
        )
        site = settings.SITE_URL
        self.stdout.write(
            "Apps and scripts get a citizen's API token (the reply's `token`, sent as "
            "`Authorization: Bearer …`; documentation at "
            f"{site}/api/v1/docs):\n"
            f"  curl -s -X POST {site}/api/v1/auth/token -H 'Content-Type: application/json' "
            f'-d \'{{"username": "warga", "password": "{DEMO_PASSWORD}"}}\''
        )
        if open311_demo_client_ensure() is not None:
            self.stdout.write(
                f"Open311 clients post reports at /open311/v2/requests.json with "
                f"api_key={DEMO_KEY} (demo only; the key is public)."
            )
        self._reports(
            options["reports"],
            options["seed"],
            progress=not options["no_progress"],
            stats=not options["no_stats"],
        )

    def _reports(self, count: int, seed: int, *, progress: bool, stats: bool) -> None:
        if count < 0:
            raise CommandError("--reports must be 0 or more")
        try:
            created = demo_reports_create(count=count, seed=seed, progress=progress)
        except AduanError as error:
            raise CommandError(str(error.message)) from None
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo reports: {created:,} created."))
        else:
            self.stdout.write(f"Demo reports: the database already holds {count:,} or more.")
        if count and demo_desk_create():
            self.stdout.write(
                self.style.SUCCESS(f"Demo staff's desks: {len(DESK)} reports in Kota Cirebon.")
            )
        if created and stats:
            # The demo's history is written in bulk, past the lifecycle services that
            # queue each change for the statistics: work them all out once.
            stats_rebuild(progress=progress)
