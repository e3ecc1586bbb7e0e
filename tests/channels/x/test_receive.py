"""The service behind both doors: a post handled by another request between the
check and the write (webhook and poller at once) is still one report, and a post
the intake refuses gets no public answer."""

import pytest
from django.utils import timezone

from aduan.channels.x import services
from aduan.channels.x.models import InboundPost
from aduan.channels.x.parse import Post
from aduan.intake.messages import Inbound
from aduan.intake.receive import intake_once
from aduan.outbox.models import Message
from aduan.reporters.models import Reporter
from aduan.reports.models import Report
from tests.channels.x.fake_x import FakeX
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_post_handled_meanwhile_elsewhere_is_one_report(cast: Cast) -> None:
    """The webhook and the poller both past the "seen before?" check: the one that
    writes second rolls back everything it did and returns the first's record."""
    other = InboundPost.objects.create(
        post_id="42", author_hash="h", author_id="1", received_at=timezone.now(), outcome="report"
    )
    reports = Report.objects.count()

    def record_the_same_post() -> InboundPost:
        Reporter.objects.create(name="made by the losing request")
        return InboundPost.objects.create(
            post_id="42", author_hash="h", author_id="1", received_at=timezone.now()
        )

    message = Inbound(channel="x", sender="warga", external_id="42")
    door = services.XDoor(InboundPost.Kind.POST, author_id="1")
    assert intake_once(message, door=door, write=record_the_same_post).record == other
    assert not Reporter.objects.filter(name="made by the losing request").exists()
    assert Report.objects.count() == reports


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
