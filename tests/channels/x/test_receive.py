"""The service behind both doors: a post handled by another request between the
check and the write (webhook and poller at once) is still one report, and a post
the intake refuses gets no public answer."""

from typing import Any

import pytest
from django.utils import timezone

from aduan.channels.x import services
from aduan.channels.x.models import InboundPost
from aduan.channels.x.parse import Post, posts_from_activity
from aduan.outbox.models import Message
from aduan.reports.models import Report
from aduan.reports.services import Upload
from tests.channels.x.conftest import payload
from tests.channels.x.fake_x import FakeX

pytestmark = pytest.mark.django_db


def test_a_post_handled_meanwhile_elsewhere_is_one_report(
    fake_x: FakeX, monkeypatch: pytest.MonkeyPatch
) -> None:
    [post] = posts_from_activity(payload("activity_report.json", fake_x))
    other = InboundPost.objects.create(
        post_id="0", author_hash="h", author_id="1", received_at=timezone.now(), outcome="report"
    )

    def fetched_while_another_request_wins(urls: Any) -> list[Upload]:
        InboundPost.objects.filter(pk=other.pk).update(post_id=post.post_id)
        return []

    monkeypatch.setattr(services, "photos_fetch", fetched_while_another_request_wins)
    assert services.post_receive(post) == other
    assert not Report.objects.exists()  # this request's report rolled back
    assert not Message.objects.exists()


def test_a_refused_post_gets_no_public_answer(fake_x: FakeX) -> None:
    post = Post(post_id="42", author_id="7", handle="warga", text="#LAPOR @lapor1708")
    inbound = services.post_receive(post)
    assert inbound is not None and inbound.outcome == InboundPost.Outcome.REFUSED
    assert inbound.report is None
    assert not Report.objects.exists()
    assert not Message.objects.exists()
    assert services.post_receive(post) == inbound  # and it is known again


def test_a_post_from_an_unreadable_handle_is_ignored(fake_x: FakeX) -> None:
    post = Post(post_id="43", author_id="7", handle="", text="#LAPOR jalan rusak @lapor1708")
    assert services.post_receive(post) is None
    assert not InboundPost.objects.exists()
