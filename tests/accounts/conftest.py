"""Citizens signing up through the pages, with the code read back from the outbox
(the message the development transport would print)."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.outbox.models import Message
from aduan.reporters.services import identity_parse
from tests.reports.conftest import cast, make_report

__all__ = ["cast", "make_report"]

PASSWORD = "Lapor-jalan-rusak-2024"


def last_code(recipient: str) -> str:
    """The code in the newest one-time-code message to this recipient."""
    message = Message.objects.filter(purpose="otp").order_by("-pk").first()
    assert message is not None and message.recipient == recipient
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def signup_form(identity: str, **overrides: str) -> dict[str, str]:
    return {
        "name": "Siti Aminah",
        "identity": identity,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


SignUp = Callable[..., User]


@pytest.fixture
def sign_up(db: None) -> SignUp:
    """Signs a citizen up and confirms the code, in a browser of their own."""

    def sign(
        identity: str = "0812-3456-7890", *, client: Client | None = None, **fields: Any
    ) -> User:
        client = client or Client()
        response = client.post("/daftar", signup_form(identity, **fields))
        assert response.status_code == 302, response.content.decode()
        code = last_code(identity_parse(identity)[1])
        response = client.post("/daftar/konfirmasi", {"code": code})
        assert response.status_code == 302
        return User.objects.get(pk=client.session["_auth_user_id"])

    return sign
