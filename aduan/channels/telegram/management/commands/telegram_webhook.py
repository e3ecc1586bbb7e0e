import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.channels.telegram.api import TelegramApiError, set_webhook

# What Telegram accepts as a webhook's secret token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Command(BaseCommand):
    help = (
        "Have Telegram deliver the bot's updates to URL (https://<site>/channels/"
        "telegram/webhook), each carrying ADUAN_TELEGRAM_SECRET_TOKEN."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="The webhook's public HTTPS address.")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        secret = str(settings.TELEGRAM_SECRET_TOKEN)
        if not _SECRET.fullmatch(secret):
            raise CommandError(
                "telegram_webhook: set ADUAN_TELEGRAM_SECRET_TOKEN to 1-256 characters "
                "of A-Z a-z 0-9 _ -"
            )
        if not url.startswith("https://"):
            raise CommandError("telegram_webhook: Telegram delivers only to an https:// URL")
        try:
            set_webhook(url, secret)
        except (TelegramApiError, ImproperlyConfigured) as error:
            raise CommandError(f"telegram_webhook: {error}") from None
        if options["verbosity"] > 0:
            self.stdout.write(f"telegram_webhook: updates go to {url}")
