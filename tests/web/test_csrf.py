"""Every form that changes something refuses a POST without its CSRF token, and the
refusal changes nothing."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.community.models import Comment, Support
from aduan.reports.models import Report, ReportEvent
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_post_without_its_token_is_refused_everywhere(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    number = report.tracking_number
    other = cast.other_citizen.user
    assert other is not None and cast.owner.user is not None
    comment = Comment.objects.create(
        report=report, author=cast.owner.user, body="Setuju.", created_at=report.submitted_at
    )
    forms = {
        "/lapor": {"langkah": "2", "title": "Judul", "body": "Isi"},
        f"/laporan/{number}": {"action": "reply", "reply-text": "Balasan"},
        f"/laporan/{number}/dukung": {},
        f"/laporan/{number}/komentar": {"isi": "Komentar"},
        f"/komentar/{comment.pk}/laporkan": {},
        "/akun": {"name": "Budi"},
        "/akun/hapus": {"password": "x"},
        "/keluar": {},
        "/daftar": {"name": "Ani", "identity": "081234567890"},
        "/masuk": {"identity": "budi", "password": "x"},
    }
    client = Client(enforce_csrf_checks=True)
    client.force_login(other)
    before = (Report.objects.count(), ReportEvent.objects.count(), Support.objects.count())
    for path, data in forms.items():
        assert client.post(path, data).status_code == 403, path
    after = (Report.objects.count(), ReportEvent.objects.count(), Support.objects.count())
    assert after == before and Comment.objects.count() == 1
