"""Staff sign in with a password and a second factor: an authenticator app's code or
a recovery code; a staff member without an app enrols one first."""

from base64 import b32encode
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.backoffice import services
from aduan.backoffice.signin.views import PENDING_KEY
from aduan.demo.services import DEMO_TOTP_SECRET
from aduan.lib.errors import InvalidInput
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-petugas-7"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _with_password(user: User | None) -> User:
    assert user is not None
    user.set_password(PASSWORD)
    user.save()
    return user


def _enrolled(user: User | None) -> tuple[User, TOTPDevice]:
    user = _with_password(user)
    device = services.authenticator_enrolment_start(user=user)
    device.confirmed = True
    device.save()
    return user, device


def _password_step(client: Client, user: User, next_url: str = "") -> str:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/kantor/masuk", data)
    assert response.status_code == 302
    return str(response["Location"])


def test_it_signs_in_with_password_and_authenticator_code(cast: Cast, client: Client) -> None:
    user, device = _enrolled(cast.agency_admin.user)
    assert _password_step(client, user) == "/kantor/masuk/kode"
    # The password alone opens nothing, not even the citizen's pages.
    assert client.get("/kantor/").status_code == 302
    assert client.get("/akun").status_code == 302
    page = client.get("/kantor/masuk/kode")
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    response = client.post("/kantor/masuk/kode", {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/kantor/"
    assert client.get("/kantor/").status_code == 200


def test_it_refuses_a_wrong_password_or_code(cast: Cast, client: Client) -> None:
    user, device = _enrolled(cast.liaison.user)
    response = client.post("/kantor/masuk", {"username": user.username, "password": "salah"})
    assert response.status_code == 400 and "salah" in response.text
    _password_step(client, user)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    for bad in (wrong, "abc", ""):
        response = client.post("/kantor/masuk/kode", {"code": bad})
        assert response.status_code == 400
    assert client.get("/kantor/").status_code == 302


def test_a_recovery_code_works_once(cast: Cast, client: Client) -> None:
    user, _device = _enrolled(cast.supervisor.user)
    first, second, *_rest = services.recovery_codes_generate(user=user)
    _password_step(client, user)
    page = client.get("/kantor/masuk/kode?cara=pemulihan")
    assert 'inputmode="numeric"' not in page.text
    response = client.post("/kantor/masuk/kode", {"code": first.upper(), "cara": "pemulihan"})
    assert response.status_code == 302
    assert client.get("/kantor/").status_code == 200
    assert services.recovery_codes_left(user=user) == 9

    client.post("/kantor/keluar")
    _password_step(client, user)
    reused = client.post("/kantor/masuk/kode", {"code": first, "cara": "pemulihan"})
    assert reused.status_code == 400
    # django-otp makes the next try wait a second after a failure; skip the wait.
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)
    assert client.post("/kantor/masuk/kode", {"code": second}).status_code == 302


def test_a_staff_member_without_an_app_enrols_one(cast: Cast, client: Client) -> None:
    user = _with_password(cast.national.user)
    assert _password_step(client, user) == "/kantor/masuk/aplikasi"
    page = client.get("/kantor/masuk/aplikasi")
    assert (
        page.status_code == 200
        and "<svg" in page.text
        and "http"
        not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    )
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get("/kantor/masuk/aplikasi").text.count("<svg") == 1  # same secret
    assert TOTPDevice.objects.filter(user=user).count() == 1

    assert client.post("/kantor/masuk/aplikasi", {"code": "000000"}).status_code in {400}
    assert client.get("/kantor/").status_code == 302
    done = client.post("/kantor/masuk/aplikasi", {"code": _code(device)})
    assert done.status_code == 200
    assert done.text.count("<li><code>") == services.RECOVERY_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/kantor/").status_code == 200


def test_enrolment_is_refused_once_an_app_is_confirmed(cast: Cast, client: Client) -> None:
    user, _device = _enrolled(cast.agency_admin.user)
    _password_step(client, user)
    response = client.get("/kantor/masuk/aplikasi")
    assert response.status_code == 302 and response["Location"] == "/kantor/masuk/kode"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_second_steps_need_the_password_first(cast: Cast, client: Client) -> None:
    for url in ("/kantor/masuk/kode", "/kantor/masuk/aplikasi"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/kantor/masuk"


def test_the_password_step_expires(cast: Cast, client: Client) -> None:
    user, device = _enrolled(cast.agency_admin.user)
    _password_step(client, user)
    session = client.session
    pending = session[PENDING_KEY]
    pending["at"] = (timezone.now() - timedelta(minutes=11)).isoformat()
    session[PENDING_KEY] = pending
    session.save()
    response = client.post("/kantor/masuk/kode", {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/kantor/masuk"


def test_a_citizen_is_sent_to_the_citizens_log_in(cast: Cast, client: Client) -> None:
    citizen = _with_password(cast.owner.user)
    response = client.post("/kantor/masuk", {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 400
    assert 'href="/masuk"' in response.text
    assert PENDING_KEY not in client.session


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/kantor/?halaman=2", "/kantor/?halaman=2"),
        ("https://jahat.example/", "/kantor/"),
        ("//jahat.example/", "/kantor/"),
    ],
)
def test_next_stays_on_the_site(cast: Cast, client: Client, next_url: str, landing: str) -> None:
    user, device = _enrolled(cast.agency_admin.user)
    _password_step(client, user, next_url)
    response = client.post("/kantor/masuk/kode", {"code": _code(device)})
    assert response["Location"] == landing


def test_log_in_posts_are_rate_limited(cast: Cast, client: Client, settings: LazySettings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/d"}
    data = {"username": "siapa", "password": "salah"}
    assert client.post("/kantor/masuk", data).status_code == 400
    assert client.post("/kantor/masuk", data).status_code == 400
    assert client.post("/kantor/masuk", data).status_code == 429


def test_new_recovery_codes_replace_the_old(
    cast: Cast, staff_client: Callable[[User], Client]
) -> None:
    user = cast.agency_admin.user
    assert user is not None
    old = services.recovery_codes_generate(user=user)
    client = staff_client(user)
    assert "10" in client.get("/kantor/kode-pemulihan").text
    response = client.post("/kantor/kode-pemulihan")
    assert response.status_code == 200
    assert response.text.count("<li><code>") == services.RECOVERY_CODE_COUNT
    with pytest.raises(InvalidInput):
        services.second_factor_verify(user=user, code=old[0])
    assert Client().get("/kantor/kode-pemulihan").status_code == 302


def test_log_out(cast: Cast, staff_client: Callable[[User], Client]) -> None:
    user = cast.agency_admin.user
    assert user is not None
    client = staff_client(user)
    assert client.get("/kantor/keluar").status_code == 405
    assert client.post("/kantor/keluar")["Location"] == "/kantor/masuk"
    assert client.get("/kantor/").status_code == 302


def test_demo_staff_sign_in_with_the_published_secret(client: Client) -> None:
    call_command("seed_demo")
    device = TOTPDevice.objects.get(user__username="pengawas.jabar", confirmed=True)
    assert b32encode(device.bin_key).decode() == DEMO_TOTP_SECRET
    response = client.post("/kantor/masuk", {"username": "pengawas.jabar", "password": "demo12345"})
    assert response["Location"] == "/kantor/masuk/kode"
    assert client.post("/kantor/masuk/kode", {"code": _code(device)}).status_code == 302
    assert client.get("/kantor/").status_code == 200
    assert not TOTPDevice.objects.filter(user__username="warga").exists()
