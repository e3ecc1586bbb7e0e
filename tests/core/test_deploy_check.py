"""Production as an operator starts it: `check --deploy` finds nothing to warn
about, a weak or published key stops start-up in one line naming the variable,
and the proxy settings are read as written or refused when they would be believed
from anyone."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

# A real key of each kind, as the README tells operators to make them.
STRONG_SECRET = "Zq3vX9-pL2mW7rT_cN8yK4bH6jF1dS5gA0eU3iO9wQ7zR2xVtY6uM1nB"


def _production(tmp_path: Path, **variables: str) -> dict[str, str]:
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ADUAN_") and k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    return {
        **kept,
        "ADUAN_VAR_DIR": str(tmp_path),
        "ADUAN_MODE": "production",
        "SECRET_KEY": STRONG_SECRET,
        "ADUAN_DATA_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "aduan.example.id",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        **variables,
    }


def _run(env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "aduan", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _run(_production(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_check_deploy_is_clean_behind_a_proxy(tmp_path: Path) -> None:
    env = _production(
        tmp_path,
        ADUAN_TRUSTED_PROXIES="10.0.0.0/8",
        ADUAN_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_are_https_for_a_year(tmp_path: Path) -> None:
    shown = _run(
        _production(
            tmp_path, ADUAN_TRUSTED_PROXIES="127.0.0.1", ADUAN_PROXY_SSL_HEADER="X-Forwarded-Proto"
        ),
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_PROXY_SSL_HEADER)",
    )
    assert shown.stdout.split("\n")[-2] == (
        "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), shown.stderr


def _refused(tmp_path: Path, **variables: str) -> str:
    result = _run(_production(tmp_path, **variables), "check")
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("SECRET_KEY", "kunci-rahasia-pendek", "too short"),
        ("SECRET_KEY", "x" * 64, "too repetitive"),
        ("SECRET_KEY", "ab" * 40, "too repetitive"),
        ("SECRET_KEY", "django-insecure-" + STRONG_SECRET, "development"),
        ("SECRET_KEY", "demo12345", "published"),
        ("ADUAN_DATA_KEY", "A" * 43 + "=", "too repetitive"),
        ("ADUAN_DATA_KEY", "too-short", "Fernet"),
    ],
)
def test_production_refuses_a_weak_key(tmp_path: Path, variable: str, value: str, why: str) -> None:
    line = _refused(tmp_path, **{variable: value})
    assert line.startswith(f"aduan: configuration error: {variable}:"), line
    assert why in line
    assert value not in line  # a refused key is not written to the log


def test_demo_mode_keeps_working_with_a_short_key(tmp_path: Path) -> None:
    env = _production(tmp_path, ADUAN_MODE="demo", SECRET_KEY="kunci-demo", ALLOWED_HOSTS="")
    assert _run(env, "check").returncode == 0


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"ADUAN_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, "ADUAN_PROXY_SSL_HEADER"),
        ({"ADUAN_CLIENT_IP_HEADER": "X-Real-IP"}, "ADUAN_CLIENT_IP_HEADER"),
        ({"ADUAN_TRUSTED_PROXIES": "proxy.internal"}, "ADUAN_TRUSTED_PROXIES"),
        ({"ADUAN_SMS_ALLOWED_IPS": "10.0.0.0/33"}, "ADUAN_SMS_ALLOWED_IPS"),
        ({"ADUAN_HSTS_SECONDS": "a year"}, "ADUAN_HSTS_SECONDS"),
    ],
)
def test_bad_proxy_and_https_settings_stop_start_up(
    tmp_path: Path, variables: dict[str, str], named: str
) -> None:
    assert _refused(tmp_path, **variables).startswith(f"aduan: configuration error: {named}:")
