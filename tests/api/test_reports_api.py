import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from aduan.reports import services
from aduan.reports.models import Action, Report
from tests.api.conftest import Tokens, bearer, call, problem
from tests.reports.conftest import Cast, MakeReport

NEW = {
    "type": "complaint",
    "title": "Lampu jalan mati",
    "body": "Lampu di Jalan Kartini mati sejak seminggu.",
    "category": "infrastruktur.jalan",
    "region": "32.74.01",
    "address": "Jl. Kartini 5",
    "latitude": -6.71,
    "longitude": 108.55,
}
Make = Callable[..., Report]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def _url(report: Report, action: str = "") -> str:
    return f"/api/v1/reports/{report.tracking_number}" + (f"/{action}" if action else "")


# -- create ---------------------------------------------------------------------------


def test_a_citizen_sends_a_report_as_json(api: Client, tokens: Tokens, cast: Cast) -> None:
    response = call(api, "post", "/api/v1/reports", tokens.owner, json={**NEW, "anonymous": True})
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(tracking_number=body["tracking_number"])
    assert report.reporter == cast.reporter and report.channel == "api"
    assert body["state"] == "submitted" and body["view"] == "full"
    assert body["category"] == "infrastruktur.jalan" and body["region"] == "32.74.01"
    assert body["anonymous"] is True and body["confidential"] is False
    assert body["reporter"]["name"] == "ani"  # the owner sees their own identity
    assert body["deadline_kind"] == "verify" and body["deadline_at"]
    assert [e["action"] for e in body["timeline"]] == ["submit"]


def test_a_report_comes_with_files_as_multipart(api: Client, tokens: Tokens) -> None:
    upload = io.BytesIO(_png())
    upload.name = "foto.png"
    form = {**NEW, "confidential": "true", "files": [upload]}
    response = api.post("/api/v1/reports", form, headers=bearer(tokens.owner))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["confidential"] is True
    assert [a["content_type"] for a in body["attachments"]] == ["image/png"]


def test_anonymous_callers_and_revoked_tokens_cannot_send(api: Client, tokens: Tokens) -> None:
    problem(call(api, "post", "/api/v1/reports", None, json=NEW), 401, "unauthenticated")
    problem(call(api, "post", "/api/v1/reports", tokens.revoked, json=NEW), 401, "unauthenticated")
    assert not Report.objects.exists()


def test_another_content_type_is_415(api: Client, tokens: Tokens) -> None:
    response = api.post(
        "/api/v1/reports", "type=complaint", content_type="text/plain", headers=bearer(tokens.owner)
    )
    problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"type": "gossip"}, 422, "validation_failed"),
        ({"title": 123}, 422, "validation_failed"),
        ({"title": None}, 422, "validation_failed"),
        ({"latitude": "north"}, 422, "validation_failed"),
        ({"incident_date": "yesterday"}, 422, "validation_failed"),
        ({"agency": -1}, 422, "validation_failed"),
        ({"anonymous": "maybe"}, 422, "validation_failed"),
        ({"title": "   "}, 400, "required"),
        ({"title": "x" * 151}, 400, "too_long"),
        ({"body": "x" * 10_001}, 400, "too_long"),
        ({"category": "tidak.ada"}, 400, "unknown_category"),
        ({"region": "32.99"}, 400, "unknown_region"),
        ({"region": "abc"}, 400, "invalid_region_code"),
        ({"latitude": 100.0}, 400, "invalid_coordinates"),
        ({"longitude": None}, 400, "incomplete_coordinates"),
        ({"agency": 999_999_999}, 400, "unknown_agency"),
        ({"incident_date": "2999-01-01"}, 400, "future_date"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    api: Client, tokens: Tokens, change: dict[str, Any], status: int, code: str
) -> None:
    response = call(api, "post", "/api/v1/reports", tokens.owner, json={**NEW, **change})
    problem(response, status, code)
    assert not Report.objects.exists()


@pytest.mark.parametrize("payload", ["{not json", "[]", '"text"', "null"])
def test_a_body_that_is_no_object_is_refused(api: Client, tokens: Tokens, payload: str) -> None:
    response = api.post(
        "/api/v1/reports", payload, content_type="application/json", headers=bearer(tokens.owner)
    )
    problem(response, 422, "validation_failed")


def test_a_huge_body_is_413(api: Client, tokens: Tokens) -> None:
    huge = {**NEW, "body": "x" * 3_000_000}
    problem(call(api, "post", "/api/v1/reports", tokens.owner, json=huge), 413, "too_large")


def test_a_too_large_file_is_413(api: Client, tokens: Tokens, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    upload = io.BytesIO(b"%PDF-1.4\n" + b"0" * 4096)
    upload.name = "surat.pdf"
    response = api.post("/api/v1/reports", {**NEW, "files": [upload]}, headers=bearer(tokens.owner))
    problem(response, 413, "file_too_large")
    assert not Report.objects.exists()


def test_a_file_that_is_not_a_photo_or_pdf_is_refused(api: Client, tokens: Tokens) -> None:
    upload = io.BytesIO(b"MZ\x90\x00 not a picture")
    upload.name = "foto.jpg"
    response = api.post("/api/v1/reports", {**NEW, "files": [upload]}, headers=bearer(tokens.owner))
    problem(response, 400, "unsupported_file")


# -- read -----------------------------------------------------------------------------


def test_a_report_not_yet_public_is_only_its_owners(
    api: Client, tokens: Tokens, make_report: MakeReport
) -> None:
    report = make_report()
    owner = call(api, "get", _url(report), tokens.owner)
    assert owner.status_code == 200 and owner.json()["title"] == report.title
    # Others follow its status only (tests/reporting/test_follow.py).
    for token in (tokens.other, None):
        status = call(api, "get", _url(report), token).json()
        assert status["view"] == "status" and "title" not in status


def test_the_public_sees_a_dispositioned_report_without_its_reporter(
    api: Client, tokens: Tokens, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned()
    services.report_reply(actor=cast.owner, report=report, text="Alamat saya Jl. Melati 3.")
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim sudah meninjau.")
    for token in (None, tokens.other):
        body = call(api, "get", _url(report), token).json()
        assert body["view"] == "full" and body["reporter"] is None
        assert body["agency"]["code"] == "pemda-32-74"
        texts = {e["action"]: e["text"] for e in body["timeline"]}
        assert texts["follow_up"] == "Tim sudah meninjau."
        assert texts["reply"] == ""  # what the reporter wrote may identify them
        assert body["actions"] == []
    owner = call(api, "get", _url(report), tokens.owner).json()
    assert owner["reporter"]["name"] == "ani"
    assert {e["action"]: e["text"] for e in owner["timeline"]}["reply"].startswith("Alamat")
    assert "reply" in owner["actions"]


def test_a_confidential_report_is_a_status_to_everyone_but_its_owner(
    api: Client, tokens: Tokens, dispositioned: Make
) -> None:
    report = dispositioned(confidential=True)
    assert call(api, "get", _url(report), tokens.owner).json()["title"] == report.title
    for token in (tokens.other, None):
        status = call(api, "get", _url(report), token).json()
        assert status["view"] == "status" and report.title not in str(status)


def test_an_anonymous_reports_files_are_not_shown_to_the_public(
    api: Client, tokens: Tokens, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned(anonymous=True, files=[services.Upload("a.png", _png())])
    public = call(api, "get", _url(report)).json()
    assert public["attachments"] == [] and public["reporter"] is None
    assert "ani" not in str(public)
    owner = call(api, "get", _url(report), tokens.owner).json()
    assert len(owner["attachments"]) == 1


def test_a_revoked_token_is_401_even_on_a_public_report(
    api: Client, tokens: Tokens, dispositioned: Make
) -> None:
    report = dispositioned()
    problem(call(api, "get", _url(report), tokens.revoked), 401, "unauthenticated")


@pytest.mark.parametrize("number", ["123", "abc", "1" * 30, "%20"])
def test_a_malformed_number_is_never_a_crash(api: Client, number: str) -> None:
    assert call(api, "get", f"/api/v1/reports/{number}").status_code in (400, 404)


def test_my_reports_are_mine_only_and_paged(
    api: Client, tokens: Tokens, make_report: MakeReport
) -> None:
    numbers = [make_report(title=f"Laporan {i}").tracking_number for i in range(3)]
    seen, cursor = [], None
    for _ in range(5):
        params: dict[str, Any] = {"page_size": 2, **({"cursor": cursor} if cursor else {})}
        body = call(api, "get", "/api/v1/reports/mine", tokens.owner, data=params).json()
        assert body["count"] == 3
        seen += [item["tracking_number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == numbers[::-1]  # the latest first
    other = call(api, "get", "/api/v1/reports/mine", tokens.other).json()
    assert other == {"count": 0, "next_cursor": None, "items": []}
    problem(call(api, "get", "/api/v1/reports/mine"), 401, "unauthenticated")
    problem(call(api, "get", "/api/v1/reports/mine", tokens.revoked), 401, "unauthenticated")
    bad = call(api, "get", "/api/v1/reports/mine", tokens.owner, data={"cursor": "!!"})
    problem(bad, 400, "invalid_cursor")


# -- the reporter's actions -------------------------------------------------------------


def _answered(cast: Cast, dispositioned: Make) -> Report:
    report = dispositioned()
    services.report_answer(actor=cast.liaison, report=report, text="Lampu sudah diganti.")
    return report


def test_the_owner_replies(api: Client, tokens: Tokens, dispositioned: Make) -> None:
    report = dispositioned()
    response = call(api, "post", _url(report, "reply"), tokens.owner, json={"text": "Terima kasih"})
    assert response.status_code == 200, response.content
    assert response.json()["timeline"][-1]["text"] == "Terima kasih"
    assert report.events.filter(action=Action.REPLY, channel="api").count() == 1


def test_only_the_owner_acts_on_a_report(api: Client, tokens: Tokens, dispositioned: Make) -> None:
    report = dispositioned()
    path = _url(report, "reply")
    problem(call(api, "post", path, tokens.other, json={"text": "x"}), 403, "not_permitted")
    problem(call(api, "post", path, None, json={"text": "x"}), 401, "unauthenticated")
    problem(call(api, "post", path, tokens.revoked, json={"text": "x"}), 401, "unauthenticated")
    assert not report.events.filter(action=Action.REPLY).exists()


def test_a_report_the_caller_cannot_see_is_404_for_actions(
    api: Client, tokens: Tokens, make_report: MakeReport
) -> None:
    report = make_report()
    problem(
        call(api, "post", _url(report, "reply"), tokens.other, json={"text": "x"}),
        404,
        "report_not_found",
    )


def test_the_owner_supplies_missing_information_with_a_file(
    api: Client, tokens: Tokens, cast: Cast, make_report: MakeReport
) -> None:
    report = make_report()
    services.report_request_info(actor=cast.national, report=report, reason="Lokasi persisnya?")
    upload = io.BytesIO(_png())
    upload.name = "lokasi.png"
    response = api.post(
        _url(report, "supply-info"),
        {"text": "Depan pasar", "files": [upload]},
        headers=bearer(tokens.owner),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted" and len(body["attachments"]) == 1
    reasons = {e["action"]: e["reason"] for e in body["timeline"]}
    assert reasons["request_info"] == "Lokasi persisnya?"
    again = call(api, "post", _url(report, "supply-info"), tokens.owner, json={"text": "lagi"})
    problem(again, 409, "wrong_state")


def test_the_owner_confirms_with_a_rating(
    api: Client, tokens: Tokens, cast: Cast, dispositioned: Make
) -> None:
    report = _answered(cast, dispositioned)
    path = _url(report, "confirm")
    problem(call(api, "post", path, tokens.owner, json={"rating": 6}), 422, "validation_failed")
    problem(
        call(api, "post", path, tokens.owner, json={"rating": "lima"}), 422, "validation_failed"
    )
    problem(call(api, "post", path, tokens.other, json={"rating": 5}), 403, "not_permitted")
    response = call(api, "post", path, tokens.owner, json={"rating": 5, "comment": "Cepat"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed" and response.json()["rating"] == 5
    problem(call(api, "post", path, tokens.owner, json={"rating": 4}), 409, "wrong_state")


def test_confirming_an_unanswered_report_is_409(
    api: Client, tokens: Tokens, dispositioned: Make
) -> None:
    report = dispositioned()
    problem(
        call(api, "post", _url(report, "confirm"), tokens.owner, json={"rating": 3}),
        409,
        "wrong_state",
    )


def test_the_owner_reopens_with_a_reason(
    api: Client, tokens: Tokens, cast: Cast, dispositioned: Make
) -> None:
    report = _answered(cast, dispositioned)
    path = _url(report, "reopen")
    problem(call(api, "post", path, tokens.owner, json={"reason": " "}), 400, "required")
    problem(call(api, "post", path, tokens.owner, json={}), 422, "validation_failed")
    problem(call(api, "post", path, None, json={"reason": "Belum"}), 401, "unauthenticated")
    response = call(api, "post", path, tokens.owner, json={"reason": "Lampunya mati lagi"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "in_progress"
    assert body["timeline"][-1]["reason"] == "Lampunya mati lagi"
    public = call(api, "get", _url(report), tokens.other).json()
    assert public["timeline"][-1]["reason"] == ""


def test_citizens_support_a_public_report_once(
    api: Client, tokens: Tokens, dispositioned: Make
) -> None:
    report = dispositioned()
    path = _url(report, "support")
    assert call(api, "post", path, tokens.other).json() == {"supported": True, "support_count": 1}
    assert call(api, "post", path, tokens.other).json()["support_count"] == 1
    # The reporter is counted by the report itself, not as a supporter.
    problem(call(api, "post", path, tokens.owner), 403, "support_own_report")
    assert call(api, "delete", path, tokens.other).json() == {
        "supported": False,
        "support_count": 0,
    }
    problem(call(api, "post", path), 401, "unauthenticated")
    problem(call(api, "delete", path, tokens.revoked), 401, "unauthenticated")


def test_a_report_not_public_cannot_be_supported(
    api: Client, tokens: Tokens, make_report: MakeReport, dispositioned: Make
) -> None:
    problem(
        call(api, "post", _url(make_report(), "support"), tokens.other), 404, "report_not_found"
    )
    confidential = dispositioned(confidential=True)
    problem(call(api, "post", _url(confidential, "support"), tokens.owner), 403, "not_public")


def test_the_schema_lists_the_citizen_endpoints(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/auth/token",
        "/api/v1/auth/tokens",
        "/api/v1/auth/tokens/{token_id}",
        "/api/v1/reports",
        "/api/v1/reports/mine",
        "/api/v1/reports/{tracking_number}",
        "/api/v1/reports/{tracking_number}/reply",
        "/api/v1/reports/{tracking_number}/supply-info",
        "/api/v1/reports/{tracking_number}/confirm",
        "/api/v1/reports/{tracking_number}/reopen",
        "/api/v1/reports/{tracking_number}/support",
    ):
        assert path in schema["paths"], path
    create = schema["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
    assert set(create) == {"application/json", "multipart/form-data"}
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


def test_sending_reports_is_rate_limited_per_account(
    api: Client, tokens: Tokens, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "1/d"}  # no window ends mid-test
    assert call(api, "post", "/api/v1/reports", tokens.owner, json=NEW).status_code == 201
    problem(call(api, "post", "/api/v1/reports", tokens.owner, json=NEW), 429, "rate_limited")
    assert Report.objects.count() == 1
