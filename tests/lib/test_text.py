"""A title made from the text of a report that came without one."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aduan.lib.text import title_from_text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("jalan rusak di depan pasar", "jalan rusak di depan pasar"),
        ("Lampu jalan mati. Sudah seminggu gelap.", "Lampu jalan mati"),
        ("Tolong!! Banjir di RT 3", "Tolong!! Banjir di RT 3"),  # too short a sentence
        ("  sampah   menumpuk\ndi pasar  ", "sampah menumpuk di pasar"),
        ("Sampah di pasar menumpuk\nsejak Senin", "Sampah di pasar menumpuk"),
        (
            "Jalan di depan pasar induk berlubang besar dan sudah memakan korban "
            "pengendara motor tiga kali",
            "Jalan di depan pasar induk berlubang besar dan sudah memakan korban pengendara…",
        ),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_titles(text: str, title: str) -> None:
    assert title_from_text(text) == title


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_a_title_is_short_and_from_the_text(text: str) -> None:
    title = title_from_text(text)
    assert len(title) <= 80
    assert " ".join(text.split()).startswith(title.removesuffix("…"))


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # A full stop after an abbreviation ends no sentence.
        (
            "Lubang besar di Jl. Siliwangi No. 12 Kec. Kesambi. Sudah dua minggu.",
            "Lubang besar di Jl. Siliwangi No. 12 Kec. Kesambi",
        ),
        (
            "Sampah menumpuk di Gg. Melati RT. 03 RW. 05 Kel. Pekiringan. Bau sekali.",
            "Sampah menumpuk di Gg. Melati RT. 03 RW. 05 Kel. Pekiringan",
        ),
        (
            "Banjir di Ds. Cikalahang Kab. Cirebon. Tolong dibantu.",
            "Banjir di Ds. Cikalahang Kab. Cirebon",
        ),
        # Nor a stop inside a word or a number.
        ("Kerugian Rp 2.500.000 akibat pungli di kantor kelurahan", None),
        # A name's initial.
        ("Dilayani petugas M. Yusuf dengan kasar sekali. Mohon ditegur.", None),
        # Cut by length: the cut backs off an abbreviation it would end on.
        (
            "Jalan berlubang sangat dalam dan membahayakan pengendara di dekat Jl. "
            "Siliwangi Kota Cirebon",
            "Jalan berlubang sangat dalam dan membahayakan pengendara di dekat…",
        ),
        (
            "Pipa PDAM bocor sejak minggu lalu di depan rumah warga di Perum Griya Asri No. "
            "12 Blok C",
            "Pipa PDAM bocor sejak minggu lalu di depan rumah warga di Perum Griya Asri…",
        ),
    ],
)
def test_titles_never_end_inside_an_abbreviation(text: str, title: str | None) -> None:
    made = title_from_text(text)
    assert made == (title if title is not None else text.split(". Mohon")[0])
    last = made.removesuffix("…").split()[-1].rstrip(".").lower()
    assert last not in {"jl", "no", "kec", "kab", "kel", "ds", "gg", "rt", "rw", "perum"}
