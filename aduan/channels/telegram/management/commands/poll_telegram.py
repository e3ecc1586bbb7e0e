import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.channels.telegram.api import TelegramApiError
from aduan.channels.telegram.poll import updates_fetch, updates_handle, webhook_delete

# The pause after Telegram could not be reached or failed, before asking again.
ERROR_PAUSE_SECONDS = 5.0


class _Interrupted(Exception):
    """Stopped while waiting on a long poll: nothing was handled, nothing is lost."""


class Command(BaseCommand):
    help = (
        "Read the bot's updates from Telegram by long polling (getUpdates, "
        "ADUAN_TELEGRAM_POLL_SECONDS a poll) and act on them, until stopped (Ctrl-C "
        "or SIGTERM): where Telegram cannot reach the webhook. Deletes the webhook "
        "first; run one poller per bot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="One pass without waiting, then exit."
        )

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("poll_telegram: set ADUAN_TELEGRAM_BOT_TOKEN")
        stop = threading.Event()
        polling = threading.Event()

        def stopping(signum: int, frame: FrameType | None) -> None:
            stop.set()
            if polling.is_set():
                # Only waiting for Telegram: the updates not yet handled come again.
                raise _Interrupted

        if not once:
            signal.signal(signal.SIGTERM, stopping)
            signal.signal(signal.SIGINT, stopping)
        try:
            self._run(once=once, stop=stop, polling=polling, verbosity=options["verbosity"])
        except _Interrupted:
            pass
        except ImproperlyConfigured as error:
            raise CommandError(f"poll_telegram: {error}") from None

    def _run(
        self, *, once: bool, stop: threading.Event, polling: threading.Event, verbosity: int
    ) -> None:
        try:
            webhook_delete()
        except TelegramApiError as error:
            # getUpdates will say so (409) if the webhook is still set.
            self.stderr.write(f"poll_telegram: the webhook was not deleted: {error}")
        timeout = 0 if once else int(settings.TELEGRAM_POLL_SECONDS)
        while not stop.is_set():
            pause = 0.0
            try:
                polling.set()
                try:
                    updates = updates_fetch(timeout=timeout)
                finally:
                    polling.clear()
                handled = updates_handle(updates, stop=stop.is_set)
            except TelegramApiError as error:
                if once:
                    raise CommandError(f"poll_telegram: {error}") from None
                self.stderr.write(f"poll_telegram: {error}")
                pause = (
                    float(error.retry_after)
                    if error.retry_after is not None
                    else ERROR_PAUSE_SECONDS
                )
            else:
                if verbosity > 1 or (once and verbosity > 0):
                    self.stdout.write(f"poll_telegram: {handled} update(s) handled")
            if once or stop.wait(pause):
                return
