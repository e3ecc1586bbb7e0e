from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aduan.stats.services import stats_rebuild


class Command(BaseCommand):
    help = (
        "Work the statistics out afresh from every report's timeline (the roll-ups "
        "the worker keeps up to date): after an import, or to check them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = stats_rebuild(progress=not options["no_progress"])
        self.stdout.write(self.style.SUCCESS(f"Statistics rebuilt from {done:,} reports."))
