"""Work on the demo staff's desks. The generated demo reports follow the population,
so Kota Cirebon — where the demo agency admin, liaison and supervisor work — gets
only a handful, mostly closed. These few reports from the demo citizen `warga` give
each demo login something to do: one to verify, one to assign, one to follow up, one
in progress, one answered (for `warga` to confirm), one bounced back, and two late
ones for the Jawa Barat supervisor (one of them confidential). Each is made through
the lifecycle services, so its timeline, deadlines and outbox are real."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from aduan.accounts.models import User
from aduan.agencies.codes import local_government_code
from aduan.agencies.models import Agency, Unit
from aduan.reporters.services import reporter_for_user
from aduan.reports import services
from aduan.reports.models import Report, ReportType
from aduan.reports.policy import Actor

# The desk is made once: its first report's title marks it as done.
REGION = "32.74.01"  # Kejaksan, Kota Cirebon


@dataclass(frozen=True, slots=True)
class _Cast:
    citizen: Actor
    national: Actor
    agency: Actor
    liaison: Actor
    kota: Agency
    pupr: Unit


Step = Callable[[_Cast, Report, datetime], None]


def _dispose(unit: bool) -> Step:
    def step(cast: _Cast, report: Report, at: datetime) -> None:
        services.report_dispose(
            actor=cast.national,
            report=report,
            agency_id=cast.kota.pk,
            unit_id=cast.pupr.pk if unit else None,
            now=at,
        )

    return step


def _follow_up(cast: _Cast, report: Report, at: datetime) -> None:
    services.report_follow_up(
        actor=cast.liaison,
        report=report,
        text="Tim sudah meninjau lokasi; perbaikan dijadwalkan minggu ini.",
        now=at,
    )


def _answer(cast: _Cast, report: Report, at: datetime) -> None:
    services.report_answer(
        actor=cast.liaison,
        report=report,
        text="Perbaikan selesai dikerjakan. Mohon konfirmasi bila masalah sudah teratasi.",
        now=at,
    )


def _bounce(cast: _Cast, report: Report, at: datetime) -> None:
    services.report_bounce(
        actor=cast.agency,
        report=report,
        reason="Ruas jalan ini jalan provinsi, kewenangan Pemerintah Provinsi Jawa Barat.",
        now=at,
    )


# title, text, days ago, confidential, the steps after submission (each a day later)
DESK: tuple[tuple[str, str, int, bool, tuple[Step, ...]], ...] = (
    (
        "Lampu penerangan jalan mati di Jalan Kartini",
        "Tiga lampu jalan berturut-turut mati sejak pekan lalu; jalan gelap di malam hari.",
        0,
        False,
        (),
    ),
    (
        "Sampah menumpuk di depan Pasar Kanoman",
        "Sampah tidak diangkut selama empat hari dan mulai berbau.",
        2,
        False,
        (_dispose(unit=False),),
    ),
    (
        "Trotoar rusak di Jalan Siliwangi",
        "Paving trotoar lepas di depan sekolah, membahayakan anak-anak yang berjalan kaki.",
        3,
        False,
        (_dispose(unit=True),),
    ),
    (
        "Saluran air tersumbat di Kesambi",
        "Saluran tersumbat sehingga air meluap ke jalan setiap hujan.",
        8,
        False,
        (_dispose(unit=True), _follow_up),
    ),
    (
        "Jalan berlubang di depan Stasiun Kejaksan",
        "Lubang sedalam sepuluh sentimeter di lajur kiri, sudah dua pengendara jatuh.",
        12,
        False,
        (_dispose(unit=True), _follow_up, _answer),
    ),
    (
        "Jembatan penyeberangan di Jalan Tuparev berkarat",
        "Tangga jembatan penyeberangan berkarat dan beberapa anak tangga goyah.",
        4,
        False,
        (_dispose(unit=False), _bounce),
    ),
    (
        "Drainase di Jalan Pemuda tidak pernah dibersihkan",
        "Drainase penuh lumpur; genangan bertahan berhari-hari setelah hujan.",
        40,
        False,
        (_dispose(unit=True),),
    ),
    (
        "Pungutan di luar tarif resmi saat mengurus izin",
        "Petugas meminta uang tambahan di luar tarif resmi untuk mempercepat izin.",
        35,
        True,
        (_dispose(unit=True),),
    ),
)


def _cast() -> _Cast:
    def actor(username: str) -> Actor:
        # The demo staff act here outside any request: no session, no code to ask.
        return Actor.for_user(User.objects.get(username=username), verified=True)

    kota = Agency.objects.get(code=local_government_code("32.74"))
    return _Cast(
        citizen=actor("warga"),
        national=actor("nasional"),
        agency=actor("admin.kotacirebon"),
        liaison=actor("pupr.kotacirebon"),
        kota=kota,
        pupr=Unit.objects.get(agency=kota, code="pupr"),
    )


@transaction.atomic
def demo_desk_create(*, now: datetime | None = None) -> int:
    """The demo staff's work (after the demo accounts); how many reports were made:
    none when the desk is already there."""
    now = now or timezone.now()
    warga = User.objects.get(username="warga")
    reporter = reporter_for_user(user=warga)
    if Report.objects.filter(reporter=reporter, title=DESK[0][0]).exists():
        return 0
    cast = _cast()
    category = "infrastruktur.jalan"
    for title, text, days_ago, confidential, steps in DESK:
        at = now - timedelta(days=days_ago)
        report = services.report_create(
            actor=cast.citizen,
            reporter=reporter,
            type=ReportType.COMPLAINT,
            channel="web",
            title=title,
            body=text,
            category=category,
            location=services.Location(region=REGION),
            confidential=confidential,
            now=at,
        )
        for day, step in enumerate(steps, start=1):
            step(cast, report, min(at + timedelta(days=day), now))
    return len(DESK)
