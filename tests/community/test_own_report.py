"""A reporter does not support their own report: the service refuses with a clear
message, and their report's page offers no button to."""

from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from aduan.accounts.models import User
from aduan.community import services
from aduan.community.models import Support
from aduan.lib.errors import NotPermitted
from aduan.reports.models import Report
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_the_service_refuses_the_reporters_own_support(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    with pytest.raises(NotPermitted) as refused:
        services.support_add(actor=cast.owner, report=report)
    assert refused.value.code == "support_own_report"
    assert "sendiri" in str(refused.value.message)
    assert Report.objects.get(pk=report.pk).support_count == 0
    assert not Support.objects.exists()
    assert services.support_add(actor=cast.other_citizen, report=report) is True


def test_the_reporter_sees_no_support_button_and_a_post_is_refused(
    client: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    url = f"/laporan/{report.tracking_number}"
    client.force_login(User.objects.get(username="ani"))
    html = client.get(url).content.decode()
    assert 'id="komunitas"' in html and f'action="{url}/dukung"' not in html
    response = client.post(f"{url}/dukung")
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Anda tidak dapat mendukung laporan Anda sendiri."]
    assert Report.objects.get(pk=report.pk).support_count == 0
    other = Client()
    other.force_login(User.objects.get(username="budi"))
    assert f'action="{url}/dukung"' in other.get(url).content.decode()
