"""Fixtures for the Telegram channel: a local fake of the Bot API (fake_telegram.py)
with the settings pointing at it, the bot's username as the payloads address it,
and the payload fixtures in the documented shapes."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.accounts.conftest import sign_up  # noqa: F401  (citizens who sign up)
from tests.channels.telegram.fake_telegram import FakeTelegram, fake_telegram_server

PAYLOADS = Path(__file__).parent / "payloads"
BOT_USERNAME = "lapor1708bot"


@pytest.fixture(autouse=True)
def _bot_username(settings: Any) -> None:
    """The bot the payloads' commands are addressed to, whatever the environment says."""
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME


@pytest.fixture
def fake_telegram(settings: Any) -> Iterator[FakeTelegram]:
    with fake_telegram_server() as fake:
        settings.TELEGRAM_API_URL = fake.base
        settings.TELEGRAM_BOT_TOKEN = fake.token
        yield fake


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def payload_names() -> list[str]:
    return sorted(path.name for path in PAYLOADS.glob("*.json"))
