"""Charts: well-formed SVG images with a title and a description, figures drawn
to scale, missing figures left out (never drawn as 0), and every label escaped."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from aduan.stats.charts import bar_chart, line_chart
from aduan.stats.tables import Cell, Column, Table

SVG = "{http://www.w3.org/2000/svg}"


def table(rows: list[list[Cell]]) -> Table:
    return Table(
        caption="Laporan per bulan",
        columns=[
            Column("month", "Bulan"),
            Column("received", "Laporan masuk", numeric=True),
            Column("on_time", "% tepat waktu", numeric=True),
            Column("closed", "% ditutup", numeric=True),
        ],
        rows=rows,
    )


MONTHS = table(
    [
        ["Jan 2026", 40, 50.0, 10.0],
        ["Feb 2026", 10, None, 20.0],
        ["Mar 2026", 20, 75.5, None],
        ["Apr 2026", 0, 80.0, 30.0],
    ]
)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own drawing)
    assert root.tag == f"{SVG}svg"
    return root


def accessible(root: ET.Element) -> tuple[str, str]:
    """The image's name and description, checked to be what it says it is."""
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 360 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return title.text or "", desc.text or ""


@pytest.fixture(autouse=True)
def _indonesian() -> object:
    with translation.override("id"):
        yield


def test_it_draws_bars_to_scale_with_a_title_and_description() -> None:
    root = parse(bar_chart(MONTHS, "received", "month"))
    title, desc = accessible(root)
    assert title == "Laporan per bulan"
    assert "Laporan masuk menurut Bulan" in desc
    assert "Tertinggi Jan 2026 (40)" in desc and "terendah Apr 2026 (0)" in desc
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]
    widths = [float(bar.get("width", "")) for bar in bars]
    assert len(bars) == 4
    assert widths[0] == pytest.approx(4 * widths[1]) and widths[2] == pytest.approx(2 * widths[1])
    assert widths[3] == 0
    # Each bar names itself for a pointer resting on it.
    assert bars[0].findtext(f"{SVG}title") == "Jan 2026: 40"


def test_upright_columns_stand_on_a_round_scale() -> None:
    root = parse(bar_chart(MONTHS, "received", "month", vertical=True, title="Volume"))
    assert accessible(root)[0] == "Volume"
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]
    heights = [float(bar.get("height", "")) for bar in bars]
    assert heights[0] == pytest.approx(4 * heights[1]) and heights[3] == 0
    ticks = [
        "".join(text.itertext())
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "chart-tick" and text.get("text-anchor") == "end"
    ]
    assert ticks == ["0", "10", "20", "30", "40"]


def test_percentages_are_drawn_on_a_scale_to_100_and_none_is_left_out() -> None:
    root = parse(bar_chart(MONTHS, "on_time", "month", maximum=100, unit="%"))
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]
    assert len(bars) == 3  # February has no figure: no bar, not a bar of 0
    assert bars[0].findtext(f"{SVG}title") == "Jan 2026: 50%"
    assert bars[1].findtext(f"{SVG}title") == "Mar 2026: 75,5%"  # the page's decimals
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    assert "–" in texts  # February says it has none


def test_lines_break_where_a_figure_is_missing() -> None:
    root = parse(line_chart(MONTHS, ["on_time", "closed"], "month", maximum=100, unit="%"))
    title, desc = accessible(root)
    assert title == "Laporan per bulan"
    assert "% tepat waktu, % ditutup menurut Bulan" in desc and "Jan 2026 sampai Apr 2026" in desc
    lines = list(root.iter(f"{SVG}polyline"))
    # on time: Jan | Mar–Apr; closed: Jan–Feb | (Apr alone is a point, not a line).
    assert [len((line.get("points") or "").split()) for line in lines] == [2, 2]
    points = [group.findtext(f"{SVG}title") for group in root.iter(f"{SVG}g")]
    assert points == [
        "% tepat waktu — Jan 2026: 50%",
        "% tepat waktu — Mar 2026: 75,5%",
        "% tepat waktu — Apr 2026: 80%",
        "% ditutup — Jan 2026: 10%",
        "% ditutup — Feb 2026: 20%",
        "% ditutup — Apr 2026: 30%",
    ]
    legend = [
        "".join(text.itertext())
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "chart-label"
    ]
    assert legend == ["% tepat waktu", "% ditutup"]


def test_a_single_line_has_no_legend_and_higher_figures_sit_higher() -> None:
    root = parse(line_chart(MONTHS, ["received"], "month"))
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    (line,) = root.iter(f"{SVG}polyline")
    ys = [float(point.split(",")[1]) for point in (line.get("points") or "").split()]
    assert ys[0] < ys[2] < ys[1] < ys[3]  # 40, 20, 10, 0: SVG's y grows downwards


def test_labels_and_titles_are_escaped() -> None:
    nasty = '<script>alert("x")</script> & Co\'s'
    rows: list[list[Cell]] = [[nasty, 3, 1.0, 2.0], ["Biasa", 1, 2.0, 3.0]]
    hostile = Table(caption="A <b>caption</b>", columns=MONTHS.columns, rows=rows)
    for svg in (
        bar_chart(hostile, "received", "month"),
        bar_chart(hostile, "received", "month", vertical=True),
        line_chart(hostile, ["on_time", "closed"], "month", description="<i>desc</i>"),
    ):
        assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
        root = parse(svg)
        assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))
        assert accessible(root)[0] == "A <b>caption</b>"
        drawn = " ".join("".join(text.itertext()) for text in root.iter(f"{SVG}text"))
        assert '<script>alert("x")</script>' in drawn  # drawn as written, as text


def test_long_labels_are_shortened_in_the_drawing_only() -> None:
    long = "Pelayanan Publik Umum dan segala hal lain yang sangat panjang namanya"
    rows: list[list[Cell]] = [[long, 3, None, None]]
    root = parse(bar_chart(table(rows), "received", "month"))
    labels = [
        "".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"
    ]
    assert labels[0].endswith("…") and len(labels[0]) <= 44 and long.startswith(labels[0][:-1])


def test_nothing_to_draw_says_so() -> None:
    for svg in (
        bar_chart(table([]), "received", "month"),
        line_chart(table([["Jan 2026", 0, None, None]]), ["on_time"], "month"),
    ):
        root = parse(svg)
        accessible(root)
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        assert texts == ["Belum ada data untuk periode ini."]
        assert not list(root.iter(f"{SVG}rect")) and not list(root.iter(f"{SVG}polyline"))


def test_a_line_chart_draws_one_to_four_lines() -> None:
    with pytest.raises(ValueError, match="1 to 4 lines"):
        line_chart(MONTHS, [], "month")
    with pytest.raises(ValueError, match="1 to 4 lines"):
        line_chart(MONTHS, ["received"] * 5, "month")
