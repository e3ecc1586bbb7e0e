import io
from datetime import timedelta
from typing import Any

from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from aduan.core.models import IdempotencyKey
from aduan.reports import services
from aduan.reports.models import Action, Report
from tests.api.conftest import Tokens, bearer, call, problem
from tests.api.test_reports_api import NEW, Make, _png

KEY = {"Idempotency-Key": "b3f1c0de-0001"}


def _send(api: Client, token: str, body: dict[str, Any] = NEW, key: dict[str, str] = KEY) -> Any:
    return call(api, "post", "/api/v1/reports", token, json=body, headers=key)


def test_a_repeated_post_creates_one_report_and_gets_the_same_answer(
    api: Client, tokens: Tokens
) -> None:
    first = _send(api, tokens.owner)
    second = _send(api, tokens.owner)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1


def test_the_stored_answer_is_encrypted(api: Client, tokens: Tokens) -> None:
    _send(api, tokens.owner)
    raw = IdempotencyKey.objects.values_list("response_body", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM core_idempotencykey")
        (stored,) = cursor.fetchone()
    assert "ani" not in stored and "Lampu" not in stored
    assert "Lampu" in raw[0]


def test_the_same_key_with_another_body_is_422(api: Client, tokens: Tokens) -> None:
    assert _send(api, tokens.owner).status_code == 201
    problem(_send(api, tokens.owner, {**NEW, "title": "Lain"}), 422, "idempotency_key_reused")
    assert Report.objects.count() == 1


def test_without_a_key_each_post_is_new(api: Client, tokens: Tokens) -> None:
    _send(api, tokens.owner, key={})
    _send(api, tokens.owner, key={})
    assert Report.objects.count() == 2


def test_keys_are_per_caller(api: Client, tokens: Tokens) -> None:
    assert _send(api, tokens.owner).status_code == 201
    assert _send(api, tokens.other).status_code == 201
    assert Report.objects.count() == 2


def test_a_failed_request_releases_its_key(api: Client, tokens: Tokens) -> None:
    problem(_send(api, tokens.owner, {**NEW, "category": "tidak.ada"}), 400, "unknown_category")
    assert not IdempotencyKey.objects.exists()
    assert _send(api, tokens.owner).status_code == 201


def test_an_unanswered_claim_left_by_an_earlier_release_is_409_then_taken_over(
    api: Client, tokens: Tokens, cast: Any
) -> None:
    """Before claims were made in the work's transaction, a claim was committed
    first; one whose request never finished is in progress for CLAIM_LEASE, then
    the key is free (its work is taken as not done)."""
    first = _send(api, tokens.owner)
    IdempotencyKey.objects.update(response_status=None, response_body="")
    problem(_send(api, tokens.owner), 409, "idempotency_in_progress")
    assert first.status_code == 201 and Report.objects.count() == 1
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    assert _send(api, tokens.owner).status_code == 201
    assert IdempotencyKey.objects.get().response_status == 201


def _database_lost(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("server closed the connection unexpectedly")


def test_a_request_lost_midway_leaves_its_key_free(
    api: Client, tokens: Tokens, monkeypatch: Any
) -> None:
    """Found by the drills: a web node killed mid-request, or the primary lost, left
    the key claimed and unanswered, and the client's retry was a 409. The key is
    claimed in the work's own transaction now: lost with it."""
    api.raise_request_exception = False
    with monkeypatch.context() as lost:
        lost.setattr(services, "report_create", _database_lost)
        assert _send(api, tokens.owner).status_code == 503
    assert not IdempotencyKey.objects.exists()
    retried = _send(api, tokens.owner)
    assert retried.status_code == 201 and Report.objects.count() == 1
    assert IdempotencyKey.objects.get().response_status == 201


def test_the_answer_is_kept_with_the_work_or_not_at_all(
    api: Client, tokens: Tokens, monkeypatch: Any
) -> None:
    saved = IdempotencyKey.save

    def answer_lost(self: IdempotencyKey, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields"):  # the answer, not the claim
            _database_lost()
        saved(self, *args, **kwargs)

    api.raise_request_exception = False
    with monkeypatch.context() as lost:
        lost.setattr(IdempotencyKey, "save", answer_lost)
        assert _send(api, tokens.owner).status_code == 503
    # The report's transaction was the answer's: neither stayed, the key is free.
    assert Report.objects.count() == 0 and not IdempotencyKey.objects.exists()
    assert _send(api, tokens.owner).status_code == 201


def test_a_key_is_forgotten_after_a_day(api: Client, tokens: Tokens) -> None:
    _send(api, tokens.owner)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert _send(api, tokens.owner).status_code == 201
    assert Report.objects.count() == 2 and IdempotencyKey.objects.count() == 1


def test_a_key_must_be_short(api: Client, tokens: Tokens) -> None:
    response = _send(api, tokens.owner, key={"Idempotency-Key": "k" * 256})
    problem(response, 400, "invalid_idempotency_key")
    assert not Report.objects.exists()


def test_a_repeated_multipart_post_creates_one_report(api: Client, tokens: Tokens) -> None:
    def send() -> Any:
        upload = io.BytesIO(_png())
        upload.name = "foto.png"
        return api.post(
            "/api/v1/reports", {**NEW, "files": [upload]}, headers={**bearer(tokens.owner), **KEY}
        )

    first, second = send(), send()
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Report.objects.count() == 1


def test_a_repeated_reply_is_written_once(api: Client, tokens: Tokens, dispositioned: Make) -> None:
    report = dispositioned()
    path = f"/api/v1/reports/{report.tracking_number}/reply"
    for _ in range(2):
        response = call(api, "post", path, tokens.owner, json={"text": "Sekali saja"}, headers=KEY)
        assert response.status_code == 200
    assert report.events.filter(action=Action.REPLY).count() == 1
    other_path = f"/api/v1/reports/{report.tracking_number}/support"
    problem(call(api, "post", other_path, tokens.owner, headers=KEY), 422, "idempotency_key_reused")
