"""What the HTTP benchmarks share: a bench database, the app under granian in
production mode on a free loopback port, and timing of sequential requests."""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
MANAGE = [sys.executable, "-m", "aduan"]


def as_production(demo: Mapping[str, str]) -> dict[str, str]:
    """The demo's environment served as production: the same database and the keys
    demo mode kept in var/bench, a shared cache, no debug pages."""
    return {
        **demo,
        "ADUAN_MODE": "production",
        "SECRET_KEY": (VAR / "secret_key").read_text().strip(),
        "ADUAN_DATA_KEY": (VAR / "data_key").read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_database(default_file: str) -> str:
    """DATABASE_URL, or an SQLite file under var/bench/; a PostgreSQL database that
    does not exist yet is created."""
    VAR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", f"sqlite:///{VAR / default_file}")
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(
            f"{base}/postgres".replace("postgres://", "postgresql://", 1), autocommit=True
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    return url


def manage(*args: str, env: Mapping[str, str]) -> None:
    subprocess.run([*MANAGE, *args], env=dict(env), check=True, cwd=ROOT)


def granian(
    port: int, *, workers: int = 2, app: str = "aduan.wsgi:application", extra: Sequence[str] = ()
) -> list[str]:
    """The command that serves ``app`` under granian (WSGI) on a loopback port."""
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    return [*command, *extra, app]


@contextmanager
def served(
    env: Mapping[str, str],
    *,
    workers: int = 2,
    command: Callable[[int], list[str]] | None = None,
) -> Iterator[http.client.HTTPConnection]:
    """The app with static files collected, under granian (WSGI, ``workers``
    processes) or the server ``command(port)`` starts; yields a keep-alive connection
    once /readyz answers, and stops the server afterwards."""
    # Production settings over plain http on loopback: no redirect to https.
    env = {**env, "ADUAN_VAR_DIR": str(VAR), "ADUAN_SSL_REDIRECT": "false"}
    manage("collectstatic", "--no-input", "-v0", env=env)
    port = free_port()
    argv = command(port) if command is not None else granian(port, workers=workers)
    server = subprocess.Popen(argv, env=env, cwd=ROOT)
    try:
        yield wait_for(port, server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def get(
    conn: http.client.HTTPConnection, url: str, headers: Mapping[str, str] | None = None
) -> tuple[int, bytes]:
    conn.request("GET", url, headers=dict(headers or {"Accept": "application/json"}))
    response = conn.getresponse()
    return response.status, response.read()


def wait_for(port: int, server: subprocess.Popen[bytes]) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            get(conn, "/readyz")
            return conn
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)


def timed(
    conn: http.client.HTTPConnection,
    urls: list[str],
    *,
    requests: int,
    warmup: int,
    headers: Mapping[str, str] | None = None,
) -> float:
    """Prints p50/p95/p99 and the answer's size per URL; returns the worst p95."""
    print(f"{'url':<62} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'KiB':>6}")
    worst = 0.0
    for url in urls:
        for _ in range(warmup):
            get(conn, url, headers)
        timings = []
        size = 0
        for _ in range(requests):
            started = time.perf_counter()
            status, body = get(conn, url, headers)
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200:  # a redirect or an error page would time something else
                raise SystemExit(f"{url} answered {status}: {body[:200]!r}")
            size = len(body)
        p95 = percentile(timings, 0.95)
        worst = max(worst, p95)
        print(
            f"{url[:62]:<62} {statistics.median(timings):7.1f} {p95:7.1f} "
            f"{percentile(timings, 0.99):7.1f} {size / 1024:6.1f}"
        )
    print(f"worst p95: {worst:.1f} ms")
    return worst


# Run inside the app (demo mode): a signed-in session past the second factor (a
# confirmed authenticator, as the staff sign-in leaves it) for each of USERNAMES,
# printed as "bench: username session-key" lines.
SESSIONS = """
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

for username in USERNAMES:
    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    print("bench:", username, session.session_key)
"""


def bench_values(env: Mapping[str, str], script: str) -> dict[str, str]:
    """Runs ``script`` inside the app; its "bench: name value" lines, as a dict."""
    output = subprocess.run(
        [*MANAGE, "shell", "-c", script],
        env=dict(env),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    values = {}
    for line in output.splitlines():
        if line.startswith("bench: "):
            _, name, value = line.split()
            values[name] = value
    return values


def sessions(env: Mapping[str, str], usernames: Sequence[str]) -> dict[str, str]:
    """A signed-in staff session (its cookie value) for each username."""
    return bench_values(env, f"USERNAMES = {list(usernames)!r}\n{SESSIONS}")
