"""Only a staff member who passed the second factor enters the back office."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.accounts.models import User
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_only_verified_staff_enter(cast: Cast, staff_client: Callable[[User], Client]) -> None:
    national = cast.national.user
    assert national is not None and cast.owner.user is not None
    assert Client().get("/kantor/")["Location"].startswith("/kantor/masuk?next=")

    password_only = Client()
    password_only.force_login(national)
    assert password_only.get("/kantor/").status_code == 302

    citizen = staff_client(cast.owner.user)
    assert citizen.get("/kantor/").status_code == 302

    assert staff_client(national).get("/kantor/").status_code == 200


def test_the_start_page_offers_what_the_role_does(
    cast: Cast, staff_client: Callable[[User], Client]
) -> None:
    assert cast.national.user is not None and cast.liaison.user is not None
    national = staff_client(cast.national.user).get("/kantor/").content.decode()
    liaison = staff_client(cast.liaison.user).get("/kantor/").content.decode()
    assert "/kantor/verifikasi" in national and "/kantor/verifikasi" not in liaison
    assert "/kantor/keluar" in liaison and "/laporan-saya" not in liaison
