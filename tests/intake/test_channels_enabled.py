"""The doors a deployment has turned on, read from its settings in one place
(``channels_enabled``): the home page's "Cara melapor" lists each with what a
citizen needs to use it, and nothing the deployment has not turned on."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.utils import translation

from aduan.intake.selectors import channels_enabled


def test_each_channel_says_how_to_use_it(settings: Any) -> None:
    settings.REPORT_CHANNELS = ["web", "app", "sms", "email", "x", "counter"]
    settings.SMS_SHORTCODE = "1708"
    settings.EMAIL_FROM = "LAPOR! <lapor@lapor.go.id>"
    settings.X_ACCOUNT_HANDLE = "lapor1708"
    channels = {channel.code: channel for channel in channels_enabled()}
    assert list(channels) == settings.REPORT_CHANNELS
    assert channels["sms"].address == "1708" and "1708" in str(channels["sms"].how)
    assert channels["email"].address == "lapor@lapor.go.id"
    assert "lapor@lapor.go.id" in str(channels["email"].how)
    assert channels["x"].address == "@lapor1708" and "@lapor1708" in str(channels["x"].how)
    assert str(channels["counter"].name) == "Loket"
    with translation.override("en"):
        assert str(channels_enabled()[-1].name) == "Service counter"


@pytest.mark.django_db
def test_the_home_page_lists_the_channels_turned_on(client: Client, settings: Any) -> None:
    settings.REPORT_CHANNELS = ["web", "email", "counter"]
    settings.EMAIL_FROM = "Lapor Kota <aduan@cirebonkota.go.id>"
    html = client.get("/").content.decode()
    section = html[html.index('id="channels"') : html.index('id="figures"')]
    assert section.count("data-channel=") == 3
    for code in ("web", "email", "counter"):
        assert f'data-channel="{code}"' in section
    assert "aduan@cirebonkota.go.id" in section
    assert "1708" not in section and "@lapor1708" not in section
    settings.REPORT_CHANNELS = ["web", "sms", "x"]
    settings.SMS_SHORTCODE = "1500"
    section = client.get("/").content.decode()
    assert "SMS ke 1500" in section and "@lapor1708" in section and "Loket" not in section


def _settings_of(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """A production deployment's settings, read in a process of their own."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ADUAN_", "DATABASE_URL")) and k not in {"SECRET_KEY"}
    }
    base = {
        "ADUAN_VAR_DIR": str(tmp_path),
        "ADUAN_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ADUAN_DATA_KEY": Fernet.generate_key().decode("ascii"),
        "ALLOWED_HOSTS": "lapor.example.go.id",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
    }
    code = (
        "from django.conf import settings as s; "
        "print(','.join(s.REPORT_CHANNELS)); print(s.SERVICE_NAME); print(s.EMAIL_FROM)"
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        env={**clean, **base, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_deployment_advertises_only_the_gateways_it_configured(tmp_path: Path) -> None:
    bare = _settings_of(tmp_path, ADUAN_SERVICE_NAME="Lapor Cirebon")
    assert bare.returncode == 0, bare.stderr
    assert bare.stdout.splitlines() == [
        "web,app,counter",
        "Lapor Cirebon",
        "Lapor Cirebon <lapor@localhost>",
    ]
    sms = _settings_of(tmp_path, ADUAN_KANNEL_SENDSMS_URL="http://127.0.0.1:13013/cgi-bin/sendsms")
    assert sms.stdout.splitlines()[:2] == ["web,app,sms,counter", "LAPOR!"]
    chosen = _settings_of(tmp_path, ADUAN_REPORT_CHANNELS="web, email")
    assert chosen.stdout.splitlines()[0] == "web,email"
    wrong = _settings_of(tmp_path, ADUAN_REPORT_CHANNELS="web,fax")
    assert wrong.returncode != 0
    assert "ADUAN_REPORT_CHANNELS: unknown fax" in wrong.stderr
