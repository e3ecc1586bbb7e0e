"""The public's answer for a report is rendered once per change and kept: every
change of what the public reads shows at once, and the kept answer is the public's
only — never an owner's, nor a report that stopped being public."""

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from aduan.community import services as community
from aduan.lib.memo import reference_memo_clear
from aduan.reports import services
from aduan.reports.models import Report
from tests.api.conftest import Tokens, bearer
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

Make = Callable[..., Report]


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    reference_memo_clear()


def _public(api: Client, report: Report) -> dict:  # type: ignore[type-arg]
    response = api.get(f"/api/v1/reports/{report.tracking_number}")
    assert response.status_code == 200, response.content
    assert response["content-type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def test_every_change_shows_at_once(
    api: Client, cast: Cast, dispositioned: Make, django_assert_num_queries: Any
) -> None:
    report = dispositioned()
    first = _public(api, report)
    with django_assert_num_queries(1):  # the kept answer, after one indexed read
        assert _public(api, report) == first
    assert first["state"] == "dispositioned" and first["support_count"] == 0

    services.report_follow_up(actor=cast.agency_admin, report=report, text="Sedang diperbaiki.")
    after = _public(api, report)
    assert after["state"] == "in_progress"
    assert "Sedang diperbaiki." in [event["text"] for event in after["timeline"]]

    community.support_add(actor=cast.other_citizen, report=report)
    assert _public(api, report)["support_count"] == 1

    services.report_attachment_add(actor=cast.owner, report=report, data=_png())
    assert len(_public(api, report)["attachments"]) == 1


def test_the_language_is_part_of_the_answer(api: Client, dispositioned: Make) -> None:
    report = dispositioned()
    indonesian = _public(api, report)["state_label"]
    english = api.get(
        f"/api/v1/reports/{report.tracking_number}", headers={"accept-language": "en"}
    ).json()["state_label"]
    assert indonesian != english and _public(api, report)["state_label"] == indonesian


def test_the_owner_is_never_answered_from_the_publics_copy(
    api: Client, tokens: Tokens, cast: Cast, dispositioned: Make
) -> None:
    cast.reporter.name = "Ani Lestari"
    cast.reporter.save()
    report = dispositioned()
    assert _public(api, report)["reporter"] is None
    mine = api.get(f"/api/v1/reports/{report.tracking_number}", headers=bearer(tokens.owner))
    assert mine.json()["reporter"]["name"] == "Ani Lestari"
    assert (
        "Ani Lestari" not in api.get(f"/api/v1/reports/{report.tracking_number}").content.decode()
    )


def test_a_report_is_public_from_the_moment_it_is_dispositioned(
    api: Client, cast: Cast, make_report: Make
) -> None:
    report = make_report()
    url = f"/api/v1/reports/{report.tracking_number}"
    assert api.get(url).json()["view"] == "status"  # its status only, until then
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    assert _public(api, report)["state"] == "dispositioned"
