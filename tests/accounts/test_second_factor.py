"""The privacy matrix's role "staff signed in with the password only": on every
surface (portal pages, attachments, internal notes, the JSON API, Open311, the
back office's exports, the Django admin) such a session gets the public's view or a
refusal, for each staff role; the same account past the second factor sees as
before. A password-only session is what /masuk gave staff before, and what a session
is after its second factor is removed (a lost phone reset)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import User
from aduan.backoffice.services import second_factor_reset
from aduan.reports import services
from aduan.reports.models import Attachment, Report
from aduan.reports.policy import PUBLIC, Actor
from tests.accounts.conftest import PASSWORD
from tests.conftest import verified_client
from tests.reporting.conftest import jpeg_with_exif
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

STAFF_ROLES = ("liaison", "agency_admin", "national", "supervisor")
NOTE = "Catatan internal: kontraktor lama bermasalah"
SECRET_NOTE = "Catatan internal: saksi tinggal di sebelah lubang"
# What each role sees past the second factor (as before this change). The reports
# are with Kota Cirebon's Dinas PUPR; the supervisor is Jawa Barat's.
HANDLERS = {"liaison", "agency_admin", "national"}
EXPORT = {
    "liaison": "/kantor/kotak-masuk/unduh",
    "agency_admin": "/kantor/kotak-masuk/unduh",
    "national": "/kantor/verifikasi/unduh",
    "supervisor": "/kantor/terlambat/unduh",
}


@dataclass
class Scene:
    confidential: Report  # with a file and an internal note
    confidential_file: Attachment
    anonymous: Report  # public, but its files are not the public's
    anonymous_file: Attachment
    public: Report  # with an internal note
    unverified: Report  # the reporter's and the national admin's only


@pytest.fixture
def scene(cast: Cast, make_report: MakeReport) -> Scene:
    def dispositioned(**flags: Any) -> Report:
        report = make_report(**flags)
        services.report_dispose(
            actor=cast.national, report=report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
        )
        return Report.objects.get(pk=report.pk)

    def with_file(report: Report) -> Attachment:
        return services.report_attachment_add(
            actor=cast.owner, report=report, data=jpeg_with_exif()
        )

    confidential = dispositioned(confidential=True)
    services.report_note(actor=cast.agency_admin, report=confidential, text=SECRET_NOTE)
    confidential_file = with_file(confidential)
    anonymous = dispositioned(anonymous=True)
    anonymous_file = with_file(anonymous)
    public = dispositioned()
    services.report_note(actor=cast.agency_admin, report=public, text=NOTE)
    unverified = make_report(title="Belum diverifikasi: pungutan liar di loket")
    return Scene(confidential, confidential_file, anonymous, anonymous_file, public, unverified)


def _staff(cast: Cast, role: str) -> User:
    actor: Actor = getattr(cast, role)
    user = actor.user
    assert user is not None
    if role == "national":
        user.is_staff = True  # the admin's own flag: it must not be enough either
        user.save()
    return user


def _password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, report: Report) -> Any:
    return client.get(f"/laporan/{report.tracking_number}")


def _file(client: Client, attachment: Attachment) -> int:
    return client.get(f"/lampiran/{attachment.pk}").status_code


def _status_only(response: Any, report: Report) -> None:
    """The page anyone holding the number gets (issue 19): the report's status, and
    nothing of what it says or of what staff wrote about it."""
    assert response.status_code == 200
    page = response.content.decode()
    assert report.title not in page and report.body not in page
    assert SECRET_NOTE not in page


# -- the public's view, or a refusal ----------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_password_alone_shows_the_portal_as_the_public_sees_it(
    cast: Cast, scene: Scene, role: str
) -> None:
    client = _password_only(_staff(cast, role))
    _status_only(_page(client, scene.confidential), scene.confidential)
    _status_only(_page(client, scene.unverified), scene.unverified)
    public = _page(client, scene.public)
    assert public.status_code == 200 and NOTE not in public.text
    assert _file(client, scene.confidential_file) == 404
    assert _file(client, scene.anonymous_file) == 404
    # Following the number leads to the same status, and no further.
    track = client.get("/lacak", {"nomor": scene.confidential.tracking_number}, follow=True)
    _status_only(track, scene.confidential)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_password_alone_opens_no_back_office_export_nor_admin(
    cast: Cast, scene: Scene, role: str
) -> None:
    client = _password_only(_staff(cast, role))
    for url in ("/kantor/", EXPORT[role], f"/kantor/laporan/{scene.confidential.tracking_number}"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/kantor/masuk?next="), url
    for url in ("/admin/", "/admin/accounts/user/", "/admin/agencies/agency/"):
        response = client.get(url)
        assert response.status_code == 302, url
        # The admin's log-in is the staff sign-in.
        response = client.get(response["Location"])
        assert response.status_code == 302, url
        assert response["Location"].startswith("/kantor/masuk?next="), url


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("second_factor", [False, True])
def test_no_session_gives_a_staff_view_through_the_api_or_open311(
    cast: Cast, scene: Scene, role: str, second_factor: bool
) -> None:
    """The JSON API and Open311 read no session: staff or not, verified or not, a
    browser's cookie is the public there."""
    user = _staff(cast, role)
    client = verified_client(user) if second_factor else _password_only(user)
    for report in (scene.confidential, scene.unverified):
        # The status anyone holding the number may follow (issue 19), no content.
        answer = client.get(f"/api/v1/reports/{report.tracking_number}")
        assert answer.status_code == 200 and answer.json()["view"] == "status"
        assert report.title not in answer.text and report.body not in answer.text
        detail = client.get(f"/open311/v2/requests/{report.tracking_number}.json")
        assert detail.status_code == 200
        assert report.title not in detail.text and report.body not in detail.text
        assert detail.json()[0]["description"] is None
    assert client.get("/api/v1/reports/mine").status_code == 401
    assert client.get("/api/v1/agency/reports").status_code == 401
    listing = client.get("/open311/v2/requests.json")
    assert listing.status_code == 200
    assert scene.public.tracking_number in listing.text
    for report in (scene.confidential, scene.unverified):
        assert report.tracking_number not in listing.text


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_api_issues_no_token_to_staff(cast: Cast, role: str) -> None:
    user = _staff(cast, role)
    user.set_password(PASSWORD)
    user.save()
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "api_citizens_only"
    assert not user.api_tokens.exists()


# -- /masuk: a refusal, no session ------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_get_no_session_at_the_citizens_sign_in(cast: Cast, scene: Scene, role: str) -> None:
    user = _staff(cast, role)
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post(
        "/masuk?next=/akun", {"identity": user.username, "password": PASSWORD, "next": "/akun"}
    )
    assert response.status_code == 403
    assert "Akun petugas tidak masuk di halaman warga" in response.text
    assert 'href="/kantor/masuk?next=/akun"' in response.text
    assert "_auth_user_id" not in client.session
    _status_only(_page(client, scene.confidential), scene.confidential)


def test_a_superuser_gets_no_session_at_the_citizens_sign_in(admin_user: User) -> None:
    client = Client()
    response = client.post("/masuk", {"identity": admin_user.username, "password": "password"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_wrong_staff_password_is_only_a_wrong_sign_in(cast: Cast) -> None:
    """The refusal comes after the password: a guess tells nothing of the account."""
    response = Client().post("/masuk", {"identity": "admin.kota", "password": "salah-sekali-9"})
    assert response.status_code == 400
    assert "Nomor HP, surel atau kata sandi salah." in response.text
    assert "Akun petugas" not in response.text


def test_a_citizen_still_signs_in_at_the_citizens_sign_in(cast: Cast) -> None:
    user = cast.owner.user
    assert user is not None
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post("/masuk", {"identity": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


# -- past the second factor: as before ------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_past_the_second_factor_staff_see_as_before(cast: Cast, scene: Scene, role: str) -> None:
    client = verified_client(_staff(cast, role))
    handler = role in HANDLERS
    confidential = _page(client, scene.confidential)
    assert confidential.status_code == 200  # the supervisor: its number and state only
    assert (SECRET_NOTE in confidential.text) == handler
    assert (NOTE in _page(client, scene.public).text) == handler
    unverified = _page(client, scene.unverified)
    if role == "national":
        assert scene.unverified.body in unverified.text
    else:
        _status_only(unverified, scene.unverified)
    assert _file(client, scene.confidential_file) == (200 if handler else 404)
    assert _file(client, scene.anonymous_file) == 200
    assert client.get("/kantor/").status_code == 200
    assert client.get(EXPORT[role]).status_code == 200
    assert client.get("/admin/", follow=True).status_code == (200 if role == "national" else 403)


def test_a_session_whose_second_factor_is_reset_loses_the_staff_view(
    cast: Cast, scene: Scene
) -> None:
    user = _staff(cast, "agency_admin")
    client = verified_client(user)
    assert _file(client, scene.confidential_file) == 200
    second_factor_reset(user=user)  # a lost phone
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _file(client, scene.confidential_file) == 404
    _status_only(_page(client, scene.confidential), scene.confidential)
    assert client.get("/kantor/").status_code == 302


# -- the one place: Actor.for_user -------------------------------------------------------


def _request_user(user: User, *, verified: bool) -> User:
    """The user as OTPMiddleware leaves it on a request."""
    user.is_verified = lambda: verified  # type: ignore[attr-defined]
    return user


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_staff_actor_needs_the_second_factor(cast: Cast, role: str) -> None:
    user = User.objects.get(pk=_staff(cast, role).pk)
    expected = user.role
    assert Actor.for_user(user) == PUBLIC  # a user object from nowhere: no staff role
    assert Actor.for_user(_request_user(user, verified=False)) == PUBLIC
    assert Actor.for_user(_request_user(user, verified=True)).role == expected
    fresh = User.objects.get(pk=user.pk)
    assert Actor.for_user(fresh, verified=True).role == expected  # vouched by the caller


def test_a_citizen_actor_needs_no_second_factor(cast: Cast) -> None:
    user = User.objects.get(username="ani")
    actor = Actor.for_user(_request_user(user, verified=False))
    assert actor.role == "citizen" and actor.reporter_id == cast.reporter.pk
    assert Actor.for_user(User.objects.get(username="ani")).role == "citizen"
