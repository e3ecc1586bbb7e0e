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
