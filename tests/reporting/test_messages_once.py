"""A message left for the next page shows once: after confirming or re-opening, the
report's page says so at its top, and the community panel (shown on a public report)
does not repeat it; the panel's own messages stay by the panel."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.reports import services
from aduan.reports.models import Report
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _answered(cast: Cast, dispositioned: Callable[..., Report]) -> Report:
    report = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=report, text="Sedang kami survei.")
    services.report_answer(actor=cast.liaison, report=report, text="Jalan sudah ditambal.")
    return report


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"action": "confirm", "rating": "5"}, "Terima kasih. Laporan Anda sudah selesai."),
        (
            {"action": "reopen", "reason": "Masih berlubang."},
            "Laporan Anda dibuka kembali dan dikembalikan ke instansi.",
        ),
    ],
)
def test_the_reporters_action_is_confirmed_once(
    client: Client,
    cast: Cast,
    dispositioned: Callable[..., Report],
    data: dict[str, str],
    said: str,
) -> None:
    report = _answered(cast, dispositioned)
    client.force_login(User.objects.get(username="ani"))
    response = client.post(f"/laporan/{report.tracking_number}", data, follow=True)
    html = response.content.decode()
    assert 'id="komunitas"' in html  # the community panel is on the page
    assert html.count(said) == 1


def test_a_support_is_confirmed_once_by_the_panel(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    client.force_login(User.objects.get(username="budi"))
    response = client.post(f"/laporan/{report.tracking_number}/dukung", follow=True)
    html = response.content.decode()
    said = "Terima kasih, dukungan Anda tercatat."
    assert html.count(said) == 1
    assert html.index(said) > html.index('id="komunitas"')
