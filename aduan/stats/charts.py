"""Charts of a statistics ``Table`` as inline SVG, drawn by the app: no script, no
file to fetch, readable on a 360-pixel phone (the drawing is 360 units wide and
scales with its box). Each chart is an image with a title and a description for
screen readers (``role="img"``, ``<title>``, ``<desc>``); the page shows the
table's own figures right after it, so nothing is only in the drawing.

- ``bar_chart``: one figure per row as bars — across the page with the label
  above each bar (long labels: categories), or upright (``vertical``: months).
- ``line_chart``: one or more figures per row as lines, left to right (a trend);
  a missing figure (None) breaks the line rather than being drawn as 0.

Every text comes from the table and is escaped here (``format_html``): a label
such as ``<b>&`` is drawn as written, never as markup."""

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from aduan.stats.tables import Cell, Table

WIDTH = 360
_FONT = 13  # units; at 360 px wide, 13 px text
_CHAR = 7.2  # the rough width of one character at _FONT, for fitting labels
_TICK = 11  # the scale's and the bottom labels' text
_TICK_CHAR = 6.4
_INK, _MUTED, _GRID, _BAR_FILL = "#1a1a1a", "#555555", "#dddddd", "#1f5fa8"
_LABEL_MAX = 44  # characters of a label drawn; the table beside holds it whole

# Colours with contrast on white, told apart by their markers and dashes too.
_SERIES = (
    ("#1f5fa8", "circle", ""),
    ("#b3261e", "square", "6 3"),
    ("#2e7d32", "diamond", "2 3"),
    ("#6a3d9a", "triangle", "8 3 2 3"),
)


@dataclass(frozen=True, slots=True)
class _Frame:
    """The drawing's plot area in SVG units, and the figures' scale on it."""

    left: float
    top: float
    width: float
    height: float
    maximum: float

    def y(self, value: float) -> float:
        return self.top + self.height * (1 - value / self.maximum)


def bar_chart(
    table: Table,
    value_key: str,
    label_key: str,
    *,
    title: str = "",
    description: str = "",
    maximum: float | None = None,
    unit: str = "",
    vertical: bool = False,
) -> SafeString:
    """The column ``value_key`` of each row as a bar, named by ``label_key``.
    ``title`` defaults to the table's caption and ``description`` to a summary
    (what is shown, the highest and lowest); ``maximum`` fixes the scale (100
    for percentages, with ``unit`` "%"), else it fits the figures."""
    labels = [_label(cell) for cell in table.column(label_key)]
    values = [_number(cell) for cell in table.column(value_key)]
    title = title or str(table.caption)
    description = description or _bar_summary(table, value_key, label_key, labels, values, unit)
    if not any(value is not None for value in values):
        return _empty(title, description)
    found = [value for value in values if value is not None]
    top = maximum or _nice_maximum(max(found), whole=_whole(found))
    if vertical:
        height, body = _columns(labels, values, top, unit)
    else:
        height, body = _bars(labels, values, top, unit)
    return _svg(title, description, height, body)


def drawable(table: Table, value_keys: Sequence[str]) -> bool:
    """Whether any row has a figure in ``value_keys`` to draw: a chart of nothing
    but "no data" is left off a page whose table below it has rows."""
    return any(_number(cell) is not None for key in value_keys for cell in table.column(key))


def line_chart(
    table: Table,
    value_keys: Sequence[str],
    label_key: str,
    *,
    title: str = "",
    description: str = "",
    maximum: float | None = None,
    unit: str = "",
) -> SafeString:
    """The columns ``value_keys`` as lines over the rows (left to right, in the
    table's order), named by ``label_key`` along the bottom; a legend when there
    is more than one line. ``title``, ``description``, ``maximum`` and ``unit``
    as for ``bar_chart``."""
    if not 1 <= len(value_keys) <= len(_SERIES):
        raise ValueError(f"a line chart draws 1 to {len(_SERIES)} lines")
    labels = [_label(cell) for cell in table.column(label_key)]
    names = {column.key: str(column.label) for column in table.columns}
    series = [(names[key], [_number(cell) for cell in table.column(key)]) for key in value_keys]
    title = title or str(table.caption)
    description = description or _line_summary(
        [name for name, _values in series], names[label_key], labels
    )
    found = [value for _name, values in series for value in values if value is not None]
    if not found:
        return _empty(title, description)
    top = maximum or _nice_maximum(max(found), whole=_whole(found))
    legend = _LINE if len(series) > 1 else 0
    frame = _frame(top, unit, first_y=8 + legend * len(series), plot_height=170)
    parts = [_axis(frame, unit), _x_labels(frame, labels)]
    for position, (name, values) in enumerate(series):
        parts.append(_line(frame, labels, values, name, unit, position))
        if legend:
            parts.append(_legend_entry(name, position))
    height = frame.top + frame.height + _x_label_room(labels)
    return _svg(title, description, height, _join(parts))


# -- bars ------------------------------------------------------------------------------

_BAR = 16
_BAR_FONT = 15  # a bar's label has the whole width to itself: larger
_ROW = _BAR_FONT + _BAR + 12  # label, bar, gap
_LINE = _FONT + 6


def _bars(
    labels: list[str], values: list[float | None], top: float, unit: str
) -> tuple[float, SafeString]:
    """Across: the label on a line of its own, the bar under it, the figure at its
    end (inside the bar when the bar is long)."""
    room = WIDTH - 8
    parts = []
    for position, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + position * _ROW
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="{}" class="chart-label">{}</text>',
                y + _BAR_FONT,
                _BAR_FONT,
                label,
            )
        )
        text = _figure(value, unit)
        if value is None:
            parts.append(
                format_html('<text x="0" y="{}">{}</text>', y + _BAR_FONT + _BAR + 1, text)
            )
            continue
        length = room * value / top
        inside = length > len(text) * _CHAR + 8
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}" class="chart-bar">'
                "<title>{}: {}</title></rect>"
                '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-weight="700" '
                'class="{}">{}</text>',
                _n(y + _BAR_FONT + 4),
                _n(length),
                _BAR,
                _BAR_FILL,
                label,
                text,
                _n(length - 4 if inside else length + 4),
                _n(y + _BAR_FONT + 4 + _BAR - 4),
                "end" if inside else "start",
                "#ffffff" if inside else _INK,
                "chart-inside" if inside else "chart-value",
                text,
            )
        )
    return 4 + len(labels) * _ROW, _join(parts)


def _columns(
    labels: list[str], values: list[float | None], top: float, unit: str
) -> tuple[float, SafeString]:
    """Upright: a column per row over the labels, the scale at the left."""
    frame = _frame(top, unit, first_y=8, plot_height=170)
    slot = frame.width / len(labels)
    bar = max(2.0, slot * 0.7)
    parts = [_axis(frame, unit), _x_labels(frame, labels)]
    for position, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value is None:
            continue
        y = frame.y(value)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="chart-bar">'
                "<title>{}: {}</title></rect>",
                _n(frame.left + position * slot + (slot - bar) / 2),
                _n(y),
                _n(bar),
                _n(frame.top + frame.height - y),
                _BAR_FILL,
                label,
                _figure(value, unit),
            )
        )
    return frame.top + frame.height + _x_label_room(labels), _join(parts)


# -- lines -----------------------------------------------------------------------------


def _line(
    frame: _Frame,
    labels: list[str],
    values: list[float | None],
    name: str,
    unit: str,
    position: int,
) -> SafeString:
    colour, marker, dashes = _SERIES[position]
    step = frame.width / len(labels)
    points = [
        (frame.left + (index + 0.5) * step, frame.y(value), label, value)
        for index, (label, value) in enumerate(zip(labels, values, strict=True))
        if value is not None
    ]
    # Runs of neighbouring figures, so that a missing one leaves a gap.
    runs: list[list[tuple[float, float]]] = []
    previous = -2
    for index, value in enumerate(values):
        if value is None:
            continue
        point = (frame.left + (index + 0.5) * step, frame.y(value))
        if index == previous + 1:
            runs[-1].append(point)
        else:
            runs.append([point])
        previous = index
    parts = [
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
            " ".join(f"{_n(x)},{_n(y)}" for x, y in run),
            colour,
            format_html(' stroke-dasharray="{}"', dashes) if dashes else "",
        )
        for run in runs
        if len(run) > 1
    ]
    for x, y, label, value in points:
        parts.append(
            format_html(
                "<g>{}<title>{} — {}: {}</title></g>",
                _marker(marker, x, y, colour),
                name,
                label,
                _figure(value, unit),
            )
        )
    return _join(parts)


def _marker(kind: str, x: float, y: float, colour: str) -> SafeString:
    if kind == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', _n(x - 3.5), _n(y - 3.5), colour
        )
    if kind == "diamond":
        corners = f"{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y)} {_n(x)},{_n(y + 5)} {_n(x - 5)},{_n(y)}"
        return format_html('<polygon points="{}" fill="{}"/>', corners, colour)
    if kind == "triangle":
        corners = f"{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y + 4)} {_n(x - 5)},{_n(y + 4)}"
        return format_html('<polygon points="{}" fill="{}"/>', corners, colour)
    return format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', _n(x), _n(y), colour)


def _legend_entry(name: str, position: int) -> SafeString:
    colour, marker, dashes = _SERIES[position]
    y = 4 + position * _LINE + _FONT / 2
    return format_html(
        '<line x1="0" y1="{}" x2="22" y2="{}" stroke="{}" stroke-width="2"{}/>{}'
        '<text x="28" y="{}" class="chart-label">{}</text>',
        _n(y),
        _n(y),
        colour,
        format_html(' stroke-dasharray="{}"', dashes) if dashes else "",
        _marker(marker, 11, y, colour),
        _n(y + _FONT / 2 - 2),
        _short(name),
    )


# -- axes ------------------------------------------------------------------------------


def _frame(top: float, unit: str, *, first_y: float, plot_height: float) -> _Frame:
    widest = max(len(_figure(tick, unit)) for tick in _ticks(top))
    left = widest * _TICK_CHAR + 8
    return _Frame(left, first_y + _FONT / 2, WIDTH - left - 2, plot_height, top)


def _axis(frame: _Frame, unit: str) -> SafeString:
    """Grid lines at round figures, each named at the left."""
    parts = []
    for tick in _ticks(frame.maximum):
        y = frame.y(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" class="chart-grid"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}" '
                'class="chart-tick">{}</text>',
                _n(frame.left),
                _n(y),
                _n(frame.left + frame.width),
                _n(y),
                _GRID,
                _n(frame.left - 4),
                _n(y + 4),
                _TICK,
                _MUTED,
                _figure(tick, unit),
            )
        )
    return _join(parts)


def _x_labels(frame: _Frame, labels: list[str]) -> SafeString:
    """The rows' labels along the bottom, on up to two lines ("Jan" over "2026"),
    as many as fit: every second or third one when they would touch."""
    step = frame.width / len(labels)
    lines = [_two_lines(label) for label in labels]
    widest = max(len(line) for pair in lines for line in pair) * _TICK_CHAR + 4
    every = max(1, math.ceil(widest / step))
    parts = []
    for index in range(0, len(labels), every):
        x = frame.left + (index + 0.5) * step
        tspans = format_html_join(
            "",
            '<tspan x="{}" dy="{}">{}</tspan>',
            (
                (_n(x), _n(_TICK + 5 if row == 0 else _TICK + 1), line)
                for row, line in enumerate(lines[index])
            ),
        )
        parts.append(
            format_html(
                '<text y="{}" text-anchor="middle" font-size="{}" fill="{}" '
                'class="chart-tick">{}</text>',
                _n(frame.top + frame.height),
                _TICK,
                _MUTED,
                tspans,
            )
        )
    return _join(parts)


def _x_label_room(labels: list[str]) -> float:
    lines = max(len(_two_lines(label)) for label in labels)
    return lines * (_TICK + 2) + 10


def _two_lines(label: str) -> list[str]:
    head, _space, tail = label.rpartition(" ")
    if not head or len(label) <= 6:
        return [label]
    return [head, tail]


def _ticks(top: float) -> list[float]:
    step = top / 4
    return [step * i for i in range(5)]


def _nice_maximum(value: float, *, whole: bool) -> float:
    """The least round figure at or above ``value`` whose quarter (the grid's step)
    is 1, 2, 2.5 or 5 × 10ⁿ — whole numbers only when counting."""
    step = value / 4
    if whole and step <= 1:
        return 4.0
    if step <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(step))
    for factor in (1, 2, 2.5, 5, 10):
        nice = factor * power
        if whole and not nice.is_integer():
            continue
        if nice >= step * (1 - 1e-9):
            return nice * 4
    return value


# -- the drawing -------------------------------------------------------------------------


def _svg(title: str, description: str, height: float, body: SafeString) -> SafeString:
    name = f"chart-{uuid.uuid4().hex[:10]}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" font-size="{}" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        _n(height),
        name,
        name,
        _FONT,
        _INK,
        name,
        title,
        name,
        description,
        body,
    )


def _empty(title: str, description: str) -> SafeString:
    body = format_html(
        '<text x="{}" y="30" text-anchor="middle" fill="{}" class="chart-empty">{}</text>',
        WIDTH // 2,
        _MUTED,
        gettext("Belum ada data untuk periode ini."),
    )
    return _svg(title, description, 48, body)


def _bar_summary(
    table: Table,
    value_key: str,
    label_key: str,
    labels: list[str],
    values: list[float | None],
    unit: str,
) -> str:
    names = {column.key: str(column.label) for column in table.columns}
    what = gettext("Diagram batang: %(value)s menurut %(label)s.") % {
        "value": names[value_key],
        "label": names[label_key],
    }
    found = [
        (value, label) for label, value in zip(labels, values, strict=True) if value is not None
    ]
    if not found:
        return f"{what} {gettext('Belum ada data untuk periode ini.')}"
    highest = max(found, key=lambda item: item[0])
    lowest = min(found, key=lambda item: item[0])
    extremes = gettext("Tertinggi %(high)s (%(high_value)s), terendah %(low)s (%(low_value)s).") % {
        "high": highest[1],
        "high_value": _figure(highest[0], unit),
        "low": lowest[1],
        "low_value": _figure(lowest[0], unit),
    }
    return f"{what} {extremes}"


def _line_summary(names: list[str], label_name: str, labels: list[str]) -> str:
    what = gettext("Diagram garis: %(value)s menurut %(label)s") % {
        "value": ", ".join(names),
        "label": label_name,
    }
    if not labels:
        return f"{what}."
    span = gettext("dari %(first)s sampai %(last)s.") % {"first": labels[0], "last": labels[-1]}
    return f"{what}, {span}"


def _label(cell: Cell) -> str:
    return _short("" if cell is None else str(cell))


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1].rstrip() + "…"


def _whole(values: list[float]) -> bool:
    return all(value.is_integer() for value in values)


def _number(cell: Cell) -> float | None:
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return None
    return float(cell)


def _figure(value: float | None, unit: str) -> str:
    """A figure as the page writes it: whole numbers grouped (1.234), others with
    one decimal (96,4); "–" for none."""
    if value is None:
        return "–"
    whole = float(value).is_integer()
    text = number_format(
        value if not whole else int(value), decimal_pos=None if whole else 1, force_grouping=True
    )
    return f"{text}{unit}"


def _join(parts: Sequence[SafeString | str]) -> SafeString:
    """Drawn pieces (each made by format_html, so already escaped) as one."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _n(value: float) -> str:
    """A coordinate, short: 12.5, 12."""
    return f"{value:.1f}".removesuffix(".0")
