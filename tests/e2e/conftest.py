"""End-to-end tests in a real browser: Debian's Chromium, driven by Playwright,
against the app served by its own process (`python -m aduan serve`) on a free
loopback port and on the test database. Without Chromium they are skipped, except
under CI=true, where a missing browser is a failure. Screenshots of each step are
kept in test-artifacts/ for people to look at."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from playwright.sync_api import Browser, Page, expect, sync_playwright

# The people around a report, shared with the lifecycle tests.
from tests.reports.conftest import cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

CHROMIUM = os.environ.get("ADUAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Chromium as this machine runs it: no sandbox as root, no network of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _test_database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )


@pytest.fixture(scope="session")
def server(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[str]:
    """The app in its own process on the test database (which holds the reference
    data, committed); what tests write must be committed to be seen there."""
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ADUAN_VAR_DIR": str(tmp_path_factory.mktemp("served")),
        "LOG_LEVEL": "warning",
        # The same keys as this process: sessions made here are valid there, and
        # personal data encrypted there can be read here.
        "SECRET_KEY": settings.SECRET_KEY,
        "ADUAN_DATA_KEY": settings.DATA_KEY,
        # Tests may change reference rows, and each ends by putting the template's
        # back: the server must not keep them in memory. And many sign-ins come from
        # one address.
        "ADUAN_REFERENCE_TTL": "0",
        "ADUAN_RATE_LIMITS": "login=1000/h,code=1000/h",
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aduan", "serve", "--no-worker", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2):  # noqa: S310 - loopback
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the app did not start for the browser tests")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    with django_db_blocker.unblock():
        _wait_until_alone()


def _wait_until_alone() -> None:
    """PostgreSQL ends the app's sessions a moment after its process exits; the test
    database can only be dropped once they are gone."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone() == (0,):
                return
            time.sleep(0.1)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    """Chromium for one test module. Playwright keeps an event loop running in this
    thread while it is open, and Django refuses database calls beside a running loop
    unless told they are safe — they are: the tests are synchronous and the app runs
    in its own process. The permission ends with the module."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield launched
            launched.close()
            # Database connections opened while the loop ran live in its context:
            # close them there, or they outlive the tests and hold the database.
            connections.close_all()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@contextmanager
def phone_page(browser: Browser) -> Iterator[Page]:
    """A page the size of a cheap phone's screen, in a fresh browser profile (no
    cookies, an empty cache)."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="id-ID")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    with phone_page(browser) as page:
        yield page


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# What a first load of a page may transfer (HTML, CSS, JS, fonts; user images aside).
PAGE_BUDGET = 150 * 1024
_COUNTED = frozenset({"document", "stylesheet", "script", "font"})


def page_weight(page: Page, url: str) -> tuple[int, list[str]]:
    """Opens ``url`` and adds up the bytes of what it loaded that counts against the
    budget (bodies as served; an upper bound of what compression would transfer)."""
    loaded: list[Any] = []

    def record(response: Any) -> None:
        loaded.append(response)

    page.on("response", record)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("response", record)
    counted = [r for r in loaded if r.request.resource_type in _COUNTED]
    return sum(len(r.body()) for r in counted), [r.url for r in counted]


def sign_in(page: Page, user: Any, server: str) -> None:
    """Signs ``user`` in without the log-in form (its own test goes through it)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}]
    )


# -- staff -------------------------------------------------------------------------------

STAFF_PASSWORD = "Kantor-Kanoman-2026"


@cache
def _staff_password_hash() -> str:
    """One hash for every staff member of the session."""
    return make_password(STAFF_PASSWORD)


def staff_enrol(user: Any) -> str:
    """Gives a staff member ``STAFF_PASSWORD`` and a confirmed authenticator with a
    fresh secret; returns the secret (hex), from which the test computes codes."""
    user.password = _staff_password_hash()
    user.save()
    key = str(random_hex(20))
    TOTPDevice.objects.create(user=user, name="aplikasi uji", key=key, confirmed=True)
    return key


def staff_sign_in(page: Page, user: Any, key: str, server: str) -> None:
    """Signs a staff member in through the back office's two forms: the password,
    then the authenticator's current code. django-otp accepts each code once per
    device: sign a user in once per time step (30 s)."""
    page.goto(server + "/kantor/masuk")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/kantor/masuk/kode")
    page.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(
        f"{totp(bytes.fromhex(key)):06d}"
    )
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Kantor")).to_be_visible()
