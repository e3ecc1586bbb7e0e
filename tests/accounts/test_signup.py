"""Sign-up: a one-time code to the phone or e-mail proves it is the citizen's; only
then does the account exist, and it takes over what that identity reported before."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.accounts import services
from aduan.accounts.models import OneTimeCode, User
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reporters.services import reporter_for_identity
from aduan.reports.models import Channel
from aduan.reports.policy import Actor
from aduan.reports.selectors import report_list_for_reporter
from tests.accounts.conftest import PASSWORD, SignUp, last_code, signup_form

pytestmark = pytest.mark.django_db


def test_the_page_is_accessible_and_in_indonesian(client: Client) -> None:
    html = client.get("/daftar").content.decode()
    assert "<h1>Daftar akun</h1>" in html and html.count("<h1") == 1
    assert '<label for="id_identity">Nomor HP atau surel' in html
    assert 'autocomplete="username"' in html and 'autocomplete="new-password"' in html
    assert 'autocomplete="name"' in html
    assert "csrfmiddlewaretoken" in html
    assert "aduan/accounts.css" in html


def test_it_signs_up_by_phone_end_to_end(client: Client) -> None:
    response = client.post("/daftar", signup_form("0812 3456 7890"))
    assert response.status_code == 302 and response["Location"] == "/daftar/konfirmasi"
    assert not User.objects.filter(role="citizen").exists()  # not before the code
    message = Message.objects.get(purpose="otp")
    assert (message.channel, message.recipient) == ("sms", "+6281234567890")
    assert message.body.startswith("Kode aduan Anda: ")
    page = client.get("/daftar/konfirmasi").content.decode()
    assert "+62812•••••890" in page and 'autocomplete="one-time-code"' in page

    response = client.post("/daftar/konfirmasi", {"code": last_code("+6281234567890")})
    assert response.status_code == 302 and response["Location"] == "/akun"
    user = User.objects.get(role="citizen")
    assert user.is_active and user.username.startswith("warga-")
    assert user.reporter.name == "Siti Aminah"
    identity = ChannelIdentity.objects.get(reporter=user.reporter)
    assert identity.value == "+6281234567890" and identity.verified_at is not None
    assert client.get("/akun").status_code == 200  # signed in
    assert not OneTimeCode.objects.exists()


def test_it_signs_up_by_email(sign_up: SignUp) -> None:
    user = sign_up("Ani@Example.ID")
    identity = ChannelIdentity.objects.get(reporter__user=user)
    assert (identity.kind, identity.value) == ("email", "ani@example.id")
    message = Message.objects.get(purpose="otp")
    assert message.channel == "email" and message.subject == "Kode aduan Anda"


def test_the_confirmed_account_takes_over_what_its_phone_reported_by_sms(
    sign_up: SignUp, make_report: Any, cast: Any
) -> None:
    sms_reporter = reporter_for_identity(kind="phone", value="081234567890")
    report = make_report(
        actor=Actor.for_reporter(sms_reporter.pk), reporter=sms_reporter, channel=Channel.SMS
    )
    user = sign_up("081234567890")
    assert user.reporter.pk == sms_reporter.pk
    assert Reporter.objects.get(pk=sms_reporter.pk).name == "Siti Aminah"
    mine = report_list_for_reporter(actor=Actor.for_user(User.objects.get(pk=user.pk)))
    assert list(mine) == [report]
    assert ChannelIdentity.objects.get(reporter=sms_reporter).verified_at is not None


def test_an_identity_with_an_account_is_refused_plainly(sign_up: SignUp) -> None:
    sign_up("081234567890")
    response = Client().post("/daftar", signup_form("+62 812-3456-7890"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "sudah terdaftar" in html
    assert 'href="/masuk"' in html and 'href="/lupa-sandi"' in html
    assert Message.objects.filter(purpose="otp").count() == 1  # no code for it


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"identity": "bukan nomor"}, "identity", "Nomor telepon tidak valid."),
        ({"identity": "ani@"}, "identity", "Alamat surel tidak valid."),
        ({"password2": "lain-sekali-2024"}, "password2", "Kedua kata sandi tidak sama."),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "terlalu umum"),
        ({"name": "   "}, "name", "Bidang ini tidak boleh kosong."),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_written(
    client: Client, fields: dict[str, str], field: str, text: str
) -> None:
    response = client.post("/daftar", {**signup_form("081234567890"), **fields})
    assert response.status_code == 400
    html = response.content.decode()
    assert text in html
    assert f'id="id_{field}_error"' in html
    # The error is tied to its input (with the help text, if the field has one).
    assert re.search(rf'aria-describedby="(id_{field}_helptext )?id_{field}_error"', html)
    assert 'aria-invalid="true"' in html
    assert not OneTimeCode.objects.exists() and not Message.objects.exists()


def test_wrong_codes_are_counted_and_the_fifth_locks_it(client: Client) -> None:
    client.post("/daftar", signup_form("081234567890"))
    right = last_code("+6281234567890")
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        html = client.post("/daftar/konfirmasi", {"code": wrong}).content.decode()
        assert f"Kode salah. Sisa {left} percobaan." in html
    assert (
        "percobaan sudah habis"
        in client.post("/daftar/konfirmasi", {"code": wrong}).content.decode()
    )
    # Even the right code no longer works; a new code does.
    html = client.post("/daftar/konfirmasi", {"code": right}).content.decode()
    assert "Terlalu banyak percobaan yang salah" in html
    assert not User.objects.filter(role="citizen").exists()
    OneTimeCode.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    assert client.post("/daftar/kirim-ulang").status_code == 302
    new = last_code("+6281234567890")
    assert client.post("/daftar/konfirmasi", {"code": new}).status_code == 302
    assert User.objects.filter(role="citizen").count() == 1


def test_a_code_expires_after_15_minutes() -> None:
    now = timezone.now()
    row = services.account_signup(name="Ani", identity="081234567890", password=PASSWORD, now=now)
    code = last_code("+6281234567890")
    with pytest.raises(InvalidInput, match="kedaluwarsa") as error:
        services.account_confirm(token=row.token, code=code, now=now + timedelta(minutes=15))
    assert error.value.field == "code"
    user = services.account_confirm(
        token=row.token, code=code, now=now + timedelta(minutes=14, seconds=59)
    )
    assert user.is_active


def test_a_new_code_replaces_the_old_one_and_not_more_than_once_a_minute(
    client: Client,
) -> None:
    client.post("/daftar", signup_form("081234567890"))
    old = last_code("+6281234567890")
    response = client.post("/daftar/kirim-ulang", follow=True)
    assert "Tunggu satu menit" in response.content.decode()
    assert Message.objects.count() == 1
    OneTimeCode.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    response = client.post("/daftar/kirim-ulang", follow=True)
    assert "Kode baru sudah dikirim" in response.content.decode()
    new = last_code("+6281234567890")
    if new != old:
        html = client.post("/daftar/konfirmasi", {"code": old}).content.decode()
        assert "Kode salah" in html
    assert client.post("/daftar/konfirmasi", {"code": new}).status_code == 302


def test_signing_up_again_replaces_the_pending_sign_up(client: Client) -> None:
    """Someone else typing my number cannot ride on my code: the earlier browser's
    sign-up is gone, the new one needs the new code."""
    client.post("/daftar", signup_form("081234567890"))
    first_code = last_code("+6281234567890")
    other = Client()
    other.post("/daftar", signup_form("081234567890", name="Penyusup"))
    assert OneTimeCode.objects.count() == 1
    response = client.post("/daftar/konfirmasi", {"code": first_code})
    assert response.status_code == 302 and response["Location"] == "/daftar"
    assert not User.objects.filter(role="citizen").exists()


def test_the_confirmation_page_without_a_pending_sign_up_goes_back_to_sign_up(
    client: Client,
) -> None:
    response = client.get("/daftar/konfirmasi")
    assert response.status_code == 302 and response["Location"] == "/daftar"


def test_a_signed_in_citizen_is_not_offered_sign_up(sign_up: SignUp) -> None:
    client = Client()
    sign_up(client=client)
    assert client.get("/daftar")["Location"] == "/akun"


def test_an_identity_claimed_between_sign_up_and_code_is_refused(client: Client) -> None:
    client.post("/daftar", signup_form("081234567890"))
    code = last_code("+6281234567890")
    services.account_confirm(
        token=services.account_signup(
            name="Budi", identity="081234567890", password=PASSWORD
        ).token,
        code=last_code("+6281234567890"),
    )
    response = client.post("/daftar/konfirmasi", {"code": code})
    assert response.status_code in (302, 400)
    assert User.objects.filter(role="citizen").count() == 1
