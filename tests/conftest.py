from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import caches
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from aduan.lib.memo import reference_memo_clear
from aduan.reference.services import reference_data_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Every test database holds the full reference data (all 83,762 villages), loaded
    once per session; each test runs in a transaction on top of it."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True)
def _fresh_reference_memo() -> None:
    """Each test reads deadline policies, categories and holidays as they are now."""
    reference_memo_clear()


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """A test with real transactions (several connections at once) ends by emptying
    the database; put back what every other test expects to find there."""
    outcome = yield
    marker = item.get_closest_marker("django_db")
    # After the last test the session has already dropped the test database.
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in getattr(item, "fixturenames", ())
    )
    if nextitem is not None and transactional:
        with item.config.stash[blocking_manager_key].unblock():
            policies = import_module("aduan.reports.migrations.0002_default_deadline_policies")
            policies.create(django_apps, None)
            reference_data_load(force=True)
    return outcome
