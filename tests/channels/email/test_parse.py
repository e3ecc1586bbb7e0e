"""Reading a raw mail: sender, Message-ID, subject, the words (plain, quoted-printable,
HTML made text), attachments, the tracking number in the subject, the signs of a
machine's mail (bounce, auto-reply, list) that must never be answered, and what a
bounce reports of the mail it returns."""

from email.message import EmailMessage

import pytest

from aduan.channels.email.parse import (
    Automatic,
    Bounce,
    RecipientStatus,
    html_to_text,
    mail_parse,
    strip_quoted,
    subject_title,
)
from tests.channels.email.conftest import mail_bytes


def test_it_reads_a_quoted_printable_indonesian_mail() -> None:
    mail = mail_parse(mail_bytes("plain_quoted_printable.eml"))
    assert mail.message_id == "CAF1x9q=plain.0001@mail.contoh.co.id"
    assert (mail.address, mail.name) == ("Siti.Rahma@Contoh.co.id", "Siti Rahma Hidayat")
    assert mail.subject == "Lampu jalan mati — Jl. Kartini"
    # Soft line breaks joined, =E2=80=94 decoded, the signature left out.
    assert "depan SDN 2 mati semua. Warga takut lewat pada malam hari — kemarin" in mail.text
    assert mail.text.endswith("Mohon segera diperbaiki. Terima kasih.")
    assert "RT 03/RW 05" not in mail.text
    assert (mail.number, mail.automatic, mail.attachments) == (None, Automatic.NONE, ())


def test_it_prefers_the_text_part_of_an_alternative() -> None:
    mail = mail_parse(mail_bytes("alternative.eml"))
    assert mail.text == (
        "Sampah di belakang pasar Kanoman sudah seminggu tidak diangkut.\n"
        "Baunya sampai ke rumah warga."
    )
    assert "<b>" not in mail.text


def test_it_turns_an_html_only_mail_into_safe_text() -> None:
    mail = mail_parse(mail_bytes("html_only.eml"))
    assert "Sejak Senin air PDAM di Perumahan Griya Asri berwarna cokelat & berbau lumpur." in (
        mail.text
    )
    assert "- Blok A" in mail.text and "- Blok C" in mail.text
    assert "album kami (https://contoh.co.id/foto/air)." in mail.text
    assert "Café Ibu Sri" in mail.text  # ISO-8859-1 decoded
    # Scripts, styles and the head are gone; escaped markup stays text.
    assert "alert" not in mail.text and "color" not in mail.text and "Surat" not in mail.text
    assert "<b>bukan tebal</b>" in mail.text
    assert subject_title(mail.subject) == "Air PDAM keruh"


def test_it_collects_attachments_beside_the_text() -> None:
    mail = mail_parse(mail_bytes("attachments.eml"))
    assert mail.text.startswith("Lubang besar di Jl. Siliwangi")
    names = [(file.name, file.content_type) for file in mail.attachments]
    assert names == [
        ("lubang.jpg", "image/jpeg"),
        ("surat.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    assert mail.attachments[0].data.startswith(b"\xff\xd8\xff")


def test_it_finds_the_tracking_number_in_the_subject() -> None:
    mail = mail_parse(mail_bytes("reply.eml", TRACKING="1234 5678 90"))
    assert mail.number == "1234567890"
    assert mail.automatic == Automatic.NONE
    assert "aduan.1.1768183000@aduan.example.go.id" in mail.in_reply_to
    assert strip_quoted(mail.text) == "Lampunya sekarang malah berkedip-kedip, tiang nomor 14."
    for subject in ("Re: x [#1234567890]", "[# 1234-5678-90] x", "Bls: [#1234.5678.90]"):
        assert mail_parse(_mail(subject=subject)).number == "1234567890"
    assert mail_parse(_mail(subject="Re: [#12 34]")).number is None


def test_it_knows_a_bounce() -> None:
    assert mail_parse(mail_bytes("bounce.eml", TRACKING="1")).automatic == Automatic.BOUNCE
    # By the null envelope sender alone, or a mailer daemon as the author.
    assert mail_parse(_mail(), envelope_sender="").automatic == Automatic.BOUNCE
    daemon = _mail(sender="postmaster@contoh.co.id")
    assert mail_parse(daemon).automatic == Automatic.BOUNCE


def test_it_reads_what_a_bounce_reports() -> None:
    bounce = mail_parse(mail_bytes("bounce.eml", TRACKING="1")).bounce
    assert bounce == Bounce(
        original_ids=("aduan.7.1768529300@aduan.example.go.id",),
        recipients=(
            RecipientStatus(
                action="failed", status="5.1.1", diagnostic="smtp; 550 5.1.1 User unknown"
            ),
        ),
    )


def test_it_reads_the_returned_copy_of_the_mail() -> None:
    bounce = mail_parse(mail_bytes("exim_bounce.eml")).bounce
    assert bounce is not None
    # The copy's Message-ID, not its In-Reply-To (the citizen's mail it answered).
    assert bounce.original_ids == ("aduan.12.1768532529@aduan.example.go.id",)
    assert [(status.action, status.status) for status in bounce.recipients] == [("failed", "5.0.0")]


def test_it_reads_every_recipient_and_a_status_without_action() -> None:
    second = (
        "Final-Recipient: rfc822; lain@contoh.co.id\n"
        "Action: delayed\nStatus: 4.4.1 (connection timed out)\n"
        "Will-Retry-Until: Mon, 19 Jan 2026 09:09:58 +0700\n\n"
        "Final-Recipient: rfc822; ketiga@contoh.co.id\nStatus: 4.2.2\n"
    )
    raw = mail_bytes(
        "bounce.eml", TRACKING="1", **{"User unknown\n\n--": f"User unknown\n\n{second}\n--"}
    )
    bounce = mail_parse(raw).bounce
    assert bounce is not None
    assert [(status.action, status.status, status.diagnostic) for status in bounce.recipients] == [
        ("failed", "5.1.1", "smtp; 550 5.1.1 User unknown"),
        ("delayed", "4.4.1", ""),
        ("", "4.2.2", ""),
    ]


def test_a_daemons_bounce_without_report_is_known_by_its_threading() -> None:
    raw = _mail(
        sender="MAILER-DAEMON@surel.example.net",
        **{
            "In-Reply-To": "<aduan.3.1@aduan.example>",
            "References": "<a.1@x> <aduan.3.1@aduan.example>",
        },
    )
    assert mail_parse(raw).bounce == Bounce(
        original_ids=("aduan.3.1@aduan.example", "a.1@x"), recipients=()
    )
    # The returned headers, when there are some, say it better than threading.
    returned = mail_bytes(
        "bounce.eml", TRACKING="1", **{"Auto-Submitted:": "In-Reply-To: <a.1@x>\nAuto-Submitted:"}
    )
    bounce = mail_parse(returned).bounce
    assert bounce is not None
    assert bounce.original_ids == ("aduan.7.1768529300@aduan.example.go.id",)


def test_only_a_delivery_report_is_read_as_one() -> None:
    # A person's mail, and a null-sender answer threaded under ours (as RFC 3834
    # advises automatic answers be sent): nothing of a delivery.
    threaded = _mail(**{"In-Reply-To": "<aduan.3.1@aduan.example>"})
    assert mail_parse(threaded).bounce is None
    assert mail_parse(threaded, envelope_sender="").bounce is None
    # A report from anyone that says it is a delivery report is one.
    report = mail_bytes("bounce.eml", TRACKING="1", **{"MAILER-DAEMON@": "kotak.surat@"})
    assert mail_parse(report).bounce is not None


@pytest.mark.parametrize(
    "replace",
    [
        {"Content-Type: message/delivery-status": 'Content-Type: message/delivery-status; x="'},
        {"Reporting-MTA: dns; mx.contoh.co.id": "\x00\xff ;;; <<>>"},
        {"Action: failed\nStatus: 5.1.1": ""},
        {"Status: 5.1.1": "Status: =?bogus?Q?x?="},
        {"Content-Type: text/rfc822-headers": "Content-Type: text/rfc822-headers; charset=x"},
        {"Content-Type: text/rfc822-headers": "Content-Type: message/rfc822"},
        {"Message-ID: <aduan.7.1768529300@aduan.example.go.id>": "Message-ID: <" + "x" * 300 + ">"},
        {"--9A1B2C3D.1768529400/mx.contoh.co.id--": ""},
        {'boundary="9A1B2C3D.1768529400/mx.contoh.co.id"': "boundary="},
    ],
)
def test_a_malformed_bounce_never_raises(replace: dict[str, str]) -> None:
    bounce = mail_parse(mail_bytes("bounce.eml", TRACKING="1", **replace)).bounce
    assert bounce is not None
    assert all(len(found) <= 250 for found in bounce.original_ids)


@pytest.mark.parametrize("fixture", ["bounce.eml", "exim_bounce.eml"])
def test_a_bounce_cut_short_still_reads(fixture: str) -> None:
    raw = mail_bytes(fixture, TRACKING="1")
    for end in range(0, len(raw), 23):
        mail_parse(raw[:end])


def test_it_knows_an_auto_reply() -> None:
    assert mail_parse(mail_bytes("auto_reply.eml")).automatic == Automatic.AUTO_REPLY
    assert mail_parse(_mail(**{"Auto-Submitted": "auto-generated"})).automatic == (
        Automatic.AUTO_REPLY
    )
    assert mail_parse(_mail(**{"Auto-Submitted": "no"})).automatic == Automatic.NONE
    assert mail_parse(_mail(**{"X-Autoreply": "yes"})).automatic == Automatic.AUTO_REPLY


def test_it_knows_list_and_bulk_mail() -> None:
    assert mail_parse(mail_bytes("list.eml")).automatic == Automatic.LIST
    assert mail_parse(_mail(Precedence="bulk")).automatic == Automatic.LIST
    assert mail_parse(_mail(**{"List-Id": "<x.example.org>"})).automatic == Automatic.LIST


def test_it_knows_a_mail_from_ourselves() -> None:
    mail = mail_parse(_mail(sender="Lapor@Aduan.example"), own_address="lapor@aduan.example")
    assert mail.automatic == Automatic.LOOP


def test_a_mail_without_message_id_is_known_by_its_bytes() -> None:
    raw = _mail(message_id="")
    first, second = mail_parse(raw), mail_parse(raw)
    assert first.message_id == second.message_id
    assert first.message_id.startswith("sha256-")
    assert mail_parse(_mail(message_id="", text="lain")).message_id != first.message_id


def test_a_broken_mail_still_reads() -> None:
    mail = mail_parse(b"From: nobody\r\nSubject: =?bogus?Q?x?=\r\n\r\n\xff\xfe teks")
    assert mail.address == ""
    assert mail.message_id.startswith("sha256-")


def test_html_to_text_keeps_words_between_inline_tags() -> None:
    assert html_to_text("<p>Jalan <b>rusak</b>&nbsp;parah</p><p>Dua</p>") == (
        "Jalan rusak parah\n\nDua"
    )


def _mail(
    *,
    sender: str = "warga@contoh.co.id",
    subject: str = "Laporan",
    message_id: str = "<t.1@contoh.co.id>",
    text: str = "Isi laporan.",
    **headers: str,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "lapor@aduan.example"
    mail["Subject"] = subject
    if message_id:
        mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name] = value
    mail.set_content(text)
    return mail.as_bytes()
