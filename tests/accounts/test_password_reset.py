"""Password reset by a code: the same answer whether the identity has an account or
not (no enumeration); a code resets only that account's password."""

from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import OneTimeCode, User
from aduan.outbox.models import Message
from tests.accounts.conftest import SignUp, last_code

pytestmark = pytest.mark.django_db

NEW = "Sandi-baru-untuk-aduan-7"


def _ask(identity: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/lupa-sandi", {"identity": identity})
    return client, response


def test_it_resets_a_password_with_the_code(sign_up: SignUp) -> None:
    user = sign_up("081234567890")
    client, response = _ask("0812 3456 7890")
    assert response.status_code == 302 and response["Location"] == "/lupa-sandi/kode"
    code = last_code("+6281234567890")
    form = {"code": code, "password1": NEW, "password2": NEW}
    response = client.post("/lupa-sandi/kode", form)
    assert response.status_code == 302 and response["Location"] == "/masuk"
    assert User.objects.get(pk=user.pk).check_password(NEW)
    assert not OneTimeCode.objects.exists()
    login = Client().post("/masuk", {"identity": "081234567890", "password": NEW})
    assert login.status_code == 302


def test_the_answer_is_the_same_for_an_identity_without_account(sign_up: SignUp) -> None:
    sign_up("081234567890")
    sent_before = Message.objects.count()
    known_client, known = _ask("081234567890")
    unknown_client, unknown = _ask("089876543210")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    known_page = known_client.get("/lupa-sandi/kode").content.decode()
    unknown_page = unknown_client.get("/lupa-sandi/kode").content.decode()
    assert "Jika <strong>+62812•••••890</strong> terdaftar" in known_page
    assert "Jika <strong>+62898•••••210</strong> terdaftar" in unknown_page
    # Only the real account gets a code.
    assert Message.objects.count() == sent_before + 1
    # A guess on the unknown one reads like any wrong code.
    form = {"code": "123456", "password1": NEW, "password2": NEW}
    html = unknown_client.post("/lupa-sandi/kode", form).content.decode()
    assert "Kode salah. Sisa 4 percobaan." in html


def test_a_weak_new_password_does_not_use_up_a_try(sign_up: SignUp) -> None:
    sign_up("081234567890")
    client, _response = _ask("081234567890")
    form = {"code": "000000", "password1": "password", "password2": "password"}
    response = client.post("/lupa-sandi/kode", form)
    assert response.status_code == 400
    assert "terlalu umum" in response.content.decode()
    assert OneTimeCode.objects.get().tries == 0


def test_a_malformed_identity_is_a_form_error(client: Client) -> None:
    response = client.post("/lupa-sandi", {"identity": "bukan@"})
    assert response.status_code == 400
    assert "Alamat surel tidak valid." in response.content.decode()


def test_the_code_page_without_a_request_goes_back(client: Client) -> None:
    assert client.get("/lupa-sandi/kode")["Location"] == "/lupa-sandi"
