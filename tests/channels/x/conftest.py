"""Fixtures for the X channel: a local fake of the X API (fake_x.py) with the
settings pointing at it, and the payload fixtures in the documented shapes."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.accounts.conftest import sign_up  # noqa: F401  (citizens who sign up)
from tests.channels.x.fake_x import FakeX, fake_x_server, jpeg
from tests.reports.conftest import cast, make_report  # noqa: F401  (the people around a report)

PAYLOADS = Path(__file__).parent / "payloads"
ACCOUNT_ID = "1708000000000000001"
SECRET = "x-consumer-s3cret"
MEDIA_HOST = "https://pbs.twimg.com"


@pytest.fixture
def fake_x(settings: Any) -> Iterator[FakeX]:
    with fake_x_server() as fake:
        settings.X_API_URL = fake.base
        settings.X_CONSUMER_SECRET = SECRET
        settings.X_BEARER_TOKEN = "app-token"
        settings.X_USER_TOKEN = "user-token"
        settings.X_ACCOUNT_ID = ACCOUNT_ID
        settings.X_ACCOUNT_HANDLE = "lapor1708"
        settings.X_MEDIA_HOSTS = ["127.0.0.1"]
        settings.OUTBOX_TRANSPORTS = {
            **settings.OUTBOX_TRANSPORTS,
            "x": "aduan.channels.x.transport.XTransport",
        }
        fake.files["/media/FhOto1.jpg"] = jpeg()
        yield fake


def payload(name: str, fake: FakeX | None = None) -> Any:
    """A payload fixture; with ``fake``, its media URLs point at the fake's host."""
    text = (PAYLOADS / name).read_text()
    if fake is not None:
        text = text.replace(MEDIA_HOST, fake.base)
    return json.loads(text)
