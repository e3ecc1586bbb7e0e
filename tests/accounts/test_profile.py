"""The account page: name and preferred language, password change, links to my
data; staff use it for their language and password only."""

import pytest
from django.test import Client

from aduan.accounts.models import User
from tests.accounts.conftest import PASSWORD, SignUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(sign_up: SignUp) -> Client:
    client = Client()
    sign_up(client=client)
    return client


def test_it_shows_the_profile_and_my_data_links(citizen: Client) -> None:
    html = citizen.get("/akun").content.decode()
    assert "<h1>Akun saya</h1>" in html and html.count("<h1") == 1
    assert 'value="Siti Aminah"' in html
    assert "+62812•••••890" in html
    assert 'href="/akun/data.json" download' in html and 'href="/akun/hapus"' in html
    assert 'href="/akun/sandi"' in html
    assert "Akun Anda sudah aktif" in html  # the message after confirming


def test_it_saves_name_and_language(citizen: Client) -> None:
    response = citizen.post("/akun", {"name": "Siti A.", "language": "en"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    user = User.objects.get(role="citizen")
    assert (user.language, user.reporter.name) == ("en", "Siti A.")


def test_bad_profile_input_is_shown_on_the_form(citizen: Client) -> None:
    response = citizen.post("/akun", {"name": "", "language": "fr"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_error"' in html and 'id="id_language_error"' in html
    assert User.objects.get(role="citizen").language == "id"


def test_staff_keep_their_name_with_the_admin(cast: object) -> None:
    staff = User.objects.get(username="admin.kota")
    client = Client()
    client.force_login(staff)
    html = client.get("/akun").content.decode()
    assert 'name="name"' not in html and 'href="/akun/hapus"' not in html
    assert client.post("/akun", {"language": "en"}).status_code == 302
    assert User.objects.get(pk=staff.pk).language == "en"
    assert client.get("/akun/hapus").status_code == 403


def test_it_changes_the_password_and_stays_signed_in(citizen: Client) -> None:
    new = "Sandi-baru-untuk-aduan-7"
    form = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    response = citizen.post("/akun/sandi", form)
    assert response.status_code == 302 and response["Location"] == "/akun"
    assert citizen.get("/akun").status_code == 200
    assert User.objects.get(role="citizen").check_password(new)
    wrong = {**form, "old_password": "bukan-ini"}
    assert citizen.post("/akun/sandi", wrong).status_code == 400
