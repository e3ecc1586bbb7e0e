import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from aduan.accounts.models import User
from aduan.open311.services import open311_client_check

pytestmark = pytest.mark.django_db

EXPECTED = {
    "nasional": ("national_admin", "Admin Nasional", None),
    "admin.kotacirebon": ("agency_admin", "Pemerintah Kota Cirebon", None),
    "pupr.kotacirebon": ("liaison", "Pemerintah Kota Cirebon", "pupr"),
    "pengawas.jabar": ("supervisor", "Pemerintah Provinsi Jawa Barat", None),
    "warga": ("citizen", None, None),
}


def _accounts() -> dict[str, tuple[str, str | None, str | None]]:
    return {
        user.username: (
            user.role,
            user.agency.name if user.agency else None,
            user.unit.code if user.unit else None,
        )
        for user in User.objects.select_related("agency", "unit")
    }


def test_it_creates_the_demo_accounts_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert _accounts() == EXPECTED
    out = capsys.readouterr().out
    assert "demo12345" in out and "pupr.kotacirebon" in out


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_demo_account_signs_in(client: Client, username: str) -> None:
    call_command("seed_demo")
    assert client.login(username=username, password="demo12345")


@override_settings(DEMO_MODE=False)
def test_production_mode_refuses_demo_accounts() -> None:
    with pytest.raises(CommandError, match="mode demo"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_prints_the_open311_demo_key(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    assert "api_key=demo-open311-key" in capsys.readouterr().out
    assert open311_client_check("demo-open311-key").is_active


def test_the_printed_token_recipe_works(client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    recipe = next(line for line in capsys.readouterr().out.splitlines() if "curl" in line)
    url = recipe.split("-X POST ")[1].split()[0]
    body = recipe.split("-d '")[1].rstrip("'")
    path = url.removeprefix(settings.SITE_URL)
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    mine = client.get("/api/v1/reports/mine", headers={"authorization": f"Bearer {token}"})
    assert mine.status_code == 200
