"""The chat channels' secrets: demo mode works out of the box with known demo
values; a production deployment has none until the operator sets them, so an
unconfigured webhook refuses everything."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

NAMES = ("WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "TELEGRAM_SECRET_TOKEN")


def _secrets_of(tmp_path: Path, mode: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ADUAN_", "DATABASE_URL"))}
    env = {
        **clean,
        "ADUAN_MODE": mode,
        "ADUAN_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ADUAN_DATA_KEY": Fernet.generate_key().decode("ascii"),
        "ALLOWED_HOSTS": "lapor.example.go.id",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
    }
    code = "from django.conf import settings as s; " + "; ".join(
        f"print(repr(s.{name}))" for name in NAMES
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_demo_mode_has_the_demo_secrets_and_production_none(tmp_path: Path) -> None:
    assert _secrets_of(tmp_path, "demo") == [
        "'demo-whatsapp-token'",
        "'demo-whatsapp-secret'",
        "'demo-telegram-secret'",
    ]
    assert _secrets_of(tmp_path, "production") == ["''", "''", "''"]
