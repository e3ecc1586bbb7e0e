"""Rate limits count POSTs per IP address and per account; over the limit the view
does not run and the visitor gets a friendly page with HTTP 429."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from aduan.accounts.models import User
from aduan.lib.ratelimit import limited

calls: list[str] = []


@limited("comment")
def comment(request: HttpRequest) -> HttpResponse:
    calls.append(request.method or "")
    return HttpResponse("ok")


urlpatterns = [path("comment", comment), path("", include("aduan.urls"))]


@pytest.fixture
def two_a_minute(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "2/d"}
    calls.clear()


@pytest.mark.urls(__name__)
@pytest.mark.usefixtures("two_a_minute")
def test_over_the_limit_is_429_with_a_friendly_page_and_the_view_does_not_run(
    client: Client, db: None
) -> None:
    assert [client.post("/comment").status_code for _ in range(2)] == [200, 200]
    response = client.post("/comment")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Mohon tunggu sebentar" in response.content.decode()
    assert calls == ["POST", "POST"]
    # Reading is never limited.
    assert client.get("/comment").status_code == 200


@pytest.mark.usefixtures("two_a_minute")
def test_an_account_is_counted_wherever_it_comes_from(rf: RequestFactory, db: None) -> None:
    user = User.objects.create(username="ani")

    def post(ip: str, who: Any) -> int:
        request = rf.post("/comment", REMOTE_ADDR=ip)
        request.user = who
        try:
            return comment(request).status_code
        except Exception as error:  # the middleware turns this into the 429 page
            return 429 if type(error).__name__ == "Ratelimited" else 500

    assert [post(f"10.0.0.{n}", user) for n in range(3)] == [200, 200, 429]
    # Someone else, not signed in, on another address is not affected.
    assert post("10.0.1.1", AnonymousUser()) == 200


def test_a_limit_with_no_rate_is_a_mistake_caught_at_import() -> None:
    with pytest.raises(KeyError, match="no rate limit named 'comments'"):
        limited("comments")
