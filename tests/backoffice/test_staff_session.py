"""Staff sessions end after an idle time and an absolute time (ADUAN_STAFF_IDLE_MINUTES,
ADUAN_STAFF_SESSION_HOURS); citizens' sessions do not. The clock is moved by
rewriting the times the session keeps, never by waiting."""

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.backoffice import services
from aduan.backoffice.middleware import SESSION_KEY
from aduan.reports.policy import Actor
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

StaffClient = Callable[[User], Client]
PASSWORD = "kata-sandi-petugas-7"
IDLE_ENDED = "Sesi petugas berakhir karena tidak ada kegiatan selama 30 menit."
TOO_LONG = "Sesi petugas berakhir setelah 12 jam."


def _ago(**delta: float) -> int:
    return int((timezone.now() - timedelta(**delta)).timestamp())


def _set_times(client: Client, *, started: int, seen: int) -> None:
    session = client.session
    session[SESSION_KEY] = {"started": started, "seen": seen}
    session.save()


def _times(client: Client) -> dict[str, Any]:
    times: dict[str, Any] = client.session[SESSION_KEY]
    return times


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


def _signed_out_to_the_sign_in(client: Client, message: str, path: str = "/kantor/") -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/kantor/masuk?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert page.status_code == 200 and message in page.text


def test_the_sign_in_starts_the_clocks(cast: Cast, client: Client) -> None:
    user = _user(cast.liaison)
    user.set_password(PASSWORD)
    user.save()
    device = services.authenticator_enrolment_start(user=user)
    device.confirmed = True
    device.save()
    client.post("/kantor/masuk", {"username": user.username, "password": PASSWORD})
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/kantor/masuk/kode", {"code": code}).status_code == 302
    times = _times(client)
    now = int(timezone.now().timestamp())
    assert now - 5 <= times["started"] == times["seen"] <= now


def test_an_idle_staff_session_ends(cast: Cast, staff_client: StaffClient) -> None:
    client = staff_client(_user(cast.agency_admin))
    _set_times(client, started=_ago(hours=1), seen=_ago(minutes=30, seconds=5))
    _signed_out_to_the_sign_in(client, IDLE_ENDED)
    assert TOTPDevice.objects.filter(user=_user(cast.agency_admin)).exists()  # kept


def test_a_staff_session_in_use_goes_on_and_is_seen_again(
    cast: Cast, staff_client: StaffClient
) -> None:
    client = staff_client(_user(cast.agency_admin))
    started = _ago(hours=11)
    _set_times(client, started=started, seen=_ago(minutes=29))
    assert client.get("/kantor/").status_code == 200
    times = _times(client)
    assert times["started"] == started
    assert times["seen"] >= _ago(seconds=5)
    # A portal page is activity too.
    _set_times(client, started=started, seen=_ago(minutes=29))
    assert client.get("/").status_code == 200
    assert _times(client)["seen"] >= _ago(seconds=5)


def test_a_busy_staff_session_ends_after_its_hours(cast: Cast, staff_client: StaffClient) -> None:
    client = staff_client(_user(cast.national))
    _set_times(client, started=_ago(hours=12, seconds=5), seen=_ago(seconds=10))
    _signed_out_to_the_sign_in(client, TOO_LONG, path="/kantor/verifikasi")


def test_an_ended_session_opens_no_portal_page_or_file_as_staff(
    cast: Cast, staff_client: StaffClient, dispositioned: Callable[..., Any]
) -> None:
    report = dispositioned(confidential=True)
    client = staff_client(_user(cast.liaison))
    assert report.body in client.get(f"/laporan/{report.tracking_number}").content.decode()
    _set_times(client, started=_ago(hours=2), seen=_ago(hours=1))
    # Only the status anyone holding the number sees (issue 19), nothing of the text.
    after = client.get(f"/laporan/{report.tracking_number}")
    assert after.status_code == 200 and report.body not in after.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_too(cast: Cast, staff_client: StaffClient) -> None:
    user = _user(cast.national)
    user.is_staff = True
    user.save()
    client = staff_client(user)
    assert client.get("/admin/").status_code == 200
    _set_times(client, started=_ago(hours=1), seen=_ago(minutes=31))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/kantor/masuk?next=")
    assert IDLE_ENDED in response.text


def test_the_times_come_from_the_settings(
    cast: Cast, staff_client: StaffClient, settings: Any
) -> None:
    settings.STAFF_IDLE_MINUTES = 5
    settings.STAFF_SESSION_HOURS = 1
    client = staff_client(_user(cast.liaison))
    _set_times(client, started=_ago(minutes=10), seen=_ago(minutes=4))
    assert client.get("/kantor/").status_code == 200
    _set_times(client, started=_ago(minutes=10), seen=_ago(minutes=6))
    _signed_out_to_the_sign_in(client, "tidak ada kegiatan selama 5 menit")
    client = staff_client(_user(cast.liaison))
    _set_times(client, started=_ago(minutes=61), seen=_ago(seconds=1))
    _signed_out_to_the_sign_in(client, "setelah 1 jam")


def test_a_password_only_staff_session_ends_too(cast: Cast) -> None:
    client = Client()
    client.force_login(_user(cast.supervisor))
    client.get("/")
    _set_times(client, started=_ago(hours=1), seen=_ago(minutes=31))
    client.get("/")
    assert "_auth_user_id" not in client.session


def test_a_citizens_session_keeps_todays_behaviour(cast: Cast) -> None:
    client = Client()
    client.force_login(_user(cast.owner))
    assert client.get("/akun").status_code == 200
    assert SESSION_KEY not in client.session
    # Even times planted in it are not a staff session's.
    _set_times(client, started=_ago(days=13), seen=_ago(days=13))
    assert client.get("/akun").status_code == 200
    assert "_auth_user_id" in client.session


def test_the_variables_are_read_and_checked(tmp_path: Path) -> None:
    def start(**variables: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "aduan", "shell", "--no-imports", "-c", _PRINT],
            env={**os.environ, "ADUAN_VAR_DIR": str(tmp_path), **variables},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    defaults = start()
    assert defaults.stdout.split() == ["30", "12"], defaults.stderr
    chosen = start(ADUAN_STAFF_IDLE_MINUTES="15", ADUAN_STAFF_SESSION_HOURS="8")
    assert chosen.stdout.split() == ["15", "8"], chosen.stderr
    refused = start(ADUAN_STAFF_IDLE_MINUTES="0")
    assert refused.returncode != 0 and "ADUAN_STAFF_IDLE_MINUTES" in refused.stderr


_PRINT = (
    "from django.conf import settings; "
    "print(settings.STAFF_IDLE_MINUTES, settings.STAFF_SESSION_HOURS)"
)
