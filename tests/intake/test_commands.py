"""The command grammar of 1708 (SMS and X direct messages): examples as people
type them, and a property — any text at all yields one of the four outcomes, never an exception."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aduan.intake.commands import (
    Help,
    NewReport,
    Reply,
    StatusQuery,
    Trouble,
    command_parse,
)
from aduan.reports.tracking import is_valid, tracking_number_new

NUMBER = "1234567894"  # a valid one (Damm)
assert is_valid(NUMBER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LAPOR jalan rusak di depan pasar", NewReport("jalan rusak di depan pasar")),
        ("lapor: jalan rusak", NewReport("jalan rusak")),
        ("  Laporan   lampu   mati ", NewReport("lampu mati")),
        ("LAPRO jalan rusak", NewReport("jalan rusak")),  # one slip
        ("Jalan rusak di depan pasar", NewReport("Jalan rusak di depan pasar")),
        ("Balai desa rusak berat", NewReport("Balai desa rusak berat")),  # not BALAS
        ("Cek lampu jalan yang mati", NewReport("Cek lampu jalan yang mati")),
        ("CEK 1234567894", StatusQuery(NUMBER)),
        ("cek:1234 5678 94", StatusQuery(NUMBER)),
        ("Status #1234-5678-94", StatusQuery(NUMBER)),
        ("STAUS 1234567894", StatusQuery(NUMBER)),  # one slip
        ("cek1234567894", StatusQuery(NUMBER)),
        ("１２３４５６７８９４", StatusQuery(NUMBER)),  # full-width digits, alone
        ("1234 5678 94", StatusQuery(NUMBER)),
        (
            "BALAS 1234567894 sudah saya cek, masih rusak",
            Reply(NUMBER, "sudah saya cek, masih rusak"),
        ),
        ("balas#1234567894:terima kasih", Reply(NUMBER, "terima kasih")),
        ("Bls 1234 5678 94 ok", Reply(NUMBER, "ok")),
        ("BALSA 1234567894 belum", Reply(NUMBER, "belum")),
        ("INFO", Help()),
        ("bantuan?", Help()),
        # Found in the Lapor Gub complaints (bench/guided.py): words after the help
        # keyword are a request for information, or a complaint about aid.
        ("info syarat beli gas lpg", NewReport("info syarat beli gas lpg")),
        ("BANTUAN sosial tidak sampai", NewReport("BANTUAN sosial tidak sampai")),
        ("", Help(Trouble.EMPTY)),
        ("  \n\t ", Help(Trouble.EMPTY)),
        ("LAPOR", Help(Trouble.TEXT_MISSING)),
        ("CEK", Help(Trouble.NUMBER_MISSING)),
        ("CEK 1234567891", Help(Trouble.NUMBER_INVALID)),  # check digit wrong
        ("CEK 12345678940", Help(Trouble.NUMBER_INVALID)),  # eleven digits
        ("BALAS 1234567894", Help(Trouble.TEXT_MISSING)),
        ("BALAS tolong dicek", Help(Trouble.NUMBER_MISSING)),
    ],
)
def test_what_people_type(text: str, expected: object) -> None:
    assert command_parse(text) == expected


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.text())
def test_any_text_is_one_of_four_outcomes(text: str) -> None:
    outcome = command_parse(text)
    assert isinstance(outcome, NewReport | StatusQuery | Reply | Help)
    if isinstance(outcome, NewReport):
        assert outcome.text.strip() == outcome.text and outcome.text
    if isinstance(outcome, StatusQuery | Reply):
        assert is_valid(outcome.number)
    if isinstance(outcome, Reply):
        assert outcome.text


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    keyword=st.sampled_from(["balas", "BALAS", "Bls", "balas:", "BALAS #"]),
    text=st.text(alphabet=st.characters(categories=["L", "Zs", "P"]), min_size=1).filter(
        lambda t: any(c.isalpha() for c in t)
    ),
)
def test_a_reply_keeps_its_number_and_text(keyword: str, text: str) -> None:
    number = tracking_number_new()
    outcome = command_parse(f"{keyword} {number} {text}")
    assert isinstance(outcome, Reply) and outcome.number == number
    assert (
        outcome.text == " ".join(text.split()).lstrip(" .,:;!?-#'\"()[]{}")[: len(outcome.text)]
        or outcome.text
    )
