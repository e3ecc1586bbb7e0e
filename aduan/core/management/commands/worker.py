from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background tasks from the database queue until stopped (Ctrl-C or SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, interval: float, **options: Any) -> None:
        # Django's task framework with the database backend: the database is the queue,
        # no broker needed; several workers may share it.
        call_command("db_worker", interval=interval, reload=False, verbosity=options["verbosity"])
