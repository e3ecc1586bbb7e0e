from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from aduan.accounts.models import User
from aduan.community import services
from aduan.community.models import Comment, CommentAbuseReport
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.web.feed.context import community_context
from tests.conftest import verified_client
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

Make = Callable[..., Report]


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _panel(report: Report, user: User | None = None) -> str:
    """The panel as a report's page includes it."""
    request = RequestFactory().get(f"/laporan/{report.tracking_number}")
    request.user = user or AnonymousUser()
    actor = Actor.for_user(user, verified=True)  # staff as past the second factor
    report = Report.objects.get(pk=report.pk)
    return render_to_string(
        "web/community/_panel.html", community_context(request, actor, report), request=request
    )


def _user(username: str, first_name: str = "") -> User:
    user = User.objects.get(username=username)
    if first_name:
        user.first_name = first_name
        user.save()
    return user


def _comment(client: Client, report: Report, body: str) -> Any:
    return client.post(f"/laporan/{report.tracking_number}/komentar", {"isi": body})


def test_a_citizen_comments_and_everyone_reads_it_escaped_oldest_first(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned()
    client.force_login(_user("budi", "Budi Santoso"))
    response = _comment(client, report, "Sudah saya lihat, memang parah.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{report.tracking_number}#komentar-{comment.pk}"
    _comment(client, report, "<script>alert(1)</script>\nbaris dua")
    html = _panel(report)
    assert html.index("memang parah") < html.index("&lt;script&gt;alert(1)&lt;/script&gt;<br>")
    assert "<script>alert(1)</script>" not in html
    assert "<strong>Budi</strong>" in html
    assert "Santoso" not in html and "budi" not in html  # neither surname nor user name


def test_the_reporter_comments_as_pelapor_and_staff_as_their_agency(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned(anonymous=True)
    client.force_login(_user("ani", "Ani Lestari"))
    _comment(client, report, "Terima kasih atas tanggapannya.")
    client = verified_client(_user("pupr.kota"))  # staff comment once fully signed in
    _comment(client, report, "Perbaikan dijadwalkan minggu depan.")
    html = _panel(report)
    assert "<strong>Pelapor</strong>" in html and "Ani" not in html
    assert "<strong>Pemerintah Kota Cirebon</strong>" in html or "<strong>Pemkot" in html


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Komentar tidak boleh kosong."), ("   \n ", "Komentar tidak boleh kosong.")],
)
def test_an_empty_comment_is_refused(
    client: Client, cast: Cast, dispositioned: Make, body: str, message: str
) -> None:
    report = dispositioned()
    client.force_login(_user("budi"))
    response = _comment(client, report, body)
    assert response["Location"].endswith("#komentar-baru")
    assert _messages(response)[-1] == message
    assert not Comment.objects.exists()


def test_a_comment_has_a_length_limit(client: Client, cast: Cast, dispositioned: Make) -> None:
    report = dispositioned()
    client.force_login(_user("budi"))
    response = _comment(client, report, "a" * 2001)
    assert _messages(response)[-1] == "Isian ini terlalu panjang (paling banyak 2000 karakter)."
    assert not Comment.objects.exists()
    _comment(client, report, "a" * 2000)
    assert Comment.objects.count() == 1


def test_a_visitor_must_sign_in_to_comment(client: Client, dispositioned: Make) -> None:
    report = dispositioned()
    response = _comment(client, report, "Halo")
    assert response["Location"].startswith("/masuk?next=%2Flaporan%2F")
    assert not Comment.objects.exists()
    html = _panel(report)
    assert f'href="/masuk?next=%2Flaporan%2F{report.tracking_number}"' in html
    assert "<textarea" not in html and "<form" not in html


def test_no_comment_on_a_report_the_public_does_not_see(
    client: Client, cast: Cast, make_report: Make, dispositioned: Make
) -> None:
    confidential = dispositioned(confidential=True)
    client.force_login(_user("budi"))
    assert _comment(client, confidential, "Halo").status_code == 404
    assert _comment(client, make_report(), "Halo").status_code == 404
    client.force_login(_user("ani"))  # the reporter sees it, but it is no forum
    response = _comment(client, confidential, "Halo")
    assert _messages(response)[-1] == "Laporan ini tidak terbuka untuk dukungan dan komentar."
    assert not Comment.objects.exists()
    assert _panel(confidential, _user("ani")).strip() == ""


def test_abuse_is_reported_once_per_account(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned()
    comment = services.comment_add(actor=cast.owner, report=report, body="Kata kasar")
    client.force_login(_user("budi"))
    url = f"/komentar/{comment.pk}/laporkan"
    response = client.post(url)
    assert response["Location"] == f"/laporan/{report.tracking_number}#komentar-{comment.pk}"
    assert _messages(response)[-1] == "Terima kasih, admin akan memeriksa komentar ini."
    response = client.post(url)
    assert _messages(response)[-1] == "Anda sudah melaporkan komentar ini."
    assert CommentAbuseReport.objects.count() == 1
    assert "Anda sudah melaporkan komentar ini." in _panel(report, _user("budi"))


def test_abuse_reports_need_an_account_and_not_ones_own_comment(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned()
    comment = services.comment_add(actor=cast.owner, report=report, body="Komentar saya")
    response = client.post(f"/komentar/{comment.pk}/laporkan")
    assert response["Location"].startswith("/masuk?next=")
    client.force_login(_user("ani"))
    response = client.post(f"/komentar/{comment.pk}/laporkan")
    assert _messages(response)[-1] == "Anda tidak dapat melaporkan komentar Anda sendiri."
    assert not CommentAbuseReport.objects.exists()
    assert client.post("/komentar/999999/laporkan").status_code == 404


def test_a_national_admin_hides_a_comment_from_the_page(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    report = dispositioned()
    comment = services.comment_add(actor=cast.owner, report=report, body="Kata kasar")
    client.force_login(_user("budi"))
    client.post(f"/komentar/{comment.pk}/laporkan")
    assert client.post(f"/komentar/{comment.pk}/sembunyikan").status_code == 302
    assert Comment.objects.get().hidden_at is None  # not a moderator

    admin = _user("nasional")
    assert "Dilaporkan 1 kali" in _panel(report, admin)
    client = verified_client(admin)
    client.post(f"/komentar/{comment.pk}/sembunyikan", {"alasan": "Kasar"})
    hidden = Comment.objects.get()
    assert hidden.hidden_at is not None and hidden.hidden_by == admin
    assert hidden.hidden_reason == "Kasar" and hidden.body == "Kata kasar"
    html = _panel(report)
    assert "Komentar ini disembunyikan oleh admin" in html and "Kata kasar" not in html
    assert "Tampilkan lagi" in _panel(report, admin)
    client.post(f"/komentar/{comment.pk}/tampilkan")
    assert "Kata kasar" in _panel(report)


def test_national_admins_hide_comments_in_the_django_admin(cast: Cast, dispositioned: Make) -> None:
    report = dispositioned()
    first = services.comment_add(actor=cast.owner, report=report, body="Satu")
    second = services.comment_add(actor=cast.other_citizen, report=report, body="Dua")
    admin = User.objects.get(username="nasional")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = verified_client(admin)
    assert client.get("/admin/community/comment/").status_code == 200
    response = client.post(
        "/admin/community/comment/",
        {"action": "hide", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 2
    client.post("/admin/community/comment/", {"action": "unhide", "_selected_action": [second.pk]})
    assert Comment.objects.get(pk=second.pk).hidden_at is None

    agency_admin = User.objects.get(username="admin.kota")
    agency_admin.is_staff = True
    agency_admin.save()
    refused = verified_client(agency_admin).get("/admin/community/comment/", follow=True)
    assert refused.status_code == 403


def test_the_panel_is_two_queries(
    client: Client, cast: Cast, dispositioned: Make, django_assert_max_num_queries: Any
) -> None:
    report = dispositioned()
    start = timezone.now()
    for index in range(5):
        services.comment_add(
            actor=cast.other_citizen,
            report=report,
            body=f"Komentar {index}",
            now=start + timedelta(minutes=index),
        )
    user = _user("budi", "Budi")
    report = Report.objects.get(pk=report.pk)
    request, actor = RequestFactory().get("/"), Actor.for_user(user)
    with django_assert_max_num_queries(2):
        context = community_context(request, actor, report)
    assert [c.body for c in context["community"]["comments"]] == [
        f"Komentar {index}" for index in range(5)
    ]


def test_commenting_too_often_is_refused(
    client: Client, cast: Cast, dispositioned: Make, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "2/d"}
    report = dispositioned()
    client.force_login(_user("budi"))
    assert _comment(client, report, "satu").status_code == 302
    assert _comment(client, report, "dua").status_code == 302
    response = _comment(client, report, "tiga")
    assert response.status_code == 429
    assert Comment.objects.count() == 2
