"""Deleting my account (UU PDP): my reports stay, who I was is erased from them and
from everywhere else; the User row stays anonymised (timeline events point to it)."""

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from aduan.accounts.models import OneTimeCode, User
from aduan.channels.sms.models import InboundSms
from aduan.channels.sms.services import Sms, sms_receive
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.models import Report, ReportEvent
from aduan.reports.policy import Actor
from tests.accounts.conftest import PASSWORD, SignUp

pytestmark = pytest.mark.django_db

NAME = "Siti Erasmawati"
NIK = "3274010101900001"
PHONE = "+6281234567890"


def _everything_stored() -> str:
    """Every text value of every row the project stores, decrypted where encrypted,
    except the reference data (regions, agencies, categories: nobody's personal data)."""
    skip = {"regions", "agencies", "categories", "reference", "workdays", "routing"}
    values: list[str] = []
    for model in apps.get_models():
        if model._meta.app_label in skip:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.extend(str(value) for value in row)
    return "\n".join(values)


@pytest.fixture
def erased(sign_up: SignUp, make_report: Any, cast: Any) -> tuple[User, Report, Client]:
    client = Client()
    user = sign_up("081234567890", client=client, name=NAME)
    Reporter.objects.filter(user=user).update(nik=NIK)
    actor = Actor.for_user(User.objects.get(pk=user.pk))
    report = make_report(actor=actor, reporter=user.reporter)
    message_send(
        channel="sms",
        recipient=PHONE,
        body=f"Halo {NAME}, laporan Anda diterima.",
        purpose="acknowledgement",
        reporter_id=user.reporter.pk,
        report_id=report.pk,
    )
    sms_receive(Sms(sender=PHONE, text=f"CEK {report.tracking_number}"))
    assert InboundSms.objects.count() == 1
    stored = _everything_stored()
    assert NAME in stored and PHONE in stored and NIK in stored  # the scan sees them
    response = client.post("/akun/hapus", {"password": PASSWORD})
    assert response.status_code == 200
    assert "Akun Anda sudah dihapus" in response.content.decode()
    return user, report, client


def test_the_reports_stay_and_nothing_identifying_is_left(
    erased: tuple[User, Report, Client],
) -> None:
    user, report, client = erased
    assert "_auth_user_id" not in client.session  # logged out
    kept = Report.objects.get(pk=report.pk)
    assert ReportEvent.objects.filter(report=kept, actor=user).exists()
    reporter = kept.reporter
    assert not reporter.name and not reporter.nik and not reporter.nik_hash
    assert reporter.erased_at is not None and reporter.user is None
    assert not ChannelIdentity.objects.filter(reporter=reporter).exists()
    assert not Message.objects.exists() and not OneTimeCode.objects.exists()
    assert not InboundSms.objects.exists()  # the SMS they sent, known by their number

    anonymous = User.objects.get(pk=user.pk)
    assert anonymous.username == f"dihapus-{user.pk}"
    assert not anonymous.is_active and not anonymous.has_usable_password()
    assert (anonymous.first_name, anonymous.last_name, anonymous.email) == ("", "", "")

    stored = _everything_stored()
    for trace in (NAME, "Siti", PHONE, "81234567890", NIK):
        assert trace not in stored


def test_no_report_page_shows_the_erased_name(
    erased: tuple[User, Report, Client], cast: Any
) -> None:
    _user, report, _client = erased
    national = Client()
    national.force_login(cast.national.user)
    for client in (Client(), national):
        html = client.get("/lacak", {"nomor": report.tracking_number}).content.decode()
        assert NAME not in html and "Siti" not in html


def test_the_old_account_cannot_log_in_and_the_phone_can_start_afresh(
    erased: tuple[User, Report, Client], sign_up: SignUp
) -> None:
    _user, report, _client = erased
    response = Client().post("/masuk", {"identity": "081234567890", "password": PASSWORD})
    assert response.status_code == 400
    client = Client()
    sign_up("081234567890", client=client)
    data = json.loads(client.get("/akun/data.json").content)
    assert data["reports"] == [] and data["events"] == []
    assert report.tracking_number not in json.dumps(data)


def test_a_wrong_password_erases_nothing(sign_up: SignUp) -> None:
    client = Client()
    user = sign_up(client=client)
    page = client.get("/akun/hapus").content.decode()
    assert "<h1>Hapus akun</h1>" in page and 'autocomplete="current-password"' in page
    response = client.post("/akun/hapus", {"password": "bukan-ini"})
    assert response.status_code == 400
    assert "Kata sandi salah." in response.content.decode()
    assert User.objects.get(pk=user.pk).is_active
    assert Reporter.objects.get(user=user).name == "Siti Aminah"
