"""A small verified history the triage tests learn from: reports on three topics
that speak of their category (roads → the regency's government, BPJS cards → BPJS
Kesehatan, power cuts → PLN), in three regencies, each created and disposed through
the lifecycle services as the routing table says, a day apart."""

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from aduan.reports import services
from aduan.reports.models import Channel, Report
from aduan.routing.selectors import report_routing_suggest
from aduan.triage.services import triage_train
from tests.reports.conftest import Cast

TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "infrastruktur.jalan": (
        ("Jalan berlubang di depan pasar", "Aspal jalan rusak parah", "Jalan desa rusak"),
        (
            "Lubang besar di jalan membahayakan pengendara motor.",
            "Aspal mengelupas dan jalan berlubang sepanjang seratus meter.",
            "Sudah banyak pengendara jatuh karena jalan rusak.",
            "Mohon jalan segera ditambal dan diaspal ulang.",
        ),
    ),
    "kesehatan.bpjs": (
        ("Kartu BPJS tidak aktif", "Iuran BPJS Kesehatan", "BPJS ditolak di rumah sakit"),
        (
            "Kartu BPJS Kesehatan saya dinonaktifkan padahal iuran sudah dibayar.",
            "Saat berobat ke puskesmas kartu JKN saya ditolak.",
            "Status kepesertaan BPJS keluarga kami tiba-tiba tidak aktif.",
            "Mohon kepesertaan JKN saya diaktifkan kembali.",
        ),
    ),
    "listrik.pemadaman": (
        ("Listrik padam setiap malam", "Pemadaman listrik bergilir", "Listrik mati tanpa kabar"),
        (
            "Listrik PLN padam berjam-jam setiap malam tanpa pemberitahuan.",
            "Pemadaman bergilir membuat kulkas dan pompa air rusak.",
            "Gardu listrik di ujung gang sering meledak lalu padam.",
            "Mohon PLN memperbaiki jaringan agar listrik tidak padam lagi.",
        ),
    ),
}
PLACES = ("32.74.01", "32.09.01", "33.02.01")
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def text_of(category: str, rng: random.Random) -> tuple[str, str]:
    titles, phrases = TOPICS[category]
    return rng.choice(titles), " ".join(rng.sample(phrases, 2))


def history_make(
    cast: Cast, *, per_topic: int = 12, seed: int = 1, start: datetime = START
) -> list[Report]:
    """``per_topic`` verified reports of each topic, a day apart from ``start``."""
    rng = random.Random(seed)
    made = []
    at = start
    for _round in range(per_topic):
        for category in TOPICS:
            title, body = text_of(category, rng)
            report = services.report_create(
                actor=cast.owner,
                reporter=cast.reporter,
                type="complaint",
                title=title,
                body=body,
                channel=Channel.WEB,
                category=category,
                location=services.Location(region=rng.choice(PLACES)),
                now=at,
            )
            routing = report_routing_suggest(report=report)
            assert routing is not None, category
            services.report_dispose(
                actor=cast.national,
                report=report,
                agency_id=routing.agency.pk,
                unit_id=routing.unit.pk if routing.unit else None,
                now=at + timedelta(hours=2),
            )
            made.append(report)
            at += timedelta(days=1)
    return made


@pytest.fixture
def trained(cast: Cast, settings: Any) -> None:
    """Both models trained on the small history (unchecked: it is too small to split)."""
    settings.TRIAGE_MIN_REPORTS = 20
    history_make(cast, per_topic=12)
    assert all(result.model is not None for result in triage_train(check=False))
