"""The feed's select options, drawn by one tag instead of a template loop."""

from django.template import Context, Template

from aduan.reports.search import Option


def render(options: list[Option], chosen: str) -> str:
    template = Template("{% load web_forms %}{% options choices chosen %}")
    return template.render(Context({"choices": options, "chosen": chosen}))


def test_each_option_is_drawn_and_only_the_chosen_one_is_selected() -> None:
    html = render([Option("31", "DKI Jakarta"), Option("32", "Jawa Barat")], "32")

    assert html == (
        '<option value="31">DKI Jakarta</option><option value="32" selected>Jawa Barat</option>'
    )


def test_values_and_labels_are_escaped() -> None:
    html = render([Option('x"><script>', "Dinas <b>PU</b> & 'Tata' Ruang")], "")

    assert "<script>" not in html and "<b>" not in html
    assert 'value="x&quot;&gt;&lt;script&gt;"' in html
    assert "Dinas &lt;b&gt;PU&lt;/b&gt; &amp; &#x27;Tata&#x27; Ruang" in html


def test_nothing_is_selected_when_nothing_was_chosen() -> None:
    assert "selected" not in render([Option("a", "A"), Option("b", "B")], "")
