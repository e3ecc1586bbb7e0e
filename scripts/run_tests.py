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
import xml.etree.ElementTree as ET
from pathlib import Path

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
REPORTS = Path("var/test-reports")


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


def pytest_run(title: str, database_url: str, args: list[str]) -> bool:
    report = REPORTS / f"{title.replace(' ', '-')}.xml"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", f"--junit-xml={report}", *args]
    return run(title, command, {**os.environ, "DATABASE_URL": database_url})


def counted() -> tuple[int, int, int]:
    """Tests passed, failed (or errored) and skipped over every pytest run."""
    passed = failed = skipped = 0
    for report in REPORTS.glob("*.xml"):
        for suite in ET.parse(report).getroot().iter("testsuite"):  # noqa: S314
            total, skip = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed, failed, skipped = passed + total - skip - bad, failed + bad, skipped + skip
    return passed, failed, skipped


def main() -> int:
    python = sys.executable
    pytest_args = sys.argv[1:]
    in_ci = os.environ.get("CI", "").lower() == "true"
    results = [
        run("ruff", [python, "-m", "ruff", "check", "."]),
        run("ruff format", [python, "-m", "ruff", "format", "--check", "."]),
        run("mypy", [python, "-m", "mypy", "."]),
    ]

    REPORTS.mkdir(parents=True, exist_ok=True)
    for report in REPORTS.glob("*.xml"):
        report.unlink()
    results.append(pytest_run("tests on SQLite", "sqlite:///:memory:", pytest_args))

    pg_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    problem = postgres_reachable(pg_url)
    if problem is None:
        results.append(pytest_run("tests on PostgreSQL", pg_url, pytest_args))
    elif in_ci:
        print(f"\n== tests on PostgreSQL: FAILED — {pg_url} unreachable under CI: {problem}")
        results.append(False)
    else:
        print(f"\n== tests on PostgreSQL: SKIPPED — {pg_url} unreachable: {problem}")

    passed, failed, skipped = counted()
    broken = results.count(False)
    print(f"\nsuites (linters and test runs): {len(results) - broken} ok, {broken} failed")
    # The closing line counts tests over both databases.
    print(f"tests: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if broken == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
