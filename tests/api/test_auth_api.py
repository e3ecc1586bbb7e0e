from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.accounts.models import ApiToken, User
from aduan.lib.crypto import lookup_hash
from aduan.reporters.models import ChannelIdentity
from tests.api.conftest import PASSWORD, Tokens, call, problem
from tests.reports.conftest import Cast


@pytest.fixture
def ani(cast: Cast) -> User:
    user = User.objects.get(username="ani")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(api: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return call(
        api,
        "post",
        "/api/v1/auth/token",
        json={"username": username, "password": password, **extra},
    )


def test_it_issues_a_token_shown_once_and_stores_only_its_hash(api: Client, ani: User) -> None:
    response = _sign_in(api, "ani", name="HP Android")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token"].startswith("adn_") and len(body["token"]) > 40
    row = ApiToken.objects.get(pk=body["id"])
    assert row.user == ani and row.name == "HP Android"
    assert row.token_hash == lookup_hash("api_token", body["token"]) != body["token"]
    expires = row.expires_at - row.created_at
    assert expires == timedelta(days=90)
    listed = call(api, "get", "/api/v1/auth/tokens", body["token"]).json()
    assert [(t["id"], t["current"], t["name"]) for t in listed] == [(row.pk, True, "HP Android")]
    assert "token" not in listed[0] and "token_hash" not in listed[0]


def test_the_lifetime_is_a_setting(api: Client, ani: User, settings: Any) -> None:
    settings.API_TOKEN_DAYS = 7
    body = _sign_in(api, "ani").json()
    row = ApiToken.objects.get(pk=body["id"])
    assert row.expires_at - row.created_at == timedelta(days=7)


def test_a_citizen_signs_in_by_a_verified_email_address(api: Client, ani: User, cast: Cast) -> None:
    ChannelIdentity.objects.create(
        reporter=cast.reporter,
        kind="email",
        value="ani@example.id",
        value_hash=lookup_hash("email", "ani@example.id"),
        verified_at=timezone.now(),
    )
    assert _sign_in(api, "Ani@Example.id").status_code == 201


@pytest.mark.parametrize(("username", "password"), [("ani", "salah"), ("nobody", PASSWORD)])
def test_wrong_credentials_are_401(api: Client, ani: User, username: str, password: str) -> None:
    problem(_sign_in(api, username, password), 401, "wrong_credentials")
    assert not ApiToken.objects.exists()


def test_staff_get_no_token(api: Client, cast: Cast) -> None:
    staff = User.objects.get(username="admin.kota")
    staff.set_password(PASSWORD)
    staff.save()
    problem(_sign_in(api, "admin.kota"), 403, "api_citizens_only")
    assert not ApiToken.objects.exists()


def test_a_token_stops_working_when_its_user_becomes_staff(
    api: Client, tokens: Tokens, cast: Cast
) -> None:
    User.objects.filter(username="ani").update(role="agency_admin", agency=cast.kota)
    problem(call(api, "get", "/api/v1/auth/tokens", tokens.owner), 401, "unauthenticated")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "ani"},
        {"username": 5, "password": PASSWORD},
        {"username": "", "password": "x"},
    ],
)
def test_bad_sign_in_input_is_422(api: Client, ani: User, body: dict[str, Any]) -> None:
    problem(call(api, "post", "/api/v1/auth/token", json=body), 422, "validation_failed")


def test_a_body_that_is_not_json_is_refused_not_a_crash(api: Client, ani: User) -> None:
    response = api.post("/api/v1/auth/token", "{nope", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_sign_in_is_rate_limited(api: Client, ani: User, settings: Any) -> None:
    # A day's window: a window that ends mid-test would reset the count.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/d"}
    assert _sign_in(api, "ani", "salah").status_code == 401
    assert _sign_in(api, "ani", "salah").status_code == 401
    response = _sign_in(api, "ani")
    problem(response, 429, "rate_limited")
    assert response["Retry-After"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("which", ["none", "unknown", "revoked", "expired", "malformed"])
def test_a_bad_token_is_401(api: Client, tokens: Tokens, which: str) -> None:
    token = {
        "none": None,
        "unknown": "adn_" + "x" * 43,
        "revoked": tokens.revoked,
        "expired": tokens.expired,
        "malformed": "Basic abc",
    }[which]
    problem(call(api, "get", "/api/v1/auth/tokens", token), 401, "unauthenticated")


def test_the_list_shows_only_my_tokens(api: Client, tokens: Tokens) -> None:
    mine = call(api, "get", "/api/v1/auth/tokens", tokens.owner).json()
    ani_tokens = set(ApiToken.objects.filter(user__username="ani").values_list("pk", flat=True))
    assert {t["id"] for t in mine} == ani_tokens and len(mine) == 3
    theirs = call(api, "get", "/api/v1/auth/tokens", tokens.other).json()
    assert len(theirs) == 1 and theirs[0]["id"] not in ani_tokens


def test_signing_out_revokes_the_token_used(api: Client, tokens: Tokens) -> None:
    assert call(api, "delete", "/api/v1/auth/token", tokens.owner).status_code == 204
    problem(call(api, "get", "/api/v1/auth/tokens", tokens.owner), 401, "unauthenticated")
    assert call(api, "get", "/api/v1/auth/tokens", tokens.other).status_code == 200
    problem(call(api, "delete", "/api/v1/auth/token"), 401, "unauthenticated")


def test_a_citizen_revokes_one_of_their_tokens_and_no_one_elses(
    api: Client, tokens: Tokens
) -> None:
    budi_token = ApiToken.objects.get(user__username="budi")
    problem(
        call(api, "delete", f"/api/v1/auth/tokens/{budi_token.pk}", tokens.owner),
        404,
        "token_not_found",
    )
    assert call(api, "get", "/api/v1/auth/tokens", tokens.other).status_code == 200
    problem(call(api, "delete", f"/api/v1/auth/tokens/{budi_token.pk}"), 401, "unauthenticated")
    assert (
        call(api, "delete", f"/api/v1/auth/tokens/{budi_token.pk}", tokens.other).status_code == 204
    )
    problem(call(api, "get", "/api/v1/auth/tokens", tokens.other), 401, "unauthenticated")
    problem(call(api, "delete", "/api/v1/auth/tokens/0", tokens.owner), 400, "validation_failed")


def test_last_use_is_recorded(api: Client, tokens: Tokens) -> None:
    call(api, "get", "/api/v1/auth/tokens", tokens.other)
    assert ApiToken.objects.get(user__username="budi").last_used_at is not None
