"""One service name, set by the deployment (ADUAN_SERVICE_NAME), wherever citizens
meet the service: pages' titles, header and footer, e-mails and SMS. "aduan" is the
software's name and appears in none of them."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from aduan.channels.email.transport import mail_subject
from aduan.intake.answers import help_text
from aduan.intake.commands import Trouble
from aduan.outbox.models import Message

pytestmark = pytest.mark.django_db

NAME = "Lapor Kota Cirebon"
# The software's name as a word ("Pengaduan" is Indonesian for complaint).
_SOFTWARE = re.compile(r"\baduan\b")


@pytest.fixture(autouse=True)
def _named(settings: Any) -> None:
    settings.SERVICE_NAME = NAME


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return " ".join(found.group(1).split())


@pytest.mark.parametrize("language", ["id", "en"])
def test_pages_carry_the_service_name(client: Client, language: str) -> None:
    client.cookies["django_language"] = language
    home = client.get("/", headers={"accept-language": language}).content.decode()
    assert _title(home).startswith(f"{NAME} — ")
    assert f'class="brand" href="/">{NAME}</a>' in home
    footer = home[home.index('class="site-footer"') :]
    assert NAME in footer
    for path in ("/masuk", "/lacak", "/data-terbuka"):
        html = client.get(path).content.decode()
        assert _title(html).endswith(f" — {NAME}"), path
        assert not _SOFTWARE.search(_title(html))
    assert not _SOFTWARE.search(_title(home)) and not _SOFTWARE.search(footer)


def test_an_sms_help_and_a_mail_without_subject_carry_it() -> None:
    with translation.override("id"):
        assert help_text(Trouble.NONE, to="1708").startswith(f"Layanan {NAME} 1708.")
    message = Message(channel=Message.Channel.EMAIL, recipient="a@example.id", subject="")
    assert mail_subject(message) == NAME
