"""The public statistics pages: the methodology publishes the weights, categories
and least number of reports in force."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_methodology_shows_the_configuration_in_force(client: Client, settings: Any) -> None:
    settings.STATS_INDEX_WEIGHTS = {
        "followed_up": 41,
        "first_on_time": 29,
        "completed_on_time": 17,
        "satisfied": 13,
    }
    settings.STATS_INDEX_CATEGORIES = {
        "sangat_responsif": 91,
        "responsif": 76,
        "cukup_responsif": 51,
    }
    settings.STATS_MIN_REPORTS = 12
    response = client.get("/statistik/metodologi")
    assert response.status_code == 200
    page = response.content.decode()
    for weight in ("<td>41</td>", "<td>29</td>", "<td>17</td>", "<td>13</td>", "<td>100</td>"):
        assert weight in page
    assert "Sangat Responsif" in page and "91 ke atas" in page and "di bawah 51" in page
    assert "kurang dari 12 laporan" in page and "Data belum cukup" in page


def test_the_methodology_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    page = client.get("/statistik/metodologi").content.decode()
    assert "Very responsive" in page and "Responsiveness index" in page
