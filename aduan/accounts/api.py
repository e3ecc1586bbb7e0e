"""API tokens: a citizen signs in once with their username, phone number or e-mail
address and password, and their app sends ``Authorization: Bearer <token>`` from
then on. Citizens only: staff work in the back office, behind a second factor the
API does not have; an agency's own system will get an agency-scoped key instead."""

from datetime import datetime
from typing import Annotated, Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema, Status
from ninja.security import HttpBearer

from aduan.accounts.models import ApiToken, User
from aduan.accounts.throttle import SignInDelayed, Surface, sign_in_attempt
from aduan.accounts.tokens import (
    WrongCredentials,
    api_token_issue,
    api_token_revoke,
    api_token_user,
)
from aduan.lib.problems import problem_from_error, problem_responses
from aduan.lib.ratelimit import limited

router = Router(tags=["auth"])

# -- authentication ------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer adn_…``: the request is the token's citizen's.
    ``request.user`` is set too, so rate limits count per account."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_user(value=token.strip())
        if found is None:
            return None
        request.user = found[1]
        return found[0]


class OptionalTokenAuth(TokenAuth):
    """The public may call without a token, but a token that is sent must be good:
    a revoked one is 401, never a silent fall-back to the public view."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return ANONYMOUS
        return super().__call__(request)


class _Anonymous:
    """Ninja wants a true value from an auth that lets a request in."""

    def __bool__(self) -> bool:
        return True


ANONYMOUS = _Anonymous()
token_auth = TokenAuth()


def token_of(request: HttpRequest) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def user_of(request: HttpRequest) -> User | None:
    token = token_of(request)
    return token.user if token is not None else None


# -- endpoints -----------------------------------------------------------------------


class TokenIn(Schema):
    username: str = Field(
        min_length=1, max_length=254, description="Username, phone number or e-mail address."
    )
    password: str = Field(min_length=1, max_length=4096)
    name: str = Field(default="", max_length=100, description="A label: which device.")


class TokenCreated(Schema):
    id: int
    token: str = Field(description="Shown only now: keep it; only its hash is stored.")
    expires_at: datetime


class TokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    current: bool = Field(description="The token this request was made with.")


@router.post(
    "/token",
    response={201: TokenCreated},
    auth=None,
    summary="Sign in: a new API token",
    url_name="auth-token",
    # Wrong credentials (401), a staff account (403), too many tries (429).
    openapi_extra=problem_responses(401, 403, 429),
)
@limited("login:api")
def token_create(request: HttpRequest, data: TokenIn) -> Status[dict[str, Any]] | HttpResponse:
    username = data.username.strip()
    try:
        user = sign_in_attempt(
            request,
            surface=Surface.API,
            account=username,
            check=lambda: authenticate(request, username=username, password=data.password),
        )
    except SignInDelayed as error:  # the password was not even checked
        response = problem_from_error(request, error)
        response["Retry-After"] = str(error.seconds)
        return response
    if not isinstance(user, User):
        raise WrongCredentials()
    value, token = api_token_issue(user=user, name=data.name)
    return Status(201, {"id": token.pk, "token": value, "expires_at": token.expires_at})


@router.get("/tokens", response=list[TokenOut], auth=token_auth, summary="My API tokens")
def token_list(request: HttpRequest) -> list[dict[str, Any]]:
    current = token_of(request)
    assert current is not None
    tokens = ApiToken.objects.filter(user_id=current.user_id).order_by("-created_at", "-id")
    return [
        {
            "id": t.pk,
            "name": t.name,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "revoked_at": t.revoked_at,
            "current": t.pk == current.pk,
        }
        for t in tokens[:100]
    ]


@router.delete(
    "/token", response={204: None}, auth=token_auth, summary="Sign out: revoke this token"
)
def token_revoke_current(request: HttpRequest) -> HttpResponse:
    current = token_of(request)
    assert current is not None
    api_token_revoke(user=current.user, token_id=current.pk)
    return HttpResponse(status=204)


@router.delete(
    "/tokens/{token_id}", response={204: None}, auth=token_auth, summary="Revoke one of my tokens"
)
def token_revoke(
    request: HttpRequest, token_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> HttpResponse:
    current = token_of(request)
    assert current is not None
    api_token_revoke(user=current.user, token_id=token_id)
    return HttpResponse(status=204)
