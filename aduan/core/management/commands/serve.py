import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web application and run a worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to listen on.")
        parser.add_argument("--no-worker", action="store_true", help="Serve the web only.")

    def handle(self, *args: Any, addr: str, no_worker: bool, **options: Any) -> None:
        # SIGTERM (a process manager stopping us) stops both, and so does SIGINT
        # (Ctrl-C) — also when we were started with it ignored, as a shell without
        # job control starts background commands, and Python leaves it so.
        signal.signal(signal.SIGTERM, _exit)
        signal.signal(signal.SIGINT, _exit)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "aduan", "worker", "--verbosity=0"])
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)
