"""`make test`: the linters, the import contracts and every test on SQLite and on
PostgreSQL, side by side.

The machine has two cores: the two databases' runs go at once, one pytest process
each, with each linter beside them. Each part writes its output to
var/test-reports/<part>.log; while they run, a line every half minute says how far
each has come; at the end each part's result is one line, then the output of every
part that failed (its failures together), then the closing count over both databases.

PostgreSQL comes from TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
postgres; the tests create and drop their own databases beside it). When it cannot be
reached the PostgreSQL run is skipped with a message, except under CI=true, where an
unreachable PostgreSQL is a failure.

Arguments are handed to both pytest runs (``scripts/run_tests.py -k journey``).
"""

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
REPORTS = Path("var/test-reports")
PROGRESS_EVERY = 30.0
_PERCENT = re.compile(rb"\[\s*(\d+)%\]")


@dataclass
class Part:
    """One thing the run checks: a command whose output goes to its own log."""

    title: str
    command: list[str]
    env: dict[str, str] | None = None
    log: Path = field(init=False)
    started: float = 0.0
    finished: float | None = None
    failed: bool = False
    _process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.log = REPORTS / f"{self.title.replace(' ', '-')}.log"

    def start(self) -> None:
        self.started = time.monotonic()
        with self.log.open("wb") as out:
            out.write(f"$ {' '.join(self.command)}\n".encode())
            out.flush()
            self._process = subprocess.Popen(  # noqa: S603
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def poll(self) -> bool:
        """True once the command has ended."""
        if self.finished is None:
            assert self._process is not None
            code = self._process.poll()
            if code is None:
                return False
            self.failed, self.finished = code != 0, time.monotonic()
        return True

    def progress(self) -> str:
        if self.finished is not None:
            return "failed" if self.failed else "ok"
        percents = _PERCENT.findall(self.log.read_bytes()[-4096:])
        return f"{int(percents[-1])}%" if percents else "…"

    def verdict(self) -> str:
        seconds = (self.finished or time.monotonic()) - self.started
        summary = _last_summary(self.log)
        return f"== {self.title}: {'FAILED' if self.failed else 'ok'} in {seconds:.0f} s" + (
            f" — {summary}" if summary else ""
        )


def _last_summary(log: Path) -> str:
    """pytest's closing line (``1445 passed, 2 skipped in 530.12s``), if any."""
    for line in reversed(log.read_text(errors="replace").splitlines()[-20:]):
        if re.search(r"\b(passed|failed|error|no tests ran)\b", line) and " in " in line:
            return line.strip("= ")
    return ""


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


def quick_imports() -> dict[str, str]:
    """The environment with Python's bytecode caches allowed: without them every test
    process, and every app server and worker a test starts, compiles aduan afresh,
    and pytest rewrites the asserts of every test module again (15 s a run)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def pytest_part(title: str, database_url: str, args: list[str]) -> Part:
    report = REPORTS / f"{title.replace(' ', '-')}.xml"
    report.unlink(missing_ok=True)
    # A fresh template database: every run proves the migrations and the loader.
    command = [sys.executable, "-m", "pytest", "--fresh-template", f"--junit-xml={report}", *args]
    return Part(title, command, {**quick_imports(), "DATABASE_URL": database_url})


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
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in [*REPORTS.glob("*.xml"), *REPORTS.glob("*.log")]:
        old.unlink()

    parts = [
        Part("ruff", [python, "-m", "ruff", "check", "."], quick_imports()),
        Part("ruff format", [python, "-m", "ruff", "format", "--check", "."], quick_imports()),
        Part("mypy", [python, "-m", "mypy", "."], quick_imports()),
        # The import contracts of pyproject.toml ([tool.importlinter]).
        Part("import contracts", [str(Path(python).with_name("lint-imports")), "--no-cache"]),
        pytest_part("tests on SQLite", "sqlite:///:memory:", pytest_args),
    ]
    broken: list[str] = []
    pg_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    problem = postgres_reachable(pg_url)
    if problem is None:
        parts.append(pytest_part("tests on PostgreSQL", pg_url, pytest_args))
    elif in_ci:
        broken.append(f"== tests on PostgreSQL: FAILED — {pg_url} unreachable under CI: {problem}")
    else:
        print(f"== tests on PostgreSQL: SKIPPED — {pg_url} unreachable: {problem}")

    started = time.monotonic()
    for part in parts:
        print(f"== {part.title}: started (output in {part.log})", flush=True)
        part.start()
    shown = started
    while not all(part.poll() for part in parts):
        time.sleep(0.5)
        if time.monotonic() - shown >= PROGRESS_EVERY:
            shown = time.monotonic()
            elapsed = int(shown - started)
            states = " · ".join(f"{part.title} {part.progress()}" for part in parts)
            print(f"   {elapsed // 60}:{elapsed % 60:02d}  {states}", flush=True)

    print()
    for part in parts:
        print(part.verdict())
    for part in parts:
        if part.failed:
            print(f"\n{'=' * 30} output of {part.title} {'=' * 30}")
            print(part.log.read_text(errors="replace"), flush=True)
    for line in broken:
        print(line)

    failed = broken + [part.title for part in parts if part.failed]
    passed, failures, skipped = counted()
    total = len(parts) + len(broken)
    print(f"\nparts (linters and test runs): {total - len(failed)} ok, {len(failed)} failed")
    print(f"in {time.monotonic() - started:.0f} s")
    # The closing line counts tests over both databases.
    print(
        f"tests: {passed} passed, {failures} failed" + (f", {skipped} skipped" if skipped else "")
    )
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
