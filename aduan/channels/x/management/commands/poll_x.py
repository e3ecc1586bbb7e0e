import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.channels.x.api import XApiError
from aduan.channels.x.poll import x_poll


class Command(BaseCommand):
    help = (
        "Read the service account's X mentions and direct messages and act on them "
        "(#LAPOR posts, replies in a report's thread, commands), every "
        "ADUAN_X_POLL_SECONDS until stopped (the fallback for the webhook)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        while True:
            wait = float(settings.X_POLL_SECONDS)
            try:
                read = x_poll()
            except XApiError as error:
                if once:
                    raise CommandError(str(error)) from None
                self.stderr.write(str(error))
                if error.reset_at is not None:
                    # Rate-limited: not a request before X's window resets.
                    wait = max(wait, (error.reset_at - datetime.now(tz=UTC)).total_seconds())
            else:
                if options["verbosity"] > 1 or (once and options["verbosity"] > 0):
                    self.stdout.write(f"{read} read")
            if once:
                return
            time.sleep(wait)
