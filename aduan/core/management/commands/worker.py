from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aduan.core.worker import worker_run


class Command(BaseCommand):
    help = (
        "Run the background jobs (outbox, webhooks, deadline sweeps) until stopped "
        "(Ctrl-C or SIGTERM); several workers may share one database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Most seconds to wait when idle."
        )
        parser.add_argument(
            "--once", action="store_true", help="Exit when no job has anything left to do."
        )

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        done = worker_run(interval=interval, once=once)
        if once and options["verbosity"] > 0:
            self.stdout.write(f"{done} done")
