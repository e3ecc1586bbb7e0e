"""The Django admin: reference data for national admins who passed the second
factor; nobody else, and nothing about reporters in its lists."""

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoAssertNumQueries

from aduan.accounts.models import User
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name or "") for model in admin.site._registry
)


def _national(cast: Cast, *, superuser: bool = True) -> User:
    user = cast.national.user
    assert user is not None
    user.is_staff, user.is_superuser = True, superuser
    user.save()
    return user


def test_it_needs_the_second_factor(cast: Cast) -> None:
    client = Client()
    client.force_login(_national(cast))  # the password alone
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/kantor/masuk?next=%2Fadmin%2F"


def test_it_is_for_national_admins(cast: Cast, staff_client: Callable[[User], Client]) -> None:
    for actor in (cast.agency_admin, cast.liaison, cast.supervisor):
        assert actor.user is not None
        actor.user.is_staff = True  # even marked as staff
        actor.user.save()
        client = staff_client(actor.user)
        response = client.get("/admin/", follow=True)
        assert response.status_code == 403
    national = staff_client(_national(cast, superuser=False))
    assert national.get("/admin/").status_code == 200


def test_the_demo_otp_devices_are_not_in_the_admin() -> None:
    assert TOTPDevice not in admin.site._registry


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_list_pages_load_cheaply(
    cast: Cast,
    staff_client: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
    app: str,
    model: str,
) -> None:
    client = staff_client(_national(cast))
    url = reverse(f"admin:{app}_{model}_changelist")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


def test_it_creates_a_staff_member(cast: Cast, staff_client: Callable[[User], Client]) -> None:
    client = staff_client(_national(cast))
    data = {
        "username": "pupr.baru",
        "usable_password": "true",
        "password1": "sandi-yang-panjang-9",
        "password2": "sandi-yang-panjang-9",
        "first_name": "Petugas",
        "role": "liaison",
        "agency": cast.kota.pk,
        "unit": cast.pupr.pk,
    }
    response = client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302
    created = User.objects.get(username="pupr.baru")
    assert (created.role, created.agency, created.unit) == ("liaison", cast.kota, cast.pupr)

    bad = {**data, "username": "salah.unit", "agency": cast.kabupaten.pk}
    response = client.post("/admin/accounts/user/add/", bad)
    assert response.status_code == 200 and "bukan bagian" in response.text
    no_agency = {**data, "username": "tanpa.instansi", "agency": "", "unit": ""}
    response = client.post("/admin/accounts/user/add/", no_agency)
    assert response.status_code == 200 and "satu instansi" in response.text
    assert not User.objects.filter(username__in=["salah.unit", "tanpa.instansi"]).exists()


def test_a_citizen_shows_no_personal_data(
    cast: Cast, staff_client: Callable[[User], Client]
) -> None:
    owner = cast.owner.user
    assert owner is not None
    owner.first_name, owner.email = "Ani Rahayu", "ani@contoh.id"
    owner.save()
    client = staff_client(_national(cast))
    listing = client.get("/admin/accounts/user/").text
    page = client.get(f"/admin/accounts/user/{owner.pk}/change/").text
    for text in (listing, page):
        assert "Ani Rahayu" not in text and "ani@contoh.id" not in text


def test_it_resets_a_lost_second_factor(cast: Cast, staff_client: Callable[[User], Client]) -> None:
    liaison = cast.liaison.user
    assert liaison is not None
    TOTPDevice.objects.create(user=liaison, name="authenticator", confirmed=True)
    client = staff_client(_national(cast))
    data = {"action": "reset_second_factor", "_selected_action": [liaison.pk]}
    assert client.post("/admin/accounts/user/", data).status_code == 302
    assert not TOTPDevice.objects.filter(user=liaison).exists()
