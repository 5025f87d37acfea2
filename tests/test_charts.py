"""The server-side SVG charts (qualipref.lib.charts): counts on whole-number axes, French decimals, legends whose
every row is inside the picture."""

import re

import pytest

from qualipref.lib import charts


def _texts(svg):
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _numbers(svg):
    return [text for text in _texts(svg) if re.fullmatch(r"-?[\d.,]+", text)]


@pytest.mark.parametrize("stacked,horizontal", [(False, False), (True, True)])
def test_a_count_of_one_gives_whole_graduations(stacked, horizontal):
    svg = charts.bar_chart(
        chart_id="petit",
        title="Constats",
        labels=["Arles", "Istres"],
        series=[("Point fort", [1, 0], charts.GREEN), ("Non-conformité mineure", [0, 1], charts.RED)],
        stacked=stacked,
        horizontal=horizontal,
    )
    numbers = _numbers(svg)
    assert "0" in numbers and "1" in numbers
    assert all(number.isdigit() for number in numbers), numbers  # never 0.1 … 0.9


@pytest.mark.parametrize(
    "top,expected",
    [(0, [0, 1]), (1, [0, 1]), (4, [0, 1, 2, 3, 4]), (10, list(range(11))), (11, list(range(0, 13, 2))), (124, None)],
)
def test_count_ticks_are_whole_and_cover_the_top(top, expected):
    ticks = charts.count_ticks(top)
    assert all(isinstance(tick, int) for tick in ticks) and ticks[0] == 0 and ticks[-1] >= top
    assert len(ticks) <= 11
    if expected is not None:
        assert ticks == expected


def test_a_trend_has_french_decimals_on_its_axis():
    svg = charts.line_chart(
        chart_id="tendance",
        title="",
        labels=["janv.", "févr.", "mars"],
        series=[("Délai moyen", [1.5, 2.25, None], charts.BLUE_FRANCE)],
        target=2.5,
    )
    numbers = _numbers(svg)
    assert "0,2" in numbers and "2,4" in numbers
    assert not any("." in number for number in numbers), numbers


def test_french_number():
    assert [charts.french_number(value) for value in (0, 2.0, 0.25, 12.5, 1 / 3, None)] == [
        "0",
        "2",
        "0,25",
        "12,5",
        "0,33",
        "",
    ]


def test_every_legend_row_is_inside_the_picture():
    """Five series in columns: pygal reserved the height of one row less than it drew (the second row cut)."""
    names = ["Point fort", "Piste de progrès", "Point sensible", "Non-conformité mineure", "Non-conformité majeure"]
    svg = charts.bar_chart(
        chart_id="legende",
        title="Constats",
        labels=["Préfecture des Bouches-du-Rhône", "Arles"],
        series=[(name, [index + 1, 2], charts.GREEN) for index, name in enumerate(names)],
        height=340,
    )
    height = float(re.search(r'<svg[^>]* height="([\d.]+)"', svg).group(1))
    legends = re.search(r'<g transform="translate\(([\d.]+), ([\d.]+)\)" class="legends">', svg)
    offset = float(legends.group(2))
    rows = [float(y) for y in re.findall(r'class="legend reactive activate-serie"><rect x="[\d.]+" y="([\d.]+)"', svg)]
    assert len(rows) == len(names)
    assert offset + max(rows) + 12 + 3 <= height  # the box and the text's descenders of the last row
    # the columns leave room for the longest name (« Non-conformité mineure » ran into the next box)
    xs = sorted({float(x) for x in re.findall(r'class="legend reactive activate-serie"><rect x="([\d.]+)"', svg)})
    assert all(b - a >= len("Non-conformité mineure") * 6.5 for a, b in zip(xs, xs[1:], strict=False))


def test_a_printed_chart_is_an_image_of_its_svg_without_its_screen_rules():
    import base64
    import html

    svg = charts.bar_chart(
        chart_id="papier",
        title="Constats « par site » & catégorie",
        labels=["Arles", "Istres"],
        series=[("Point fort", [3, 1], charts.GREEN), ("Non-conformité mineure", [0, 2], charts.RED)],
    )
    image = charts.print_image(svg)

    alt, data = re.fullmatch(
        r'<img class="chart" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)">', image
    ).groups()
    printed = base64.b64decode(data).decode("utf-8")
    assert html.unescape(alt) == "Constats « par site » & catégorie"
    assert "<desc" in svg and "<desc" not in printed
    assert ":hover" in svg and ":hover" not in printed and ".tooltip" not in printed and "transition" not in printed
    assert "#chart-papier .color-0" in printed and f"fill:{charts.GREEN}" in printed  # the series keep their colours
    assert _texts(printed) == _texts(svg)
