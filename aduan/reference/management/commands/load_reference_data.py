from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.reference.services import reference_data_load
from aduan.reference.sources import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Load Indonesia's regions, agencies and units, categories and default routing "
        "rules. Safe to run again: it updates by code and skips unchanged sources."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even when the sources are unchanged."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, force: bool, no_progress: bool, **options: Any) -> None:
        try:
            result = reference_data_load(force=force, progress=not no_progress)
        except ReferenceDataError as error:
            raise CommandError(f"Reference data not loaded (nothing changed): {error}") from None
        if not result.loaded:
            self.stdout.write("Reference data is up to date.")
            return
        figures = ", ".join(f"{name} {count:,}" for name, count in result.summary.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {figures}."))
