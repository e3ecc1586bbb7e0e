"""The responsiveness index: weights and thresholds from configuration, a share
that cannot be measured left out, too few reports not ranked."""

from typing import Any

import pytest

from aduan.stats.index import Category, category_of, index_of
from aduan.stats.metrics import Metrics


def figures(received: int, **counts: int) -> Metrics:
    return Metrics(counts={"received": received, **counts})


def test_every_report_followed_up_on_time_is_very_responsive() -> None:
    cirebon = figures(
        134,
        followed_up=134,
        first_on_time=134,
        completed_on_time=120,
        rating_count=50,
        satisfied=45,
    )
    index = index_of(cirebon)
    # 50 × 100 + 30 × 100 + 10 × 89.55… + 10 × 90, over 100.
    assert index.value == pytest.approx(98.0, abs=0.05)
    assert index.category == Category.SANGAT_RESPONSIF
    assert index.category.label == "Sangat Responsif"


def test_no_ratings_leave_the_other_weights_in_proportion() -> None:
    index = index_of(figures(20, followed_up=20, first_on_time=10, completed_on_time=20))
    # (50 × 100 + 30 × 50 + 10 × 100) / 90
    assert index.value == pytest.approx(83.3, abs=0.05)
    assert index.category == Category.RESPONSIF


def test_too_few_reports_are_insufficient_data(settings: Any) -> None:
    settings.STATS_MIN_REPORTS = 10
    index = index_of(figures(9, followed_up=9, first_on_time=9))
    assert (index.value, index.category, index.ranked) == (None, Category.INSUFFICIENT, False)
    assert index.category.label == "Data belum cukup"


def test_weights_and_thresholds_are_configuration(settings: Any) -> None:
    settings.STATS_INDEX_WEIGHTS = {
        "followed_up": 0,
        "first_on_time": 100,
        "completed_on_time": 0,
        "satisfied": 0,
    }
    settings.STATS_INDEX_CATEGORIES = {
        "sangat_responsif": 95,
        "responsif": 60,
        "cukup_responsif": 40,
    }
    index = index_of(figures(10, followed_up=10, first_on_time=6))
    assert (index.value, index.category) == (60, Category.RESPONSIF)


@pytest.mark.parametrize(
    ("value", "category"),
    [
        (100, Category.SANGAT_RESPONSIF),
        (90, Category.SANGAT_RESPONSIF),
        (89.9, Category.RESPONSIF),
        (75, Category.RESPONSIF),
        (74.9, Category.CUKUP_RESPONSIF),
        (50, Category.CUKUP_RESPONSIF),
        (49.9, Category.KURANG_RESPONSIF),
        (0, Category.KURANG_RESPONSIF),
    ],
)
def test_the_default_categories(value: float, category: Category) -> None:
    assert category_of(value) == category
