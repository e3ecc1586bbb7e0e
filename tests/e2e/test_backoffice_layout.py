"""The back office on a phone and at a desk, in Chromium: every page (sign-in, home,
each list, a case page, the counter, the dashboard, notices, the integration pages)
has no horizontal page overflow at 360 px and at 1280 px and no axe-core violation at
either width; lists are cards on a phone; at 1280 px a case page puts the actions and
the timeline beside the case, and on a phone a link near the top leads to them.

Each staff member signs in once and each page is loaded once: the widths are seen by
resizing the same page, which the stylesheet's media queries follow."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from aduan.intake.services import intake_counter
from aduan.integrations import services as integrations
from aduan.integrations import webhooks
from aduan.integrations.models import Scope
from aduan.reports import services
from aduan.reports.models import Report
from tests.reports.conftest import Cast

from .conftest import STAFF_PASSWORD, screenshot, staff_enrol

pytestmark = pytest.mark.django_db(transaction=True)

PHONE, DESK = 360, 1280


def _look(page: Page, name: str, problems: list[str]) -> None:
    """The page as it is now, at both widths: no horizontal overflow of the document,
    no axe-core violation. Ends at the phone's width."""
    for width in (DESK, PHONE):
        page.set_viewport_size({"width": width, "height": 800})
        scroll, view = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll > view:
            problems.append(f"{name} at {width} px: the page is {scroll} px wide")
        screenshot(page, f"backoffice-layout-{name}-{width}")
        results = Axe().run(page)
        if results.violations_count:
            problems.append(f"{name} at {width} px: {results.generate_report()}")


def _sign_in(page: Page, server: str, user: object, name: str, problems: list[str]) -> None:
    """Through both sign-in forms, each looked at on the way."""
    key = staff_enrol(user)
    page.goto(server + "/kantor/masuk")
    _look(page, f"{name}-sign-in", problems)
    page.get_by_label("Nama pengguna").fill(user.username)  # type: ignore[attr-defined]
    page.get_by_label("Kata sandi").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/kantor/masuk/kode")
    _look(page, f"{name}-code", problems)
    page.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(
        f"{totp(bytes.fromhex(key)):06d}"
    )
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Kantor")).to_be_visible()


def _case_layout(page: Page, problems: list[str]) -> None:
    """At a desk the actions and the timeline sit beside the case, overlapping it
    from the top; on a phone they follow it, and a link near the top leads there."""
    case = page.locator("article.case")
    side = page.locator(".case-side")
    actions = page.get_by_role("region", name="Tindakan")
    timeline = page.get_by_role("region", name="Perjalanan laporan")
    page.set_viewport_size({"width": DESK, "height": 800})
    case_box, side_box = case.bounding_box(), side.bounding_box()
    actions_box, timeline_box = actions.bounding_box(), timeline.bounding_box()
    assert case_box and side_box and actions_box and timeline_box
    assert actions_box["x"] >= case_box["x"] + case_box["width"], (case_box, actions_box)
    assert timeline_box["x"] >= case_box["x"] + case_box["width"], (case_box, timeline_box)
    # Beside, not below: the actions start where the case starts, in the first screen.
    assert actions_box["y"] < case_box["y"] + 100 < 800, (case_box, actions_box)
    assert timeline_box["y"] > actions_box["y"]
    expect(page.get_by_role("link", name="Langsung ke tindakan")).to_be_hidden()

    page.set_viewport_size({"width": PHONE, "height": 800})
    case_box, actions_box = case.bounding_box(), actions.bounding_box()
    assert case_box and actions_box
    assert actions_box["y"] >= case_box["y"] + case_box["height"], (case_box, actions_box)
    jump = page.get_by_role("link", name="Langsung ke tindakan")
    expect(jump).to_be_visible()
    jump_box = jump.bounding_box()
    assert jump_box and jump_box["y"] < 800, jump_box
    jump.click()
    expect(page.get_by_role("heading", name="Tindakan", exact=True)).to_be_in_viewport()
    if not problems:
        screenshot(page, "backoffice-layout-case-jumped")


def _list_as_cards(page: Page) -> None:
    """A list's rows are cards on a phone, each value labelled; a table at a desk."""
    row = page.locator("table.cases tbody tr").first
    number = row.locator("td").first
    page.set_viewport_size({"width": PHONE, "height": 800})
    expect(page.locator("table.cases thead")).not_to_be_in_viewport()
    assert number.evaluate("e => getComputedStyle(e).display") == "block"
    label = number.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Nomor"', label
    page.set_viewport_size({"width": DESK, "height": 800})
    assert number.evaluate("e => getComputedStyle(e).display") == "table-cell"
    assert number.evaluate("e => getComputedStyle(e, '::before').content") == "none"
    page.set_viewport_size({"width": PHONE, "height": 800})


def test_every_back_office_page_fits_a_phone_and_a_desk(
    browser: Browser,
    server: str,
    cast: Cast,
    make_report: Callable[..., Report],
    dispositioned: Callable[..., Report],
    settings: object,
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = True  # type: ignore[attr-defined]
    waiting = make_report(
        title="Jalan berlubang sepanjang Jalan Pasuketan di depan Pasar Kanoman",
        body="Lubang selebar satu meter membahayakan pengendara motor. " * 8,
    )
    bounced = dispositioned(title="Reklame liar di Jalan Tuparev")
    services.report_bounce(
        actor=cast.agency_admin, report=bounced, reason="Reklame urusan Satpol PP provinsi."
    )
    late = dispositioned(
        title="Saluran air tersumbat di Kesambi",
        now=timezone.now() - timedelta(days=60),
    )
    services.report_follow_up(actor=cast.liaison, report=late, text="Tim sudah meninjau.")
    integrations.api_key_issue(
        actor=cast.agency_admin, name="SP4N Kota Cirebon", scopes=[Scope.REPORTS_READ]
    )
    made = webhooks.webhook_create(
        actor=cast.agency_admin,
        url="http://127.0.0.1:9/sistem-pengaduan-instansi/menerima-pemberitahuan-aduan",
        events=["report.dispositioned", "report.closed"],
    )
    services.report_dispose(actor=cast.national, report=make_report(), agency_id=cast.kota.pk)
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)  # nothing listens on port 9
    walk_in = intake_counter(
        staff=cast.agency_admin,
        name="Siti Aminah",
        contact="081234567890",
        type="complaint",
        title="Lampu jalan mati di Jalan Kartini",
        body="Sudah dua minggu lampu jalan di depan SD Kartini mati.",
        category="infrastruktur.jalan",
        region="32.74.01",
    )
    assert cast.national.user is not None and cast.agency_admin.user is not None

    problems: list[str] = []
    for role in ("national", "agency_admin"):
        context = browser.new_context(viewport={"width": PHONE, "height": 800}, locale="id-ID")
        page = context.new_page()
        try:
            _sign_in(page, server, getattr(cast, role).user, role, problems)
            _look(page, f"{role}-home", problems)
            if role == "national":
                pages = {
                    "queue": "/kantor/verifikasi",
                    "bounced": "/kantor/dikembalikan",
                    "overdue": "/kantor/terlambat",
                    "escalated": "/kantor/eskalasi",
                    "notices": "/kantor/pemberitahuan",
                    "counter": "/kantor/loket",
                    "counter-receipt": f"/kantor/loket/{walk_in.tracking_number}",
                    "recovery-codes": "/kantor/kode-pemulihan",
                    "dashboard": "/kantor/statistik",
                    "case": f"/kantor/laporan/{waiting.tracking_number}",
                }
            else:
                pages = {
                    "inbox": "/kantor/kotak-masuk",
                    "api-keys": "/kantor/integrasi",
                    "webhooks": "/kantor/integrasi/webhook",
                    "deliveries": f"/kantor/integrasi/webhook/{made.webhook.pk}",
                    "case": f"/kantor/laporan/{late.tracking_number}",
                }
            for name, path in pages.items():
                page.goto(server + path)
                _look(page, f"{role}-{name}", problems)
                if name in ("queue", "inbox"):
                    _list_as_cards(page)
                if name == "case":
                    _case_layout(page, problems)
        finally:
            context.close()
    assert not problems, "\n\n".join(problems)
