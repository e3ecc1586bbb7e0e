import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_speaks_indonesian_first(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Sampaikan pengaduan" in html
    assert "83.762" in html  # villages, with Indonesian digit grouping


def test_home_page_in_english_by_choice(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Submit your complaint" in html
    assert "83,762" in html


def test_each_language_is_offered_in_its_own_words(client: Client) -> None:
    # Found by a browser test: the switch said "Inggris" (English in Indonesian).
    html = client.get("/").content.decode()
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'value="id" lang="id">Bahasa Indonesia</button>' in html


def test_home_page_shows_what_happened_to_the_reports(
    client: Client, make_report: Any, dispositioned: Any, cast: Any
) -> None:
    from aduan.reports import services

    make_report()
    followed = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=followed, text="Sedang diperbaiki.")
    html = client.get("/").content.decode()
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert (figures["Laporan diterima"], figures["Ditindaklanjuti"], figures["Selesai"]) == (
        "2",
        "1",
        "0",
    )
