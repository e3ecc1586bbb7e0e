"""Reading the bot's updates by long polling (``getUpdates``), where Telegram cannot
reach a webhook. Each call asks for the updates from the stored offset on, which
confirms every earlier one to Telegram; every update is handed to the same service
as the webhook's, and the offset is saved after each, so a poller that dies
repeats at most one update — which receiving once absorbs.

Telegram refuses ``getUpdates`` (409) while a webhook is set, so the poller first
deletes it; updates waiting meanwhile are kept."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from aduan.channels.telegram.api import get_updates, telegram_call
from aduan.channels.telegram.models import PollOffset
from aduan.channels.telegram.parse import Update
from aduan.channels.telegram.services import telegram_receive

logger = logging.getLogger("aduan.telegram")


def _never() -> bool:
    return False


def telegram_poll(*, timeout: int, stop: Callable[[], bool] = _never) -> int:
    """One ``getUpdates`` call, waiting up to ``timeout`` seconds for an update, and
    the updates it brought handled; how many. Raises ``TelegramApiError`` when
    Telegram refuses (a flood limit's ``retry_after`` says how long to wait)."""
    return updates_handle(updates_fetch(timeout=timeout), stop=stop)


def updates_fetch(*, timeout: int) -> list[Update]:
    """The updates after the last one handled."""
    return get_updates(poll_offset(), timeout)


def updates_handle(updates: list[Update], *, stop: Callable[[], bool] = _never) -> int:
    """Hands each update to the intake in turn and moves the offset past it; stops
    early when asked (what is left comes again at the next call)."""
    handled = 0
    for update in updates:
        if stop():
            break
        telegram_receive(update)
        if update.update_id:  # (0: one whose id was unreadable)
            _offset_save(update.update_id + 1)
        handled += 1
    if handled:
        logger.info("telegram: polled %s updates", handled)
    return handled


def poll_offset() -> int:
    """The offset of the next ``getUpdates`` call (0 before the first: all that
    Telegram still holds)."""
    row = PollOffset.objects.filter(bot_id=_bot_id()).first()
    return row.offset if row is not None else 0


def webhook_delete() -> None:
    """Stops webhook deliveries, keeping the updates that wait."""
    telegram_call("deleteWebhook", {"drop_pending_updates": False})


def _offset_save(offset: int) -> None:
    """Moves the offset forward, never back."""
    now = timezone.now()
    bot = _bot_id()
    moved = PollOffset.objects.filter(bot_id=bot, offset__lt=offset).update(
        offset=offset, updated_at=now
    )
    if not moved:
        PollOffset.objects.get_or_create(bot_id=bot, defaults={"offset": offset, "updated_at": now})


def _bot_id() -> str:
    """The bot's public id: its token's part before the colon."""
    return str(settings.TELEGRAM_BOT_TOKEN).partition(":")[0][:20]
