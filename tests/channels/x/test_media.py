"""Photos of a post, fetched by the worker onto the report: only from X's media
hosts, within the upload limits; tried again while X's host has trouble and left
out when they can never come; the report is there either way."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.channels.x.media import ATTEMPTS, photos_fetch_due
from aduan.channels.x.models import PhotoFetch
from aduan.core.worker import jobs_all
from aduan.reports.models import Attachment, Report, State
from tests.channels.x.conftest import payload
from tests.channels.x.fake_x import FakeX, jpeg
from tests.channels.x.test_webhook import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(client: Client, fake_x: FakeX) -> Report:
    """A report made of a post with one photo, the photo not fetched yet."""
    assert deliver(client, payload("activity_report.json", fake_x)).status_code == 200
    assert fake_x.requests == []
    return Report.objects.get()


def photos(report: Report) -> int:
    return Attachment.objects.filter(report=report).count()


def test_the_worker_fetches_the_photo_onto_the_report(fake_x: FakeX, queued: Report) -> None:
    assert "x photos" in [job.name for job in jobs_all()]  # the channel registers it
    assert photos_fetch_due() == 1
    assert photos(queued) == 1
    assert not PhotoFetch.objects.exists()
    assert photos_fetch_due() == 0  # nothing left to do


def test_a_photo_gone_is_left_out_at_once(fake_x: FakeX, queued: Report) -> None:
    fake_x.files.clear()  # the media host answers 404
    photos_fetch_due()
    assert photos(queued) == 0
    assert not PhotoFetch.objects.exists()
    assert Report.objects.filter(pk=queued.pk).exists()


def test_x_having_trouble_is_tried_again_later(fake_x: FakeX, queued: Report) -> None:
    fake_x.media_status = 503
    now = timezone.now()
    photos_fetch_due(now=now)
    row = PhotoFetch.objects.get()
    assert row.attempts == 1 and row.next_attempt_at == now + timedelta(minutes=1)
    assert photos_fetch_due(now=now) == 0  # not due before then
    fake_x.media_status = 0
    photos_fetch_due(now=row.next_attempt_at)
    assert photos(queued) == 1 and not PhotoFetch.objects.exists()


def test_it_gives_up_after_the_last_attempt(fake_x: FakeX, queued: Report) -> None:
    fake_x.media_status = 500
    when = timezone.now()
    for _attempt in range(ATTEMPTS):
        assert photos_fetch_due(now=when) == 1
        row = PhotoFetch.objects.filter().first()
        when = row.next_attempt_at if row is not None else when
    assert not PhotoFetch.objects.exists()
    assert len(fake_x.calls("GET", "/media/")) == ATTEMPTS
    assert photos(queued) == 0


def test_it_fetches_only_from_the_x_media_hosts(
    client: Client, fake_x: FakeX, settings: Any
) -> None:
    settings.X_MEDIA_HOSTS = ["pbs.twimg.com"]  # the fake's host is not one
    deliver(client, payload("activity_report.json", fake_x))
    photos_fetch_due()
    assert fake_x.requests == []
    assert not PhotoFetch.objects.exists() and not Attachment.objects.exists()


def test_it_leaves_out_a_photo_over_the_size_limit(
    fake_x: FakeX, queued: Report, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    photos_fetch_due()
    assert photos(queued) == 0 and not PhotoFetch.objects.exists()


def test_it_leaves_out_what_is_no_image(fake_x: FakeX, queued: Report) -> None:
    fake_x.files["/media/FhOto1.jpg"] = b"MZ\x90\x00 not a picture at all"
    photos_fetch_due()
    assert photos(queued) == 0 and not PhotoFetch.objects.exists()


def test_a_report_closed_meanwhile_takes_no_photo(fake_x: FakeX, queued: Report) -> None:
    Report.objects.filter(pk=queued.pk).update(state=State.CLOSED)
    photos_fetch_due()
    assert photos(queued) == 0 and not PhotoFetch.objects.exists()


def test_photos_of_a_reply_in_the_thread_reach_the_report(
    client: Client, fake_x: FakeX, queued: Report
) -> None:
    photos_fetch_due()
    reply = payload("activity_thread_reply.json")
    post = reply["tweet_create_events"][0]
    post["extended_entities"] = {
        "media": [
            {
                "id_str": "1862700000000000009",
                "type": "photo",
                "media_url_https": f"{fake_x.base}/media/FhOto2.jpg",
                "url": "https://t.co/PhOto2",
            }
        ]
    }
    post["text"] += " https://t.co/PhOto2"
    fake_x.files["/media/FhOto2.jpg"] = jpeg()
    deliver(client, reply)
    photos_fetch_due()
    assert photos(queued) == 2


def test_a_stopping_worker_hands_the_photos_back(fake_x: FakeX, queued: Report) -> None:
    now = timezone.now()
    assert photos_fetch_due(now=now, stop=lambda: True) == 0
    row = PhotoFetch.objects.get()
    assert (row.attempts, row.next_attempt_at) == (0, now)
    assert fake_x.requests == []
