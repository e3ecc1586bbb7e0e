"""Staff read what a message was for in words, never its code: every purpose the
code writes has a label, and a report's case page shows the label."""

import re

import pytest
from django.utils import translation

from aduan.channels.email.models import InboundMail
from aduan.channels.email.services import mail_receive
from aduan.channels.x.services import PURPOSE_ANSWER, PURPOSE_RECEIPT
from aduan.outbox.selectors import messages_of_report, purpose_label
from aduan.reports.notices import _TEMPLATES
from tests.backoffice.conftest import StaffClient, national_client, staff_client  # noqa: F401
from tests.channels.email.conftest import mail_bytes
from tests.reports.conftest import Cast, cast  # noqa: F401

PURPOSES = sorted(
    {
        *_TEMPLATES,
        *(f"mail_{outcome}" for outcome in InboundMail.Outcome.values),
        *(f"sms_{outcome}" for outcome in ("report", "status", "reply", "help", "refused")),
        PURPOSE_RECEIPT,
        PURPOSE_ANSWER,
        "otp",
        "overdue_staff",
        "escalated",
        "reminder",
    }
)


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_purpose_reads_as_words(purpose: str, language: str) -> None:
    with translation.override(language):
        label = purpose_label(purpose)
    assert label != purpose and not re.fullmatch(r"[a-z_]+", label)


@pytest.mark.django_db
def test_the_case_page_names_a_mail_answer_in_words(
    cast: Cast,  # noqa: F811
    staff_client: StaffClient,  # noqa: F811
) -> None:
    record = mail_receive(mail_bytes("plain_quoted_printable.eml"))
    assert record.report is not None
    rows = messages_of_report(report_id=record.report.pk, show_channel=True)
    assert [row.purpose for row in rows] == ["Tanda terima surel"]
    page = national_client(cast, staff_client).get(
        f"/kantor/laporan/{record.report.tracking_number}"
    )
    html = page.content.decode()
    assert "Tanda terima surel" in html and "mail_report" not in html
