"""The app as the drills run it: its own process on a free loopback port, under
granian as deploy/systemd/aduan-web.service serves it (persistent database
connections, CONN_MAX_AGE), against any DATABASE_URL — one server, several (libpq
picks the writable one), or a proxy in front of them. Report files are kept in the
database (ADUAN_FILE_STORAGE=database), so replication and backups carry them."""

import base64
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from drills.support import DrillError, free_port, group_stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, "-m", "aduan"]


@dataclass(frozen=True)
class Keys:
    """The secret and data keys every process of one drill shares: a token made by
    one process is found by another only under the same data key."""

    secret_key: str
    data_key: str

    @classmethod
    def new(cls) -> "Keys":
        return cls(
            secret_key=secrets.token_urlsafe(50),
            data_key=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        )


def app_env(
    *, database_url: str, var_dir: Path, keys: Keys, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of the app's processes: demo mode (no shared cache needed)
    without debug pages, files in the database, no rate limit a steady load would
    reach."""
    # static/ too: whitenoise warns of a missing one on every start.
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ADUAN_", "DATABASE_URL", "CACHE_URL"))
    }
    return {
        **env,
        "DATABASE_URL": database_url,
        "ADUAN_VAR_DIR": str(var_dir),
        "ADUAN_FILE_STORAGE": "database",
        "SECRET_KEY": keys.secret_key,
        "ADUAN_DATA_KEY": keys.data_key,
        "DEBUG": "false",
        "LOG_LEVEL": "warning",
        "ADUAN_RATE_LIMITS": "report=100000/h,lookup=100000/h",
        **(extra or {}),
    }


def manage(*args: str, env: Mapping[str, str], timeout: float = 300) -> str:
    """``python -m aduan <args>``; its standard output, or DrillError with its
    error output."""
    try:
        done = subprocess.run(
            [*MANAGE, *args],
            env=dict(env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DrillError(f"python -m aduan {args[0]}: no end after {timeout:g} s") from None
    if done.returncode != 0:
        raise DrillError(f"python -m aduan {args[0]} failed: {done.stderr[-3000:]}")
    return done.stdout


# Run inside the app: a citizen account and an API token for it, printed.
_CITIZEN_SIGNED_IN = """
from aduan.accounts.models import User
from aduan.accounts.tokens import api_token_issue
user, _ = User.objects.get_or_create(username={username!r}, defaults={{"role": "citizen"}})
print("token:", api_token_issue(user=user, name="drill")[0])
"""


def citizen_token(env: Mapping[str, str], *, username: str = "drill-citizen") -> str:
    """A citizen's API token (``Authorization: Bearer …``), made in the database of
    ``env`` as the sign-in endpoint would make it (without the password round)."""
    out = manage(
        "shell", "--no-imports", "-c", _CITIZEN_SIGNED_IN.format(username=username), env=env
    )
    for line in out.splitlines():
        if line.startswith("token: "):
            return line.removeprefix("token: ").strip()
    raise DrillError(f"no token in the shell's output: {out!r}")


def app_ready(url: str) -> bool:
    """Whether the app (or the balancer in front of it) at ``url`` answers /readyz."""
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def app_served(
    env: Mapping[str, str],
    *,
    log: Path,
    workers: int = 1,
    timeout: float = 60,
    started: list[subprocess.Popen[bytes]] | None = None,
) -> Iterator[str]:
    """The app under granian on a free loopback port (``workers`` processes of one
    thread each, as in production); yields its base URL once /readyz answers 200,
    and stops the process group afterwards, whatever happened. The process is added
    to ``started`` for a drill that kills it (its own process group)."""
    port = free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--blocking-threads", "1",
        "--log-level", "warning", "aduan.wsgi:application",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as output:
        server = subprocess.Popen(
            command,
            env=dict(env),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    if started is not None:
        started.append(server)
    try:

        def up() -> bool:
            if server.poll() is not None:
                raise DrillError(f"the app exited ({server.returncode}): see {log}")
            return app_ready(url)

        wait_for(up, timeout=timeout, what=f"the app at {url}/readyz")
        yield url
    finally:
        group_stop(server)
