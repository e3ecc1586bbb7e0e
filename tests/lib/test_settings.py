"""Start-up with bad configuration stops with one line that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from aduan.lib import env
from tests.core.test_deploy_check import STRONG_SECRET


def _start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ADUAN_DATA_KEY"}}
    return subprocess.run(
        [sys.executable, "-m", "aduan", "check"],
        env={**clean, "ADUAN_VAR_DIR": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"ADUAN_MODE": "staging"}, "ADUAN_MODE"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"ADUAN_DATA_KEY": "too-short"}, "ADUAN_DATA_KEY"),
        ({"ADUAN_API_MAX_PAGE_SIZE": "ten"}, "ADUAN_API_MAX_PAGE_SIZE"),
        ({"ADUAN_MODE": "production"}, "SECRET_KEY"),
        ({"ADUAN_MODE": "production", "SECRET_KEY": STRONG_SECRET}, "ADUAN_DATA_KEY"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL"),
        ({"ADUAN_RATE_LIMITS": "signup=lots"}, "ADUAN_RATE_LIMITS"),
        ({"ADUAN_RATE_LIMITS": "sigup=5/m"}, "ADUAN_RATE_LIMITS"),
    ],
)
def test_a_bad_value_stops_start_up_in_one_line(
    tmp_path: Path, variables: dict[str, str], named: str
) -> None:
    result = _start(tmp_path, **variables)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"aduan: configuration error: {named}:")


def test_demo_mode_makes_and_keeps_its_secrets(tmp_path: Path) -> None:
    assert _start(tmp_path).returncode == 0
    secret = (tmp_path / "secret_key").read_text()
    data_key = (tmp_path / "data_key").read_text()
    assert (tmp_path / "data_key").stat().st_mode & 0o077 == 0
    assert _start(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == secret
    assert (tmp_path / "data_key").read_text() == data_key


def test_production_mode_starts_with_its_secrets(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    result = _start(
        tmp_path,
        ADUAN_MODE="production",
        SECRET_KEY=STRONG_SECRET,
        ADUAN_DATA_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="aduan.example.id",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_env_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    monkeypatch.setenv("X_INT", "-3")
    assert env.env_bool("X_BOOL", False) is True
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    assert env.env_int("X_MISSING", 7) == 7
    with pytest.raises(ImproperlyConfigured, match=r"^X_INT: must be at least 0"):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_RATES", "login=3/m, code=1/15m")
    assert env.env_rates("X_RATES", {"login": "20/h", "code": "5/h", "report": "9/h"}) == {
        "login": "3/m",
        "code": "1/15m",
        "report": "9/h",
    }


def test_numbers_over_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = {"followed_up": 50, "first_on_time": 30}
    monkeypatch.setenv("X_NUMBERS", "first_on_time=45")
    assert env.env_numbers("X_NUMBERS", defaults) == {"followed_up": 50, "first_on_time": 45}
    monkeypatch.setenv("X_NUMBERS", "first_ontime=45")
    with pytest.raises(ImproperlyConfigured, match="unknown key 'first_ontime'"):
        env.env_numbers("X_NUMBERS", defaults)
    monkeypatch.setenv("X_NUMBERS", "followed_up=-5")
    with pytest.raises(ImproperlyConfigured, match="expected followed_up=<whole number>"):
        env.env_numbers("X_NUMBERS", defaults)
