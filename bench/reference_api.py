"""Benchmark: latency of the read-only reference API with all 83,762 villages loaded.

Starts the app under granian (production mode, 2 WSGI workers) on a free loopback
port against the database in DATABASE_URL (default: an SQLite file under
var/bench/), loads the reference data there if needed, then sends each request
sequentially over one keep-alive connection and reports p50/p95/p99 per endpoint.

    .venv/bin/python bench/reference_api.py [--requests 300]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench \
        .venv/bin/python bench/reference_api.py
"""

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare_postgres(url: str) -> None:
    """Create the bench database when it does not exist yet."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(
        f"{base}/postgres".replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="Timed requests per URL.")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    database = os.environ.get("DATABASE_URL", f"sqlite:///{var / 'reference.sqlite3'}")
    if database.startswith("postgres"):
        prepare_postgres(database)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "ADUAN_MODE": "production",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ADUAN_DATA_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "warning",
    }
    manage = [sys.executable, "-m", "aduan"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_reference_data", "--no-progress"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "collectstatic", "--no-input", "-v0"],
        env={**env, "ADUAN_VAR_DIR": str(var)},
        check=True,
        cwd=ROOT,
    )

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "aduan.wsgi:application",
        ],
        env={**env, "ADUAN_VAR_DIR": str(var)},
        cwd=ROOT,
    )
    try:
        conn = wait_for(port, server)
        agency_id = json.loads(get(conn, "/api/v1/agencies?q=Kota%20Cirebon&kind=city")[1])[
            "items"
        ][0]["id"]
        deep = base64.urlsafe_b64encode(b"91.01").decode().rstrip("=")
        urls = [
            "/api/v1/regions?level=province",
            "/api/v1/regions?parent=32",
            "/api/v1/regions?parent=32.74.01",
            "/api/v1/regions?level=village",
            f"/api/v1/regions?level=village&cursor={deep}&page_size=200",
            "/api/v1/regions?q=cirebon",
            "/api/v1/regions?level=village&q=sukamaju",
            "/api/v1/regions/32.74",
            "/api/v1/regions/32.74.01.1001",
            "/api/v1/agencies?region=32.74",
            "/api/v1/agencies?region=32&page_size=100",
            "/api/v1/agencies?kind=ministry",
            "/api/v1/agencies?q=dinas",
            f"/api/v1/agencies/{agency_id}",
            "/api/v1/categories",
        ]
        print(f"database: {database.split('://')[0]}, {args.requests} sequential requests per URL")
        print(f"{'url':<62} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'KiB':>6}")
        worst = 0.0
        for url in urls:
            for _ in range(args.warmup):
                get(conn, url)
            timings = []
            size = 0
            for _ in range(args.requests):
                started = time.perf_counter()
                status, body = get(conn, url)
                timings.append((time.perf_counter() - started) * 1000)
                assert status == 200, (url, status, body[:200])
                size = len(body)
            p95 = percentile(timings, 0.95)
            worst = max(worst, p95)
            print(
                f"{url[:62]:<62} {statistics.median(timings):7.1f} {p95:7.1f} "
                f"{percentile(timings, 0.99):7.1f} {size / 1024:6.1f}"
            )
        print(f"worst p95: {worst:.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)


def get(conn: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
    conn.request("GET", url, headers={"Accept": "application/json"})
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


if __name__ == "__main__":
    main()
