import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.channels.email.imap import Mailbox, imap_poll


class Command(BaseCommand):
    help = (
        "Read the report mailbox by IMAP (ADUAN_IMAP_*) every --interval seconds until "
        "stopped (Ctrl-C or SIGTERM); each unread mail is recorded, then marked read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between polls.")
        parser.add_argument("--once", action="store_true", help="Poll once and exit.")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        if not (settings.IMAP_HOST and settings.IMAP_USER):
            raise CommandError("poll_imap: set ADUAN_IMAP_HOST, ADUAN_IMAP_USER and _PASSWORD")
        stop = threading.Event()

        def stopping(signum: int, frame: FrameType | None) -> None:
            stop.set()

        if not once:
            signal.signal(signal.SIGTERM, stopping)
            signal.signal(signal.SIGINT, stopping)
        mailbox = Mailbox.from_settings()
        while True:
            try:
                recorded = imap_poll(mailbox)
            except OSError as error:  # the mailbox is away: try again at the next poll
                self.stderr.write(f"poll_imap: {type(error).__name__}: {error}")
                recorded = 0
            if options["verbosity"] > 0:
                self.stdout.write(f"poll_imap: {recorded} mail(s) recorded")
            if once or stop.wait(interval):
                return
