"""Answers that help (aduan/triage/answers.py): the actor's own agency's answers to
the most similar closed reports, offered to who may follow the report up, never
another agency's, never a confidential report's, never one naming its reporter."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.triage.answers import answer_drafts
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

pytestmark = pytest.mark.django_db

TITLE = "Jalan Pemuda berlubang besar"
BODY = "Lubang besar di Jalan Pemuda depan SD Negeri 5 membahayakan pengendara motor."
ANSWER = "Lubang di Jalan Pemuda sudah kami tambal pada hari Senin oleh tim UPT Jalan."


def _closed(cast: Cast, report: Report, *, by: Actor, text: str) -> Report:
    services.report_answer(actor=by, report=report, text=text)
    services.report_confirm(actor=cast.owner, report=report, rating=5)
    return report


@pytest.fixture
def answered(cast: Cast, dispositioned: Callable[..., Report]) -> Report:
    """A closed report of Kota Cirebon's Dinas PUPR, answered by its liaison."""
    return _closed(cast, dispositioned(title=TITLE, body=BODY), by=cast.liaison, text=ANSWER)


def test_the_agency_s_answer_to_a_similar_closed_report_is_offered(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report
) -> None:
    report = dispositioned(title="Lubang di Jalan Pemuda", body=BODY)
    drafts = answer_drafts(actor=cast.liaison, report=report)
    assert [(d.text, d.report, d.final) for d in drafts] == [(ANSWER, answered, True)]
    assert 0.25 <= drafts[0].similarity <= 1.0
    # The agency admin handles it too.
    assert [d.text for d in answer_drafts(actor=cast.agency_admin, report=report)] == [ANSWER]


def test_nothing_is_offered_for_a_report_unlike_any(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report
) -> None:
    report = dispositioned(title="Puskesmas kekurangan obat", body="Stok obat anak habis.")
    assert answer_drafts(actor=cast.liaison, report=report) == []


def test_another_agency_s_answers_are_never_offered(
    cast: Cast, make_report: MakeReport, dispositioned: Callable[..., Report]
) -> None:
    theirs = make_report(title=TITLE, body=BODY, location=services.Location(region="32.09.01"))
    services.report_dispose(actor=cast.national, report=theirs, agency_id=cast.kabupaten.pk)
    _closed(cast, theirs, by=cast.other_agency_admin, text="Jawaban Kabupaten Cirebon.")
    report = dispositioned(title=TITLE, body=BODY)
    assert answer_drafts(actor=cast.liaison, report=report) == []
    assert answer_drafts(actor=cast.agency_admin, report=report) == []


def test_a_confidential_report_s_answer_is_never_offered(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    secret = dispositioned(title=TITLE, body=BODY, confidential=True)
    _closed(cast, secret, by=cast.liaison, text=ANSWER)
    report = dispositioned(title=TITLE, body=BODY)
    assert answer_drafts(actor=cast.liaison, report=report) == []


def test_an_answer_naming_its_reporter_is_never_offered(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    cast.reporter.name = "Ani Suryani"
    cast.reporter.save()
    named = dispositioned(title=TITLE, body=BODY)
    _closed(cast, named, by=cast.liaison, text=f"Ibu Suryani, {ANSWER}")
    report = dispositioned(title=TITLE, body=BODY)
    assert answer_drafts(actor=cast.liaison, report=report) == []


@pytest.mark.parametrize(
    "role",
    ["public", "owner", "other_citizen", "national", "supervisor", "other_agency_admin"],
)
def test_who_may_not_follow_the_report_up_gets_nothing(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report, role: str
) -> None:
    report = dispositioned(title=TITLE, body=BODY)
    assert answer_drafts(actor=getattr(cast, role), report=report) == []


def test_staff_without_the_second_factor_get_nothing(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report
) -> None:
    report = dispositioned(title=TITLE, body=BODY)
    assert cast.liaison.user is not None
    assert answer_drafts(actor=Actor.for_user(cast.liaison.user), report=report) == []


def test_a_deployment_can_turn_them_off(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report, settings: Any
) -> None:
    settings.TRIAGE_ANSWER_DRAFTS = False
    report = dispositioned(title=TITLE, body=BODY)
    assert answer_drafts(actor=cast.liaison, report=report) == []


def _case(client: Client, report: Report) -> str:
    return client.get(f"/kantor/laporan/{report.tracking_number}").content.decode()


def test_the_case_page_offers_them_beside_the_follow_up_forms(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report
) -> None:
    report = dispositioned(title=TITLE, body=BODY)
    assert cast.liaison.user is not None
    html = _case(verified_client(cast.liaison.user), report)
    assert "Jawaban instansi Anda untuk laporan serupa" in html
    assert ANSWER in html  # shown to copy without JavaScript
    assert 'data-answer-target="id_follow_up_text"' in html
    assert 'data-answer-target="id_answer_text"' in html
    assert "backoffice/answers.js" in html
    # Nothing was sent: the report is as it was.
    report.refresh_from_db()
    assert report.state == "dispositioned" and report.first_follow_up_at is None


def test_the_national_admin_s_case_page_has_none(
    cast: Cast, dispositioned: Callable[..., Report], answered: Report
) -> None:
    report = dispositioned(title=TITLE, body=BODY)
    assert cast.national.user is not None
    html = _case(verified_client(cast.national.user), report)
    assert "Jawaban instansi Anda untuk laporan serupa" not in html
    assert ANSWER not in html.split("Perjalanan laporan")[0]
