from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from aduan.lib.memo import reference_memo_clear

# Every test database is a clone of one template holding the full reference data
# (all 83,762 villages); each test runs in a transaction on top of it, and a test
# with real transactions ends by putting the template's rows back (tests/database.py).
pytest_plugins = ["tests.database"]


def pytest_configure(config: pytest.Config) -> None:
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_reference_memo() -> None:
    """Each test reads deadline policies, categories and holidays as they are now."""
    reference_memo_clear()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language: Django's test client leaves the last
    request's language active in the thread, so a test after one that asked for
    English would otherwise run in English (found by running the tests in another
    order, under pytest-xdist)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no request counted against a rate limit."""
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded files land in the test's own folder, never in var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def verified_client(user: Any) -> Client:
    """A client for ``user`` that passed the second factor (a confirmed
    authenticator app), as the staff sign-in leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(db: None, admin_user: Any) -> Client:
    """pytest-django's superuser client, past the second factor the admin asks for."""
    return verified_client(admin_user)


@pytest.fixture
def api(db: None) -> Client:
    return Client(headers={"accept": "application/json"})
