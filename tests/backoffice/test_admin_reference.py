"""A national admin who is not a superuser manages reference data in the Django admin
by the role alone; nothing else, no way up to superuser, and no reporter's contacts
or identity on its pages."""

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.agencies.models import Agency
from aduan.backoffice.permissions import REFERENCE_DATA
from aduan.categories.models import Category
from aduan.community import services as community
from aduan.outbox.services import message_send
from aduan.reports.models import Report
from aduan.workdays.models import RegionalHoliday
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

StaffClient = Callable[[User], Client]
PHONE, EMAIL = "+6281234567890", "ani.rahayu@contoh.id"


def _national(cast: Cast) -> User:
    user = cast.national.user
    assert user is not None
    user.is_staff, user.is_superuser = True, False
    user.save()
    return user


@pytest.fixture
def national(cast: Cast, staff_client: StaffClient) -> Client:
    """The national admin, staff but not a superuser, past the second factor."""
    return staff_client(_national(cast))


def _url(label: str, view: str, *args: object) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


@pytest.mark.parametrize("label", sorted(REFERENCE_DATA))
def test_it_opens_every_reference_data_list_and_form(national: Client, label: str) -> None:
    assert national.get(_url(label, "changelist")).status_code == 200
    may_add = "add" in REFERENCE_DATA[label]
    assert national.get(_url(label, "add")).status_code == (200 if may_add else 403)


def test_the_index_lists_reference_data_only(national: Client) -> None:
    html = national.get("/admin/").text
    for path in ("/admin/agencies/agency/", "/admin/workdays/regionalholiday/"):
        assert path in html
    assert "/admin/reports/deadlinepolicy/" in html
    assert "/admin/outbox/" not in html


def test_it_adds_and_removes_a_regional_holiday(national: Client) -> None:
    data = {"region": "32.74", "date": "2026-09-14", "name": "Hari Jadi Kota"}
    response = national.post(_url("workdays.regionalholiday", "add"), data)
    assert response.status_code == 302
    holiday = RegionalHoliday.objects.get(region_id="32.74", date=datetime.date(2026, 9, 14))
    delete = _url("workdays.regionalholiday", "delete", holiday.pk)
    assert national.post(delete, {"post": "yes"}).status_code == 302
    assert not RegionalHoliday.objects.filter(pk=holiday.pk).exists()


def test_it_deactivates_but_never_deletes_what_reports_point_to(
    cast: Cast, national: Client
) -> None:
    category = Category.objects.get(code="infrastruktur.jalan")
    for label, pk in (
        ("agencies.agency", cast.kota.pk),
        ("agencies.unit", cast.pupr.pk),
        ("categories.category", category.pk),
    ):
        assert national.get(_url(label, "delete", pk)).status_code == 403
        assert national.post(_url(label, "delete", pk), {"post": "yes"}).status_code == 403
    assert Agency.objects.filter(pk=cast.kota.pk).exists()
    page = national.get(_url("agencies.agency", "change", cast.kota.pk)).text
    assert 'name="is_active"' in page


def test_reports_and_the_outbox_stay_out_of_reach(
    cast: Cast, national: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    message = message_send(
        channel="sms", recipient=PHONE, body="Laporan diterima", purpose="acknowledgement"
    )
    assert national.get("/admin/outbox/message/").status_code == 403
    assert national.get(f"/admin/outbox/message/{message.pk}/change/").status_code == 403
    # Reports and their timelines are not in the admin at all: the back office has them.
    assert national.get("/admin/reports/report/").status_code == 404
    assert national.get(f"/admin/reports/report/{report.pk}/change/").status_code == 404
    assert national.get("/admin/reports/reportevent/").status_code == 404


def _staff_change_data(user: User, **overrides: object) -> dict[str, object]:
    assert user.agency is not None
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "agency": user.agency.pk,
        "unit": user.unit.pk if user.unit else "",
        "language": user.language,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(overrides)
    return data


def test_nobody_becomes_a_superuser_or_gets_permissions(cast: Cast, national: Client) -> None:
    me = _national(cast)
    liaison = cast.liaison.user
    assert liaison is not None
    permission = Permission.objects.get(codename="view_message")
    for target in (me, liaison):
        url = _url("accounts.user", "change", target.pk)
        page = national.get(url).text
        for field in ("is_superuser", "groups", "user_permissions"):
            assert f'name="{field}"' not in page
        escalation = {
            "is_superuser": "on",
            "groups": [],
            "user_permissions": [permission.pk],
        }
        response = national.post(url, _staff_change_data(target, **escalation))
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.is_staff and not target.is_superuser
        assert not target.user_permissions.exists()
    assert "user_permissions" not in national.get(_url("accounts.user", "add")).text


def test_superusers_and_citizens_accounts_are_read_only(
    cast: Cast, national: Client, django_user_model: type[User]
) -> None:
    root = django_user_model.objects.create_superuser("root", "root@contoh.id", "sandi-9-root")
    TOTPDevice.objects.create(user=root, name="authenticator", confirmed=True)
    citizen = cast.owner.user
    assert citizen is not None
    for target in (root, citizen):
        change = _url("accounts.user", "change", target.pk)
        assert national.get(change).status_code == 200  # to read
        assert 'name="username"' not in national.get(change).text
        assert national.post(change, {"username": "diambil"}).status_code == 403
        password = f"/admin/accounts/user/{target.pk}/password/"
        assert national.get(password).status_code == 403
    action = {"action": "reset_second_factor", "_selected_action": [root.pk]}
    national.post("/admin/accounts/user/", action)
    assert TOTPDevice.objects.filter(user=root).exists()


def test_an_agency_admin_gets_nothing(cast: Cast, staff_client: StaffClient) -> None:
    agency_admin = cast.agency_admin.user
    assert agency_admin is not None
    agency_admin.is_staff = True
    agency_admin.save()
    assert not agency_admin.has_perm("agencies.change_agency")
    assert staff_client(agency_admin).get("/admin/", follow=True).status_code == 403
    assert _national(cast).has_perm("agencies.change_agency")


def test_outbox_pages_show_no_recipient_or_reporter(
    cast: Cast, admin_client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(anonymous=True)
    for channel, recipient in (("sms", PHONE), ("email", EMAIL)):
        message = message_send(
            channel=channel,
            recipient=recipient,
            body="Laporan Anda diterima",
            purpose="acknowledgement",
            reporter_id=cast.reporter.pk,
            report_id=report.pk,
        )
        listing = admin_client.get("/admin/outbox/message/").text
        page = admin_client.get(f"/admin/outbox/message/{message.pk}/change/")
        assert page.status_code == 200
        for html in (listing, page.text):
            assert recipient not in html
            assert f"Reporter {cast.reporter.pk}" not in html
        assert "•••" in page.text  # masked, enough to recognise it


def test_comment_pages_do_not_name_the_author(
    cast: Cast, national: Client, dispositioned: Callable[..., Report]
) -> None:
    owner = cast.owner.user
    assert owner is not None
    owner.username, owner.email = "warga-5e1f0a2b9c3d", EMAIL
    owner.save()
    report = dispositioned()
    comment = community.comment_add(actor=cast.owner, report=report, body="Belum diperbaiki")
    listing = national.get("/admin/community/comment/").text
    page = national.get(f"/admin/community/comment/{comment.pk}/change/").text
    assert "Belum diperbaiki" in page
    for html in (listing, page):
        assert owner.username not in html and EMAIL not in html and PHONE not in html


def test_a_national_admin_makes_staff_not_citizens(cast: Cast, national: Client) -> None:
    liaison = cast.liaison.user
    assert liaison is not None
    url = _url("accounts.user", "change", liaison.pk)
    assert 'value="citizen"' not in national.get(url).text
    response = national.post(url, _staff_change_data(liaison, role="citizen", agency="", unit=""))
    assert response.status_code == 200  # the form again, with the error
    liaison.refresh_from_db()
    assert liaison.role == "liaison"
