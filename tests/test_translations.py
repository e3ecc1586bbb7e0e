"""Every screen string has its English translation: the catalog in the repo is
complete and up to date with the code."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "aduan" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _joined(match: re.Match[str]) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))


def _entries(po: Path) -> dict[str, str]:
    text = po.read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr and _joined(msgid):
            entries[_joined(msgid)] = _joined(msgstr)
    return entries


def test_every_english_entry_is_translated() -> None:
    entries = _entries(CATALOG)
    assert entries
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    assert "#, fuzzy" not in CATALOG.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalog_holds_every_string_of_the_code(tmp_path: Path) -> None:
    copy = tmp_path / "aduan"
    shutil.copytree(ROOT / "aduan", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location"],
        cwd=copy,
        env={"DJANGO_SETTINGS_MODULE": "", "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    fresh = set(_entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = fresh - set(_entries(CATALOG))
    assert not missing, f"run makemessages -l en in aduan/ and translate: {sorted(missing)}"
