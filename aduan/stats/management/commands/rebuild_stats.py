import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.stats.services import stats_rebuild


class Command(BaseCommand):
    help = (
        "Work the statistics out afresh from every report's timeline (the roll-ups "
        "the worker keeps up to date): after an import, or to check them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="Work the reports out in this many processes, on PostgreSQL "
            "(default: one per core, %(default)s here).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["processes"] < 1:
            raise CommandError("--processes must be 1 or more")
        done = stats_rebuild(progress=not options["no_progress"], processes=options["processes"])
        self.stdout.write(self.style.SUCCESS(f"Statistics rebuilt from {done:,} reports."))
