"""A long select written out in Python says what Django's own select says."""

import pytest
from django import forms
from django.test.html import parse_html

from aduan.lib.widgets import LongSelect

CHOICES = [
    ("", "Semua wilayah"),
    ("Jawa Barat", [("32", "Jawa Barat (seluruh provinsi)"), ("32.74", "Kota Cirebon")]),
    ('Bali <&> "Nusa"', [("51", "Bali"), ("51.71", "Kota Denpasar")]),
    (7, "Instansi tujuh"),
]


@pytest.mark.parametrize("value", ["", "32.74", None, 7, "tidak ada"])
def test_it_renders_as_djangos_select(value: object) -> None:
    attrs = {"id": "id_wilayah", "aria-describedby": "id_wilayah_helptext", "required": True}
    ours = LongSelect(choices=CHOICES).render("wilayah", value, attrs)
    django = forms.Select(choices=CHOICES).render("wilayah", value, attrs)
    assert parse_html(ours) == parse_html(django)
    assert ours.count("selected") == (0 if value == "tidak ada" else 1)


def test_labels_are_escaped() -> None:
    html = LongSelect(choices=[("x", "<script>alert(1)</script>")]).render("f", "x")
    assert "<script>" not in html and "&lt;script&gt;" in html
