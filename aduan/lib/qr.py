"""QR codes drawn here as inline SVG: no image request to anyone else, so what a
code holds (a secret, a per-report link) never leaves the page."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str, scale: int = 5) -> SafeString:
    """``data`` as an inline SVG QR code (error correction M), labelled ``title``
    for screen readers."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, border=4, title=title)
    return mark_safe(svg)  # noqa: S308 - segno's own markup; data and title are escaped by it
