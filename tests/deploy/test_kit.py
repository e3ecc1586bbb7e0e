"""The deployment kit (deploy/) as operators install it: the systemd units pass
systemd's own check and HAProxy's configuration passes HAProxy's. The nginx site runs
in front of the app in tests/e2e/test_deploy_site.py."""

import sys
from pathlib import Path

import pytest

from tests.deploy.tools import DEPLOY, run, tool

UNITS = [
    "aduan-web.service",
    "aduan-worker@.service",
    "aduan-smtpd.service",
    "aduan-poll-x.service",
    "aduan-poll-telegram.service",
    "aduan-poll-imap.service",
]


@pytest.mark.parametrize("unit", UNITS)
def test_each_systemd_unit_passes_systemds_check(tmp_path: Path, unit: str) -> None:
    analyze = tool("systemd-analyze", "systemd")
    hardening = (DEPLOY / "systemd/aduan-.service.d/hardening.conf").read_text()
    text = (DEPLOY / "systemd" / unit).read_text()
    # With the shared drop-in appended, as systemd applies it; and the programs where
    # this machine has them, so that the check can find them.
    text = text.replace("/opt/aduan/venv", sys.prefix) + "\n" + hardening
    name = unit.replace("@.service", "@1.service")
    (tmp_path / name).write_text(text)
    (tmp_path / "aduan.target").write_text((DEPLOY / "systemd/aduan.target").read_text())
    done = run(analyze, "verify", "--man=no", f"./{name}", cwd=tmp_path)
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), (
        done.stdout + done.stderr
    )


def test_haproxys_configuration_is_valid() -> None:
    haproxy = tool("haproxy", "haproxy")
    done = run(haproxy, "-c", "-f", str(DEPLOY / "haproxy/haproxy.cfg"))
    assert done.returncode == 0, done.stdout + done.stderr
