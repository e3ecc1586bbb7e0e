"""`make check`: the quick loop — the linters, then the tests the change affects, on
SQLite, on both cores.

Which tests:
- pytest-testmon keeps, for every test, the Python code it ran (in .testmondata); it
  selects the tests whose code changed since the last `make check`. The first run
  has nothing to compare with, so it runs every test once.
- Files testmon does not follow (templates, translations, static files, data files)
  are taken from git's uncommitted changes: a change under aduan/<package>/ selects
  tests/<package>/; a change anywhere else outside aduan/ and tests/ (pyproject.toml,
  the Makefile, scripts) selects every test.

What it cannot see: code that a test runs in another process (the app server of the
browser tests, the worker processes of the worker tests), and PostgreSQL. `make test`
runs everything on both databases; run it before the commit you stop on.

Arguments are handed to pytest (``make check ARGS="-x"``).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Changes that testmon follows itself, or that no test depends on.
_FOLLOWED = (".py", ".pyi", ".md")


def run(command: list[str]) -> int:
    print(f"\n$ {' '.join(command)}", flush=True)
    return subprocess.call(command, cwd=ROOT)  # noqa: S603


def uncommitted() -> list[str]:
    """Paths changed since the last commit, or new and not ignored."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--no-renames"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line[3:] for line in out.splitlines()]


def unfollowed_tests(paths: list[str]) -> list[str] | None:
    """Test folders for the changed files that testmon does not follow; None means
    every test."""
    folders: set[str] = set()
    for path in paths:
        if path.endswith(_FOLLOWED) or path.startswith(("tests/", "docs/", "bench/")):
            continue
        parts = Path(path).parts
        if parts[0] != "aduan":
            return None
        package = ROOT / "tests" / parts[1] if len(parts) > 2 else None
        if package is None or not package.is_dir():
            return None
        folders.add(f"tests/{parts[1]}")
    return sorted(folders)


def main() -> int:
    # Bytecode caches allowed (see scripts/run_tests.py).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    pytest_args = sys.argv[1:]
    failed = [
        title
        for title, command in [
            ("ruff", [python, "-m", "ruff", "check", "."]),
            ("ruff format", [python, "-m", "ruff", "format", "--check", "."]),
            ("mypy", [python, "-m", "mypy", "."]),
            ("import contracts", [str(Path(python).with_name("lint-imports")), "--no-cache"]),
        ]
        if run(command) != 0
    ]
    pytest = [python, "-m", "pytest", "-n", "2", "--dist", "loadgroup"]
    folders = unfollowed_tests(uncommitted())
    if folders is None:
        print("\nA change outside aduan/ and tests/: every test.")
        code = run([*pytest, "--testmon-noselect", *pytest_args])
    else:
        code = run([*pytest, "--testmon", *pytest_args])
        if code == 5:  # testmon found nothing affected
            code = 0
        if folders and code == 0:
            print(f"\nTemplates, translations or data changed: {' '.join(folders)}")
            code = run([*pytest, *folders, *pytest_args])
    if code != 0:
        failed.append("tests")
    print(f"\nmake check: {'failed: ' + ', '.join(failed) if failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
