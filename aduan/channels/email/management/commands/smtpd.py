import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aduan.channels.email.smtpd import smtpd_controller


class Command(BaseCommand):
    help = (
        "Receive mail to the report address by SMTP until stopped (Ctrl-C or SIGTERM); "
        "put it behind the MX or a relay (docs/email.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SMTPD_HOST, help="Address to listen on.")
        parser.add_argument("--port", type=int, default=settings.SMTPD_PORT, help="Port.")

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        stop = threading.Event()

        def stopping(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
        controller = smtpd_controller(host=host, port=port)
        controller.start()
        if options["verbosity"] > 0:
            self.stdout.write(f"smtpd: listening on {host}:{port}", ending="\n")
            self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
