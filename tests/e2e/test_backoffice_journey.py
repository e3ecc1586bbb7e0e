"""The officials' back office in Chromium, each step kept as a screenshot in
test-artifacts/: a citizen's report verified and disposed by the national admin,
assigned by the agency admin, followed up and answered by the unit's liaison, then
confirmed and rated by the citizen; a report bounced back and disposed again; and
the supervisor's reminder about a late report. Staff sign in with their password
and an authenticator code, at a desk's screen size.

It is one test, a working day at the office: each staff member signs in once (an
authenticator code is accepted only once) and keeps their page open."""

import io
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect

from aduan.agencies.models import Agency
from aduan.outbox.models import Message
from aduan.reports.models import Report, State
from aduan.reports.tracking import tracking_number_display
from tests.reports.conftest import Cast

from .conftest import phone_page, screenshot, sign_in, staff_enrol, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOW_UP = "Tim PUPR sudah meninjau lokasi; lubang ditambal sementara dengan aspal dingin."
ANSWER = "Jalan Pasuketan sudah diaspal ulang sepanjang 40 meter pada 3 Maret."


@contextmanager
def desk_page(browser: Browser) -> Iterator[Page]:
    """A page the size of an office computer's screen, in a fresh browser profile."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    try:
        yield context.new_page()
    finally:
        context.close()


def _png() -> bytes:
    """A small photo of the patched road, as a staff member would attach it."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(out, format="PNG")
    return out.getvalue()


def _status(page: Page) -> Locator:
    return page.locator(".status-box")


def _dispose_to(page: Page, agency: Agency) -> None:
    """On a case page: pick an agency in "Pilih instansi lain", show its units, then
    verify and dispose to the agency alone (its admin assigns a unit)."""
    page.locator("#id_instansi").select_option(label=agency.name)
    page.get_by_role("button", name="Tampilkan unit kerjanya").click()
    expect(page).to_have_url(re.compile(rf"\?instansi={agency.pk}$"))
    form = page.get_by_role("form", name="Verifikasi dan disposisikan ke instansi pilihan")
    expect(form.get_by_label("Instansi", exact=True)).to_have_value(str(agency.pk))
    unit = form.get_by_label("Unit kerja")
    pupr = agency.units.get(code="pupr").name
    expect(unit.locator("option", has_text=pupr)).to_have_count(1)
    expect(unit).to_have_value("")
    form.get_by_role("button", name="Verifikasi dan disposisikan").click()
    expect(page.get_by_text("Laporan sudah diverifikasi dan didisposisikan.")).to_be_visible()


@dataclass
class Desks:
    """Each staff member's browser, signed in once for the whole test."""

    national: Page
    admin: Page
    liaison: Page
    supervisor: Page


def test_reports_are_verified_handled_bounced_and_reminded_in_the_back_office(
    browser: Browser,
    server: str,
    cast: Cast,
    make_report: Callable[..., Report],
    dispositioned: Callable[..., Report],
) -> None:
    report = make_report(
        title="Jalan berlubang di depan Pasar Kanoman",
        body="Lubang selebar satu meter di Jalan Pasuketan, membahayakan pengendara motor.",
    )
    bounced = dispositioned(
        title="Reklame liar di Jalan Tuparev",
        body="Papan reklame tanpa izin menutup rambu di Jalan Tuparev.",
    )
    late = dispositioned(
        title="Saluran air tersumbat di Kesambi",
        body="Got di Jalan Kesambi tersumbat sampah, air meluap ke rumah warga.",
        now=timezone.now() - timedelta(days=60),
    )
    assert late.deadline_at is not None and late.deadline_at < timezone.now()
    admin = cast.agency_admin.user
    assert admin is not None
    admin.email = "admin.kota@cirebonkota.go.id"
    admin.save()

    with ExitStack() as stack:
        pages: dict[str, Page] = {}
        for role in ("national", "agency_admin", "liaison", "supervisor"):
            user = getattr(cast, role).user
            pages[role] = stack.enter_context(desk_page(browser))
            staff_sign_in(pages[role], user, staff_enrol(user), server)
        desks = Desks(
            pages["national"], pages["agency_admin"], pages["liaison"], pages["supervisor"]
        )
        _handled_to_the_citizens_satisfaction(browser, server, cast, desks, report)
        _bounced_and_disposed_again(server, cast, desks, bounced)
        _reminded_when_late(server, desks, late)


def _handled_to_the_citizens_satisfaction(
    browser: Browser, server: str, cast: Cast, desks: Desks, report: Report
) -> None:
    number = report.tracking_number

    # The national admin verifies it and disposes it to Kota Cirebon, no unit yet.
    page = desks.national
    page.get_by_role("link", name="Antrean verifikasi").click()
    page.get_by_role("link", name="Jalan berlubang di depan Pasar Kanoman").click()
    expect(page).to_have_url(re.compile(rf"/kantor/laporan/{number}$"))
    expect(_status(page)).to_contain_text("Belum Terverifikasi")
    screenshot(page, "backoffice-1-national-case")
    _dispose_to(page, cast.kota)
    expect(_status(page)).to_contain_text(f"Terdisposisi — {cast.kota.name}")
    screenshot(page, "backoffice-2-disposed")
    report.refresh_from_db()
    assert (report.state, report.agency_id, report.unit_id) == (
        State.DISPOSITIONED,
        cast.kota.pk,
        None,
    )

    # Kota Cirebon's admin finds it in the inbox and hands it to Dinas PUPR.
    page = desks.admin
    page.get_by_role("link", name="Kotak masuk").click()
    row = page.get_by_role("row").filter(has_text="Jalan berlubang di depan Pasar Kanoman")
    expect(row).to_contain_text(f"Terdisposisi · {cast.kota.name}")
    screenshot(page, "backoffice-3-agency-inbox")
    row.get_by_role("link", name="Jalan berlubang di depan Pasar Kanoman").click()
    page.locator("#id_assign_unit").select_option(label=cast.pupr.name)
    page.get_by_role("button", name="Teruskan", exact=True).click()
    expect(page.get_by_text("Laporan sudah diteruskan ke unit kerja.")).to_be_visible()
    expect(_status(page)).to_contain_text(f"{cast.kota.name}, {cast.pupr.name}")
    screenshot(page, "backoffice-4-assigned")

    # Dinas PUPR's liaison follows it up with a photo, then sends the final answer.
    page = desks.liaison
    page.get_by_role("link", name="Kotak masuk").click()
    page.get_by_role("link", name="Jalan berlubang di depan Pasar Kanoman").click()
    page.locator("#id_follow_up_text").fill(FOLLOW_UP)
    page.locator("#id_follow_up_attachments").set_input_files(
        [FilePayload(name="tambalan.png", mimeType="image/png", buffer=_png())]
    )
    screenshot(page, "backoffice-5-follow-up")
    page.get_by_role("button", name="Kirim tindak lanjut", exact=True).click()
    expect(page.get_by_text("Tindak lanjut sudah dikirim ke pelapor.")).to_be_visible()
    expect(_status(page)).to_contain_text("Ditindaklanjuti")
    follow_up = page.locator(".timeline li").filter(has_text=FOLLOW_UP)
    expect(follow_up.get_by_role("link", name="Foto 1")).to_be_visible()

    page.locator("#id_answer_text").fill(ANSWER)
    page.get_by_role("button", name="Kirim tindak lanjut akhir").click()
    expect(
        page.get_by_text("Tindak lanjut akhir sudah dikirim; pelapor diminta menanggapinya.")
    ).to_be_visible()
    expect(_status(page)).to_contain_text("Menunggu Tanggapan Pelapor")
    screenshot(page, "backoffice-6-answered")

    # The citizen reads both on the report's page, opens the photo, then confirms.
    with phone_page(browser) as phone:
        sign_in(phone, cast.owner.user, server)
        phone.goto(f"{server}/laporan/{number}")
        expect(_status(phone)).to_contain_text("Menunggu Tanggapan Pelapor")
        expect(phone.get_by_text(FOLLOW_UP)).to_be_visible()
        expect(phone.get_by_text(ANSWER)).to_be_visible()
        photo = phone.locator(".timeline li").filter(has_text=FOLLOW_UP).get_by_role("link")
        expect(photo).to_have_text("Foto 1")
        href = photo.get_attribute("href")
        assert href is not None
        served = phone.request.get(server + href)
        assert served.ok and served.headers["content-type"].startswith("image/")
        with Image.open(io.BytesIO(served.body())) as image:
            assert image.size == (64, 48)
        screenshot(phone, "backoffice-7-citizen-answer")

        confirm = phone.get_by_role("form", name="Puas dengan jawabannya?")
        confirm.get_by_label("5 — Sangat puas").check()
        confirm.get_by_label("Komentar").fill("Terima kasih, jalannya sudah mulus.")
        confirm.get_by_role("button", name="Selesaikan laporan").click()
        expect(_status(phone)).to_contain_text("Selesai")
        expect(phone.get_by_text("nilai 5 dari 5")).to_be_visible()
        expect(phone.get_by_role("button", name="Selesaikan laporan")).to_have_count(0)
        screenshot(phone, "backoffice-8-closed")
    report.refresh_from_db()
    assert (report.state, report.rating) == (State.CLOSED, 5)


def _bounced_and_disposed_again(server: str, cast: Cast, desks: Desks, report: Report) -> None:
    reason = "Reklame di Jalan Tuparev adalah wewenang Kabupaten Cirebon."

    # Kota Cirebon's admin says it is not theirs.
    page = desks.admin
    page.goto(server + "/kantor/kotak-masuk")
    page.get_by_role("link", name="Reklame liar di Jalan Tuparev").click()
    bounce = page.get_by_role("form", name="Bukan wewenang: kembalikan ke admin nasional")
    bounce.get_by_label("Mengapa bukan wewenang instansi ini").fill(reason)
    screenshot(page, "bounce-1-reason")
    bounce.get_by_role("button", name="Kembalikan").click()
    expect(page).to_have_url(re.compile(r"/kantor/kotak-masuk$"))
    expect(page.get_by_text("Laporan sudah dikembalikan ke admin nasional.")).to_be_visible()
    expect(page.get_by_role("link", name="Reklame liar di Jalan Tuparev")).to_have_count(0)
    expect(page.get_by_role("link", name="Saluran air tersumbat di Kesambi")).to_be_visible()
    report.refresh_from_db()
    assert report.state == State.SUBMITTED

    # The national admin finds it among the bounced ones and disposes it again.
    page = desks.national
    page.goto(server + "/kantor/dikembalikan")
    row = page.get_by_role("row").filter(has_text="Reklame liar di Jalan Tuparev")
    expect(row).to_contain_text(cast.kota.name)
    expect(row).to_contain_text(f"Alasan: {reason}")
    screenshot(page, "bounce-2-list")
    row.get_by_role("link", name="Reklame liar di Jalan Tuparev").click()
    _dispose_to(page, cast.kabupaten)
    expect(_status(page)).to_contain_text(f"Terdisposisi — {cast.kabupaten.name}")
    page.goto(server + "/kantor/dikembalikan")
    expect(page.get_by_text("Tidak ada laporan di daftar ini.")).to_be_visible()
    screenshot(page, "bounce-3-list-empty")
    report.refresh_from_db()
    assert (report.state, report.agency_id) == (State.DISPOSITIONED, cast.kabupaten.pk)


def _reminded_when_late(server: str, desks: Desks, report: Report) -> None:
    """Jawa Barat's supervisor sees the late report and reminds Kota Cirebon."""
    shown = tracking_number_display(report.tracking_number)
    page = desks.supervisor
    page.get_by_role("link", name="Laporan terlambat").click()
    expect(page).to_have_url(re.compile(r"/kantor/terlambat$"))
    row = page.get_by_role("row").filter(has_text=shown)
    expect(row).to_contain_text("Saluran air tersumbat di Kesambi")
    screenshot(page, "supervisor-1-overdue")
    remind = row.get_by_role(
        "button", name=f"Ingatkan instansi tentang laporan {report.tracking_number}"
    )
    expect(remind).to_have_text("Ingatkan")
    remind.click()
    expect(page).to_have_url(re.compile(r"/kantor/terlambat$"))
    expect(
        page.get_by_text(f"Instansi yang menangani laporan {shown} sudah diingatkan.")
    ).to_be_visible()
    screenshot(page, "supervisor-2-reminded")
    reminders = Message.objects.filter(report=report, purpose="reminder", channel="email")
    assert [m.recipient for m in reminders] == ["admin.kota@cirebonkota.go.id"]
