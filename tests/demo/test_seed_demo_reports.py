"""The seed_demo command's reports part, on an empty database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from aduan.demo.desk import DESK
from aduan.demo.reports import demo_reports_create
from aduan.lib.errors import NotPermitted
from aduan.reports.models import Report

pytestmark = pytest.mark.django_db


def test_production_mode_refuses(db: None) -> None:
    with override_settings(DEMO_MODE=False):
        with pytest.raises(NotPermitted):
            demo_reports_create(count=10, seed=1)
        with pytest.raises(CommandError, match="mode demo"):
            call_command("seed_demo", "--reports", "10")
    assert not Report.objects.exists()


def test_the_command_seeds_and_then_says_there_are_enough(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo", "--reports", "40", "--seed", "5", "--no-progress")
    assert "40 created" in capsys.readouterr().out
    call_command("seed_demo", "--reports", "40", "--no-progress")
    assert "already holds 40" in capsys.readouterr().out
    assert Report.objects.count() == 40 + len(DESK)  # and the demo staff's desks, once
