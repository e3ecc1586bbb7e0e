"""Runs the linters, then every test on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
postgres; the tests create and drop their own database beside it). When it cannot be
reached the PostgreSQL run is skipped with a message, except under CI=true, where an
unreachable PostgreSQL is a failure.
"""

import os
import subprocess
import sys
import time

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> bool:
    print(f"\n== {title}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    code = subprocess.call(command, env=env)  # noqa: S603
    print(
        f"== {title}: {'ok' if code == 0 else f'FAILED ({code})'} "
        f"in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return code == 0


def postgres_reachable(url: str) -> str | None:
    """None when a connection works, else why not."""
    try:
        import psycopg
    except ImportError as error:
        return str(error)
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def main() -> int:
    python = sys.executable
    pytest_args = sys.argv[1:]
    in_ci = os.environ.get("CI", "").lower() == "true"
    results = [
        run("ruff", [python, "-m", "ruff", "check", "."]),
        run("ruff format", [python, "-m", "ruff", "format", "--check", "."]),
        run("mypy", [python, "-m", "mypy", "."]),
    ]

    sqlite_env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:"}
    results.append(run("tests on SQLite", [python, "-m", "pytest", *pytest_args], sqlite_env))

    pg_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    problem = postgres_reachable(pg_url)
    if problem is None:
        pg_env = {**os.environ, "DATABASE_URL": pg_url}
        results.append(run("tests on PostgreSQL", [python, "-m", "pytest", *pytest_args], pg_env))
    elif in_ci:
        print(f"\n== tests on PostgreSQL: FAILED — {pg_url} unreachable under CI: {problem}")
        results.append(False)
    else:
        print(f"\n== tests on PostgreSQL: SKIPPED — {pg_url} unreachable: {problem}")

    passed, failed = results.count(True), results.count(False)
    print(f"\nsuites: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
