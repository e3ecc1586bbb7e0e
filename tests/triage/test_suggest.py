"""Suggestions where people decide (issue 20, Build 2): the top categories and
agencies with confidence and words, beside the citizen's choice and the routing
table's; nothing below the floor; agencies that bounced the report left out; the
routing table alone, said so, without a model; every suggestion kept with the model
that made it; a newer model picked up by a running process."""

from typing import Any

import pytest
from django.test import Client

from aduan.agencies.models import Agency
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.triage.models import ROUTING_TABLE, Kind, SuggestionRecord, TriageModel
from aduan.triage.selectors import active_model, triage_suggest
from aduan.triage.services import triage_suggestion_record, triage_train
from tests.reports.conftest import Cast, MakeReport, cast, make_report
from tests.triage.history import history_make, trained

__all__ = ["cast", "make_report", "trained"]

pytestmark = pytest.mark.django_db


def _waiting(make_report: MakeReport, **fields: Any) -> Report:
    values = {
        "title": "Listrik padam lagi",
        "body": "Listrik PLN padam setiap malam tanpa pemberitahuan, pompa air rusak.",
        "category": "listrik.pemadaman",
    }
    return make_report(**{**values, **fields})


def test_the_national_admin_gets_categories_and_agencies(
    cast: Cast, trained: None, make_report: MakeReport
) -> None:
    report = _waiting(make_report)

    suggestion = triage_suggest(actor=cast.national, report=report)

    assert suggestion is not None and suggestion.learned
    top = suggestion.categories[0]
    assert top.code == "listrik.pemadaman" and top.confidence >= 0.3
    assert 0 < top.percent <= 100 and top.group
    assert set(top.words) & {"listrik", "padam", "pln"}
    assert suggestion.agencies[0].agency == Agency.objects.get(code="pln")
    # The category's made-up word is read, never shown as a word of the text.
    assert suggestion.agencies[0].words
    assert not any(word.startswith("xkat") for word in suggestion.agencies[0].words)
    assert suggestion.routing is not None and suggestion.routing.agency.code == "pln"
    assert suggestion.citizen_category is not None
    assert suggestion.citizen_category.code == "listrik.pemadaman"
    assert len(suggestion.categories) <= 3 and len(suggestion.agencies) <= 3
    versions = TriageModel.objects.filter(is_active=True).values_list("kind", "version")
    assert dict(versions) == {
        Kind.CATEGORY: suggestion.category_version,
        Kind.AGENCY: suggestion.agency_version,
    }


def test_the_regency_s_own_government_is_read_with_the_report_s_place(
    cast: Cast, trained: None, make_report: MakeReport
) -> None:
    road = "Lubang besar di jalan membahayakan pengendara motor, mohon diaspal ulang."
    in_kota = make_report(title="Jalan berlubang", body=road, category=None)
    in_banyumas = make_report(
        title="Jalan berlubang",
        body=road,
        category=None,
        location=services.Location(region="33.02.01"),
    )

    kota = triage_suggest(actor=cast.national, report=in_kota)
    banyumas = triage_suggest(actor=cast.national, report=in_banyumas)

    assert kota is not None and banyumas is not None
    assert kota.categories[0].code == "infrastruktur.jalan"  # no category: the model's
    assert kota.agencies[0].agency == cast.kota
    assert banyumas.agencies[0].agency == Agency.objects.get(code="pemda-33-02")


def test_nothing_is_suggested_below_the_floor(
    cast: Cast, trained: None, make_report: MakeReport, settings: Any
) -> None:
    settings.TRIAGE_MIN_CONFIDENCE = 0.999
    report = _waiting(make_report)

    suggestion = triage_suggest(actor=cast.national, report=report)

    assert suggestion is not None and suggestion.learned
    assert suggestion.categories == () and suggestion.agencies == ()
    assert suggestion.routing is not None  # the routing table's stays


def test_an_agency_that_bounced_the_report_is_not_suggested_again(
    cast: Cast, trained: None, make_report: MakeReport
) -> None:
    report = _waiting(make_report)
    pln = Agency.objects.get(code="pln")
    services.report_dispose(actor=cast.national, report=report, agency_id=pln.pk)
    services.report_bounce(actor=Actor.integration(pln.pk), report=report, reason="Bukan PLN.")
    report = Report.objects.get(pk=report.pk)

    suggestion = triage_suggest(actor=cast.national, report=report)

    assert suggestion is not None
    assert pln.pk in suggestion.bounced
    assert all(item.agency != pln for item in suggestion.agencies)


def test_without_a_model_the_routing_table_stands_alone(
    cast: Cast, make_report: MakeReport
) -> None:
    report = _waiting(make_report)

    suggestion = triage_suggest(actor=cast.national, report=report)

    assert suggestion is not None and not suggestion.learned
    assert suggestion.categories == () and suggestion.agencies == ()
    assert suggestion.routing is not None and suggestion.routing.agency.code == "pln"
    assert suggestion.record_version(Kind.AGENCY) == ROUTING_TABLE


def test_only_a_report_waiting_for_verification_gets_suggestions(
    cast: Cast, trained: None, make_report: MakeReport
) -> None:
    report = _waiting(make_report)
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)

    assert triage_suggest(actor=cast.national, report=report) is None


def test_suggestions_can_be_turned_off(
    cast: Cast, trained: None, make_report: MakeReport, settings: Any
) -> None:
    settings.TRIAGE_SUGGEST = False

    assert triage_suggest(actor=cast.national, report=_waiting(make_report)) is None


def test_every_suggestion_is_kept_with_its_model_once(
    cast: Cast, trained: None, make_report: MakeReport
) -> None:
    report = _waiting(make_report)
    suggestion = triage_suggest(actor=cast.national, report=report)
    assert suggestion is not None

    first = triage_suggestion_record(report=report, suggestion=suggestion)
    again = triage_suggestion_record(report=report, suggestion=suggestion)

    assert [record.kind for record in first] == [Kind.CATEGORY, Kind.AGENCY]
    assert again == []  # the same model said the same: kept once
    category = SuggestionRecord.objects.get(report=report, kind=Kind.CATEGORY)
    assert category.model_version == suggestion.category_version
    assert category.model is not None and category.model.kind == Kind.CATEGORY
    assert category.suggested[0]["label"] == "listrik.pemadaman"
    assert 0 < category.suggested[0]["confidence"] <= 1
    assert not category.automatic


def test_the_routing_table_s_suggestion_is_kept_too(cast: Cast, make_report: MakeReport) -> None:
    report = _waiting(make_report)
    suggestion = triage_suggest(actor=cast.national, report=report)
    assert suggestion is not None

    triage_suggestion_record(report=report, suggestion=suggestion)

    agency = SuggestionRecord.objects.get(report=report, kind=Kind.AGENCY)
    assert agency.model is None and agency.model_version == ROUTING_TABLE
    assert agency.suggested == [{"label": "pln", "confidence": None, "words": []}]


def test_a_process_picks_up_a_newer_model(
    cast: Cast, trained: None, make_report: MakeReport, settings: Any
) -> None:
    held = active_model(Kind.CATEGORY)
    assert held is not None
    assert active_model(Kind.CATEGORY) is held  # loaded once
    history_make(cast, per_topic=4, seed=9)
    (newer,) = triage_train(kinds=[Kind.CATEGORY], check=False)
    assert newer.model is not None

    from aduan.lib.memo import reference_memo_clear

    reference_memo_clear()  # as REFERENCE_TTL passing does

    now_held = active_model(Kind.CATEGORY)
    assert now_held is not None and now_held.version == newer.model.version != held.version
    suggestion = triage_suggest(actor=cast.national, report=_waiting(make_report))
    assert suggestion is not None and suggestion.category_version == newer.model.version


def test_a_stored_model_this_release_cannot_use_counts_as_none(
    cast: Cast, trained: None, make_report: MakeReport, settings: Any
) -> None:
    from aduan.lib.memo import reference_memo_clear
    from aduan.triage.selectors import active_models_forget
    from aduan.triage.services import triage_due

    # As a model stored by a release whose classifier read texts otherwise, or
    # signed with another SECRET_KEY.
    TriageModel.objects.filter(kind=Kind.CATEGORY, is_active=True).update(data=b"ADUANTC1 old")
    active_models_forget()
    reference_memo_clear()
    report = _waiting(make_report)

    suggestion = triage_suggest(actor=cast.national, report=report)

    assert suggestion is not None and suggestion.category_version == ""
    assert suggestion.categories == () and suggestion.agencies  # the agency model still works
    assert active_model(Kind.CATEGORY) is None
    # Due at once, however fresh: the worker replaces it.
    assert triage_due()
    (again,) = triage_train(kinds=[Kind.CATEGORY], check=False)
    assert again.model is not None
    reference_memo_clear()
    assert active_model(Kind.CATEGORY) is not None


# -- the portal's form -------------------------------------------------------------------


def _suggest(client: Client, **data: str) -> Any:
    return client.post("/lapor/saran-kategori", data)


def test_the_portal_suggests_a_category_for_the_text_so_far(client: Client, trained: None) -> None:
    answer = _suggest(client, title="Listrik mati", body="Listrik PLN padam setiap malam.")

    assert answer.status_code == 200
    suggestions = answer.json()["suggestions"]
    assert suggestions[0]["category"] == "listrik.pemadaman"
    assert set(suggestions[0]) == {"category", "name", "group", "percent"}
    assert 30 <= suggestions[0]["percent"] <= 100


def test_the_portal_suggests_nothing_for_too_little_text_or_without_a_model(
    client: Client, db: None
) -> None:
    assert _suggest(client, title="Listrik", body="").json() == {"suggestions": []}
    assert _suggest(client, title="Listrik mati", body="Padam setiap malam").json() == {
        "suggestions": []
    }


def test_the_portal_s_suggestion_refuses_what_is_not_text(client: Client, trained: None) -> None:
    assert client.get("/lapor/saran-kategori").status_code == 405
    too_long = _suggest(client, title="x" * 151, body="Listrik padam")
    assert too_long.status_code == 400 and too_long.json()["suggestions"] == []
    assert "error" in too_long.json()


def test_the_portal_s_suggestion_is_rate_limited(
    client: Client, trained: None, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "suggest": "2/h"}
    for _ in range(2):
        assert _suggest(client, title="Listrik mati", body="Padam").status_code == 200

    assert _suggest(client, title="Listrik mati", body="Padam").status_code == 429


def test_the_portal_s_suggestion_can_be_turned_off(
    client: Client, trained: None, settings: Any
) -> None:
    settings.TRIAGE_SUGGEST_PORTAL = False
    answer = _suggest(client, title="Listrik mati", body="Listrik PLN padam setiap malam.")
    assert answer.json() == {"suggestions": []}


def test_the_form_loads_the_script_and_works_without_it(client: Client, db: None) -> None:
    place = {"type": "complaint", "category": "listrik.pemadaman", "province": "32"}
    place |= {"regency": "32.74", "district": "32.74.01", "langkah": "2"}
    html = client.get("/lapor", place).content.decode()

    assert "aduan/suggest.js" in html and 'data-suggest-url="/lapor/saran-kategori"' in html
    assert 'id="category-suggestion" hidden' in html
    # The citizen's own choice is what the form sends, script or not.
    assert 'type="hidden" name="category" value="listrik.pemadaman"' in html
