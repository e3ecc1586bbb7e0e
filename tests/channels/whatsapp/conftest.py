"""Fixtures for the WhatsApp channel: a local fake of the Graph API
(fake_whatsapp.py) with the settings pointing at it, and the webhook payload
fixtures in the documented shapes."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.accounts.conftest import sign_up  # noqa: F401  (citizens who sign up)
from tests.channels.whatsapp.fake_whatsapp import FakeWhatsApp, fake_whatsapp_server

PAYLOADS = Path(__file__).parent / "payloads"
APP_SECRET = "wa-app-s3cret"
VERIFY_TOKEN = "wa-verify-t0ken"


@pytest.fixture
def fake_whatsapp(settings: Any) -> Iterator[FakeWhatsApp]:
    with fake_whatsapp_server() as fake:
        settings.WHATSAPP_API_URL = fake.base
        settings.WHATSAPP_ACCESS_TOKEN = fake.token
        settings.WHATSAPP_PHONE_NUMBER_ID = fake.phone_number_id
        settings.WHATSAPP_APP_SECRET = APP_SECRET
        settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
        settings.WHATSAPP_MEDIA_HOSTS = ["127.0.0.1"]
        yield fake


def payload(name: str) -> Any:
    """A payload fixture, decoded."""
    return json.loads((PAYLOADS / name).read_text())


def payload_names() -> list[str]:
    return sorted(path.name for path in PAYLOADS.glob("*.json"))
