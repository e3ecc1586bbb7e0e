"""Dates are written one way in each language, on pages, in mails and in SMS: "10
Desember 2026" or "10 Des 2026" (never Django's "10 Des. 2026")."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from aduan.reports.notices import notice_text
from tests.reports.conftest import MakeReport

ADUAN = Path(__file__).resolve().parents[2] / "aduan"
DAY = date(2026, 12, 10)
# A month's short name followed by a full stop, in either language.
_DOTTED = re.compile(r"\b(Jan|Feb|Mar|Apr|Mei|May|Jun|Jul|Agu|Aug|Sep|Okt|Oct|Nov|Des|Dec)\.")


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [("id", "10 Desember 2026", "10 Des 2026"), ("en", "10 December 2026", "10 Dec 2026")],
)
def test_the_named_formats_write_one_way(language: str, long: str, short: str) -> None:
    moment = datetime(2026, 12, 10, 14, 30, tzinfo=UTC)
    with translation.override(language):
        assert date_format(DAY, "DATE_FORMAT") == long
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == f"{short} 14:30"
        assert date_format(DAY, "j M Y") == short  # the letters the templates write
        rendered = Template("{{ day|date }} · {{ day|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"day": DAY})
        )
        assert rendered == f"{long} · {short}"


def test_no_code_or_template_asks_for_a_dotted_month() -> None:
    """Django's "N" (a month's short name with a full stop) is the other way."""
    asked = re.compile(r"""(?:\|date:|date_format\([^,]+,\s*)["']([^"']*)["']""")
    found = [
        (path.name, fmt)
        for path in ADUAN.rglob("*")
        if path.suffix in (".py", ".html", ".txt") and "locale" not in path.parts
        for fmt in asked.findall(path.read_text(encoding="utf-8"))
        if "N" in fmt.replace("_FORMAT", "")
    ]
    assert found == []


@pytest.mark.django_db
def test_a_receipt_mail_writes_its_deadline_as_the_pages_do(make_report: MakeReport) -> None:
    report = make_report()
    report.deadline_at = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)  # 17:00 WIB
    with translation.override("id"):
        text = notice_text("receipt", short=False, report=report)
    assert "paling lambat 10 Des 2026" in text
    assert not _DOTTED.search(text)
