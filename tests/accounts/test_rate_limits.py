"""Sign-up, log-in and code requests are rate-limited: over the limit a friendly
page with HTTP 429, and nothing done."""

from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import OneTimeCode
from aduan.outbox.models import Message
from tests.accounts.conftest import signup_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_an_hour(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/h", "login": "2/h", "code": "2/h"}


@pytest.mark.usefixtures("two_an_hour")
def test_sign_up_is_limited(client: Client) -> None:
    for number in ("081234567890", "081234567891"):
        assert client.post("/daftar", signup_form(number)).status_code == 302
    response = client.post("/daftar", signup_form("081234567892"))
    assert response.status_code == 429
    assert "Mohon tunggu sebentar" in response.content.decode()
    assert OneTimeCode.objects.count() == 2 and Message.objects.count() == 2


@pytest.mark.usefixtures("two_an_hour")
def test_log_in_is_limited(client: Client) -> None:
    form = {"identity": "081234567890", "password": "tebak-tebak-1"}
    assert [client.post("/masuk", form).status_code for _ in range(3)] == [400, 400, 429]
    assert client.get("/masuk").status_code == 200  # reading is never limited


@pytest.mark.usefixtures("two_an_hour")
def test_code_requests_are_limited(client: Client) -> None:
    for number in ("081234567890", "081234567891"):
        assert client.post("/lupa-sandi", {"identity": number}).status_code == 302
    assert client.post("/lupa-sandi", {"identity": "081234567892"}).status_code == 429
    assert OneTimeCode.objects.count() == 2


@pytest.mark.usefixtures("two_an_hour")
def test_code_guesses_are_limited_like_passwords(client: Client) -> None:
    client.post("/daftar", signup_form("081234567890"))
    statuses = [client.post("/daftar/konfirmasi", {"code": "000001"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert OneTimeCode.objects.get().tries == 2


def test_every_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    for url in ("/daftar", "/masuk", "/lupa-sandi", "/keluar"):
        assert client.post(url, {}).status_code == 403
