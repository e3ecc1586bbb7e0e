"""Log-in by phone or e-mail (found by its keyed hash), staff by username; a
sign-up not yet confirmed goes to its code page; log-out is a POST."""

import pytest
from django.test import Client

from aduan.accounts.models import User
from tests.accounts.conftest import PASSWORD, SignUp, signup_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["0812 3456 7890", "+62 812-3456-7890", "6281234567890"])
def test_it_logs_in_by_phone_however_written(sign_up: SignUp, typed: str) -> None:
    user = sign_up("081234567890")
    client = Client()
    response = client.post("/masuk", {"identity": typed, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_logs_in_by_email_and_follows_the_account_language(sign_up: SignUp) -> None:
    user = sign_up("ani@example.id")
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    response = client.post("/masuk", {"identity": "ANI@example.id", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_staff_are_sent_to_the_staff_sign_in(cast: object) -> None:
    """Staff sign in at /kantor/masuk, with the second factor; never here
    (tests/accounts/test_second_factor.py holds the rest)."""
    staff = User.objects.get(username="admin.kota")
    staff.set_password(PASSWORD)
    staff.save()
    client = Client()
    response = client.post("/masuk", {"identity": "admin.kota", "password": PASSWORD})
    assert response.status_code == 403
    assert 'href="/kantor/masuk"' in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("identity", "password"),
    [("081234567890", "salah-sekali-99"), ("089999999999", PASSWORD), ("siapa", PASSWORD)],
)
def test_a_wrong_login_says_the_same_whatever_was_wrong(
    sign_up: SignUp, identity: str, password: str
) -> None:
    sign_up("081234567890")
    response = Client().post("/masuk", {"identity": identity, "password": password})
    assert response.status_code == 400
    assert "Nomor HP, surel atau kata sandi salah." in response.content.decode()


def test_next_is_followed_only_within_the_site(sign_up: SignUp) -> None:
    sign_up("081234567890")
    form = {"identity": "081234567890", "password": PASSWORD}
    response = Client().post("/masuk?next=/akun", form)
    assert response["Location"] == "/akun"
    response = Client().post("/masuk", {**form, "next": "https://jahat.example/"})
    assert response["Location"] == "/"
    html = Client().get("/masuk?next=/akun").content.decode()
    assert '<input type="hidden" name="next" value="/akun">' in html


def test_a_page_that_needs_an_account_sends_to_log_in_and_back(client: Client) -> None:
    response = client.get("/akun")
    assert response.status_code == 302 and response["Location"] == "/masuk?next=/akun"


def test_an_unconfirmed_sign_up_is_sent_to_its_code_page(client: Client) -> None:
    Client().post("/daftar", signup_form("081234567890"))
    response = client.post("/masuk", {"identity": "081234567890", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/daftar/konfirmasi"
    assert "Masukkan kode" in client.get("/daftar/konfirmasi").content.decode()
    # With a wrong password it is only a wrong log-in.
    other = Client()
    response = other.post("/masuk", {"identity": "081234567890", "password": "bukan-ini-77"})
    assert response.status_code == 400


def test_log_out_is_a_post_and_the_nav_offers_it(sign_up: SignUp) -> None:
    client = Client()
    sign_up(client=client)
    html = client.get("/").content.decode()
    assert 'action="/keluar" method="post"' in html
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_login_page_is_accessible(client: Client) -> None:
    html = client.get("/masuk").content.decode()
    assert html.count("<h1") == 1
    assert '<label for="id_identity">' in html and '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="/lupa-sandi"' in html and 'href="/daftar"' in html
