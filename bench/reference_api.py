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
import json
import os
import secrets

from cryptography.fernet import Fernet
from harness import bench_database, get, manage, served, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="Timed requests per URL.")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    database = bench_database("reference.sqlite3")
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "ADUAN_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ADUAN_DATA_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "CACHE_URL": "redis://127.0.0.1:6379/15",
        "LOG_LEVEL": "warning",
    }
    manage("migrate", "-v0", env=env)
    manage("load_reference_data", "--no-progress", env=env)
    with served(env) as conn:
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
        timed(conn, urls, requests=args.requests, warmup=args.warmup)


if __name__ == "__main__":
    main()
