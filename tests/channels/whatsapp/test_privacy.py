"""A citizen's WhatsApp messages and the reports they were writing one question at a
time are part of their data export, and leave nothing behind when they erase their
account; the webhook's log lines hold no number and no text."""

import logging
from typing import Any

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.accounts.selectors import account_export
from aduan.channels.whatsapp.models import InboundWhatsApp
from aduan.intake.models import Conversation
from tests.accounts.conftest import PASSWORD, SignUp
from tests.accounts.test_erase import _everything_stored
from tests.channels.whatsapp.chat import Citizen
from tests.channels.whatsapp.conftest import APP_SECRET
from tests.channels.whatsapp.fake_whatsapp import FakeWhatsApp

pytestmark = pytest.mark.django_db

MARKER = "Kabel listrik menjuntai di gang Mawar sejak Senin"


@pytest.fixture
def writer(sign_up: SignUp, fake_whatsapp: FakeWhatsApp) -> tuple[User, Client]:
    web = Client()
    user = sign_up("081234567890", client=web)
    citizen = Citizen(Client(), APP_SECRET, number="6281234567890")
    citizen.text("LAPOR")
    citizen.choose("type:complaint", "Pengaduan")
    citizen.text(MARKER)
    assert Conversation.objects.get().text == MARKER
    return user, web


def test_the_export_holds_the_messages_and_the_conversation(writer: tuple[User, Client]) -> None:
    user, _web = writer
    export = account_export(user=user)
    assert len(export["whatsapp"]) == 3
    [conversation] = export["whatsapp_conversations"]
    assert conversation["text"] == MARKER and conversation["state"] == "open"


def test_erasing_the_account_leaves_no_trace_of_the_chat(writer: tuple[User, Client]) -> None:
    _user, web = writer
    assert "6281234567890" in _everything_stored()
    response = web.post("/akun/hapus", {"password": PASSWORD})
    assert response.status_code == 200
    assert not InboundWhatsApp.objects.exists() and not Conversation.objects.exists()
    stored = _everything_stored()
    for trace in ("81234567890", MARKER):
        assert trace not in stored


def test_the_log_holds_no_number_and_no_text(
    client: Client, fake_whatsapp: FakeWhatsApp, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    citizen = Citizen(client, APP_SECRET, number="6281277778888")
    citizen.text(MARKER)
    citizen.sticker()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "77778888" not in logged and "Mawar" not in logged
