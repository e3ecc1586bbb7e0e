"""The agency integration API: an agency's system reads its inbox and cases and acts
on them with the agency's key — and nobody else does: no key, a citizen's token, a
revoked key, a key without the scope, another agency's key."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from aduan.accounts.models import User
from aduan.accounts.tokens import api_token_issue
from aduan.integrations.models import Scope
from aduan.integrations.services import api_key_issue, api_key_revoke
from aduan.reports import services
from aduan.reports.models import Action, Report, State
from tests.api.conftest import bearer, call, problem
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agency"
ALL_SCOPES = [Scope.REPORTS_READ, Scope.REPORTS_WRITE, Scope.WEBHOOKS]


@dataclass
class Keys:
    kota: str  # Pemerintah Kota Cirebon's, every scope
    read_only: str  # Kota Cirebon's, reports:read only
    other: str  # Kabupaten Cirebon's
    revoked: str  # Kota Cirebon's, revoked
    citizen: str  # ani's citizen token


@pytest.fixture
def keys(cast: Cast) -> Keys:
    kota = api_key_issue(actor=cast.agency_admin, name="SP4N Kota", scopes=ALL_SCOPES)
    read_only = api_key_issue(actor=cast.agency_admin, name="Dasbor", scopes=[Scope.REPORTS_READ])
    other = api_key_issue(actor=cast.other_agency_admin, name="Kabupaten", scopes=ALL_SCOPES)
    revoked = api_key_issue(actor=cast.agency_admin, name="Lama", scopes=ALL_SCOPES)
    api_key_revoke(actor=cast.agency_admin, key_id=revoked.key.pk)
    citizen, _row = api_token_issue(user=User.objects.get(username="ani"))
    return Keys(
        kota=kota.secret,
        read_only=read_only.secret,
        other=other.secret,
        revoked=revoked.secret,
        citizen=citizen,
    )


def _case(report: Report) -> str:
    return f"{BASE}/reports/{report.tracking_number}"


# -- who may call --------------------------------------------------------------------


def test_every_endpoint_wants_a_working_agency_key(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    endpoints = [
        ("get", f"{BASE}/units", None),
        ("get", f"{BASE}/reports", None),
        ("get", _case(report), None),
        ("post", f"{_case(report)}/follow-up", {"text": "Sedang kami tangani."}),
        ("post", f"{_case(report)}/answer", {"text": "Sudah selesai."}),
        ("post", f"{_case(report)}/assign", {"unit": 1}),
        ("post", f"{_case(report)}/bounce", {"reason": "Bukan wewenang."}),
        ("get", f"{BASE}/webhooks", None),
        ("post", f"{BASE}/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["report.closed"]}),
    ]
    for method, path, body in endpoints:
        for token in (None, keys.citizen, keys.revoked, "adk_made-up"):
            response = call(client, method, path, token, json=body)
            problem(response, 401, "unauthenticated")
    assert Report.objects.get(pk=report.pk).state == State.DISPOSITIONED


def test_a_key_does_only_what_its_scopes_allow(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    assert call(client, "get", _case(report), keys.read_only).status_code == 200
    assert call(client, "get", f"{BASE}/reports", keys.read_only).status_code == 200
    body = problem(
        call(client, "post", f"{_case(report)}/follow-up", keys.read_only, json={"text": "Oke"}),
        403,
        "scope_missing",
    )
    assert "reports:write" in body["title"]
    problem(call(client, "get", f"{BASE}/webhooks", keys.read_only), 403, "scope_missing")
    assert Report.objects.get(pk=report.pk).state == State.DISPOSITIONED


def test_another_agencys_report_does_not_exist_for_a_key(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()  # Kota Cirebon's, and public
    assert client.get(f"/api/v1/reports/{report.tracking_number}").status_code == 200
    for method, path, body in (
        ("get", _case(report), None),
        ("post", f"{_case(report)}/follow-up", {"text": "Bukan urusan kami."}),
        ("post", f"{_case(report)}/bounce", {"reason": "Bukan wewenang."}),
    ):
        problem(call(client, method, path, keys.other, json=body), 404, "report_not_found")
    inbox = call(client, "get", f"{BASE}/reports", keys.other).json()
    assert inbox["count"] == 0 and inbox["items"] == []
    assert Report.objects.get(pk=report.pk).state == State.DISPOSITIONED


# -- reading -------------------------------------------------------------------------


def test_the_inbox_pages_with_a_cursor_and_filters(
    client: Client,
    keys: Keys,
    cast: Cast,
    dispositioned: Callable[..., Report],
    make_report: Callable[..., Report],
) -> None:
    reports = [dispositioned(title=f"Laporan nomor {n}") for n in range(5)]
    make_report()  # not dispositioned yet: not in the inbox
    services.report_assign(actor=cast.agency_admin, report=reports[1], unit_id=cast.dishub.pk)
    services.report_follow_up(actor=cast.agency_admin, report=reports[2], text="Sedang dicek.")

    seen: list[str] = []
    cursor = None
    while True:
        query = {"page_size": 2, **({"cursor": cursor} if cursor else {})}
        page = call(client, "get", f"{BASE}/reports", keys.kota, data=query).json()
        assert page["count"] == 5 and len(page["items"]) <= 2
        seen += [item["tracking_number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [report.tracking_number for report in reports]

    def numbers(**query: Any) -> list[str]:
        response = call(client, "get", f"{BASE}/reports", keys.kota, data=query)
        assert response.status_code == 200, response.content
        return [item["tracking_number"] for item in response.json()["items"]]

    assert numbers(unit=cast.dishub.pk) == [reports[1].tracking_number]
    assert numbers(state="in_progress") == [reports[2].tracking_number]
    assert numbers(q=reports[3].tracking_number) == [reports[3].tracking_number]
    assert numbers(region="32.74", type="complaint") == seen
    assert numbers(region="33") == []
    later = timezone.now() + timedelta(minutes=1)
    assert numbers(updated_since=later.isoformat()) == []
    item = call(client, "get", f"{BASE}/reports", keys.kota).json()["items"][0]
    assert item["agency"] == cast.kota.pk and item["unit"] == cast.pupr.pk
    assert item["category"] == "infrastruktur.jalan" and item["deadline_kind"] == "first_follow_up"
    problem(
        call(client, "get", f"{BASE}/reports", keys.kota, data={"cursor": "!!"}),
        400,
        "invalid_cursor",
    )
    problem(
        call(client, "get", f"{BASE}/reports", keys.kota, data={"state": "closed"}),
        400,
        "validation_failed",
    )


def test_the_case_shows_the_reporters_name_never_the_contacts(
    client: Client, keys: Keys, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    cast.reporter.name = "Ani Lestari"
    cast.reporter.nik = "3274010101900001"
    cast.reporter.save()
    user = User.objects.get(username="ani")
    user.email = "ani@example.org"
    user.save()
    report = dispositioned()
    services.report_note(actor=cast.agency_admin, report=report, text="Cek ke lapangan Senin.")

    case = call(client, "get", _case(report), keys.kota).json()
    assert case["reporter_name"] == "Ani Lestari" and case["reporter"] is None
    assert case["unit"]["code"] == "pupr" and case["version"] == report.version
    assert case["actions"] == ["answer", "assign", "bounce", "follow_up"]
    assert "Cek ke lapangan Senin." in [event["text"] for event in case["timeline"]]
    raw = call(client, "get", _case(report), keys.kota).content.decode()
    for secret in ("ani@example.org", "3274010101900001"):
        assert secret not in raw

    anonymous = dispositioned(anonymous=True)
    case = call(client, "get", _case(anonymous), keys.kota).json()
    assert case["reporter_name"] is None and "Ani Lestari" not in str(case)


# -- acting --------------------------------------------------------------------------


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_follow_up_with_a_file_then_answer(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = client.post(
        f"{_case(report)}/follow-up",
        {"text": "Tim sudah meninjau lokasi.", "files": [_uploaded("foto.png", _png())]},
        headers=bearer(keys.kota),
    )
    assert response.status_code == 200, response.content
    case = response.json()
    assert case["state"] == "in_progress" and len(case["attachments"]) == 1
    event = report.events.get(action=Action.FOLLOW_UP)
    assert event.actor_role == "integration" and event.actor_agency_id == report.agency_id
    assert event.channel == "api" and event.actor_id is None

    response = call(client, "post", f"{_case(report)}/answer", keys.kota, json={"text": "Selesai."})
    assert response.status_code == 200 and response.json()["state"] == "answered"
    # The reporter sees the agency's words on their own report.
    public = client.get(f"/api/v1/reports/{report.tracking_number}").json()
    assert "Selesai." in [event["text"] for event in public["timeline"]]


def _uploaded(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_repeated_follow_up_with_one_idempotency_key_is_posted_once(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    headers = {"Idempotency-Key": "tindak-lanjut-1"}
    body = {"text": "Sedang kami tangani."}
    first = call(
        client, "post", f"{_case(report)}/follow-up", keys.kota, json=body, headers=headers
    )
    again = call(
        client, "post", f"{_case(report)}/follow-up", keys.kota, json=body, headers=headers
    )
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert report.events.filter(action=Action.FOLLOW_UP).count() == 1
    problem(
        call(
            client,
            "post",
            f"{_case(report)}/follow-up",
            keys.kota,
            json={"text": "Lain."},
            headers=headers,
        ),
        422,
        "idempotency_key_reused",
    )


def test_assign_to_a_unit_and_not_to_anothers(
    client: Client, keys: Keys, cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    units = call(client, "get", f"{BASE}/units", keys.kota).json()
    assert {"id": cast.dishub.pk, "code": "dishub"}.items() <= next(
        unit for unit in units if unit["code"] == "dishub"
    ).items()
    assert all(unit["agency"] == cast.kota.pk for unit in units)
    response = call(
        client, "post", f"{_case(report)}/assign", keys.kota, json={"unit": cast.dishub.pk}
    )
    assert response.status_code == 200 and response.json()["unit"]["code"] == "dishub"

    foreign = cast.kabupaten.units.first()
    assert foreign is not None
    response = call(client, "post", f"{_case(report)}/assign", keys.kota, json={"unit": foreign.pk})
    assert response.status_code == 400 and response["content-type"] == "application/problem+json"
    assert Report.objects.get(pk=report.pk).unit_id == cast.dishub.pk


def test_a_bounce_sends_the_report_back_and_out_of_reach(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = call(client, "post", f"{_case(report)}/bounce", keys.kota, json={"reason": "  "})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    response = call(
        client, "post", f"{_case(report)}/bounce", keys.kota, json={"reason": "Wewenang provinsi."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted" and response.json()["agency"] is None
    problem(call(client, "get", _case(report), keys.kota), 404, "report_not_found")
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_bad_bodies_and_wrong_states_are_clear_errors(
    client: Client, keys: Keys, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    follow_up = f"{_case(report)}/follow-up"
    problem(call(client, "post", follow_up, keys.kota, json={}), 422, "validation_failed")
    response = client.post(
        follow_up, "text=x", content_type="text/plain", headers=bearer(keys.kota)
    )
    problem(response, 415, "unsupported_media_type")
    response = call(client, "post", follow_up, keys.kota, json={"text": "   "})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "text"
    problem(call(client, "post", f"{_case(report)}/reopen", keys.kota, json={}), 404, "not_found")
    call(client, "post", f"{_case(report)}/answer", keys.kota, json={"text": "Selesai."})
    response = call(client, "post", f"{_case(report)}/assign", keys.kota, json={"unit": 1})
    assert response.status_code in (400, 409)
    problem(
        call(client, "post", f"{_case(report)}/answer", keys.kota, json={"text": "Lagi."}),
        409,
        "wrong_state",
    )
    assert report.events.filter(action=Action.ANSWER).count() == 1


def test_calls_are_rate_limited_per_key(
    client: Client, keys: Keys, settings: Any, dispositioned: Callable[..., Report]
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "agency": "3/d"}
    for _ in range(3):
        assert call(client, "get", f"{BASE}/reports", keys.kota).status_code == 200
    response = call(client, "get", f"{BASE}/reports", keys.kota)
    problem(response, 429, "rate_limited")
    assert response["Retry-After"]
