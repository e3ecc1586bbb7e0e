"""A citizen's supports and comments are in their data export, nobody else's."""

import json
from collections.abc import Callable

import pytest
from django.test import Client

from aduan.community import services
from aduan.reports.models import Report
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_my_supports_and_comments_are_in_my_export_and_no_one_elses(
    client: Client, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.support_add(actor=cast.other_citizen, report=report)
    mine = services.comment_add(actor=cast.other_citizen, report=report, body="Saya juga.")
    services.comment_add(actor=cast.owner, report=report, body="Terima kasih dukungannya.")
    services.comment_report_abuse(actor=cast.owner, comment=mine)

    assert cast.other_citizen.user is not None
    client.force_login(cast.other_citizen.user)
    data = json.loads(client.get("/akun/data.json").content)
    assert [s["report"] for s in data["supports"]] == [report.tracking_number]
    assert [c["text"] for c in data["comments"]] == ["Saya juga."]
    assert data["comment_abuse_reports"] == []
