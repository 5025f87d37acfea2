"""The national map: France as a tile grid of départements (one square per département, placed like on a map,
overseas départements and territories in an inset row), coloured by the label of each prefecture, drawn as
server-side SVG (no JavaScript: the same picture goes into pages and PDFs). Each tile is a link with an accessible
name (département, label, next audit, open non-conformities) and a ``<title>`` shown on hover and focus; the page
gives the same data as a table.

Why a tile grid: pygal-maps-fr 1.1.0 (the package DESIGN.md suggests) downloads from PyPI but does not import with
the pinned pygal 3.1.3 (``from pygal._compat import u``: ImportError), and its shapes weigh 600 kB per page. A tile
grid is small, gives every département the same weight, and keeps Paris' small départements readable.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# (row, column) of each metropolitan département; the overseas ones are in OVERSEAS (inset row).
ROWS = (
    (0, {"62": 6, "59": 7}),
    (1, {"76": 5, "80": 6, "02": 7, "08": 8}),
    (2, {"50": 3, "14": 4, "27": 5, "60": 6, "95": 7, "51": 8, "55": 9, "57": 10, "67": 11}),
    (3, {"29": 0, "22": 1, "35": 2, "53": 3, "61": 4, "78": 5, "92": 6, "75": 7, "93": 8, "54": 9, "88": 10, "68": 11}),
    (
        4,
        {"56": 1, "44": 2, "49": 3, "72": 4, "28": 5, "91": 6, "94": 7, "77": 8, "10": 9, "52": 10, "70": 11, "90": 12},
    ),
    (5, {"85": 2, "79": 3, "86": 4, "37": 5, "41": 6, "45": 7, "89": 8, "21": 9, "25": 10}),
    (6, {"17": 2, "16": 3, "87": 4, "36": 5, "18": 6, "58": 7, "71": 8, "39": 9, "01": 10, "74": 11}),
    (7, {"33": 2, "24": 3, "19": 4, "23": 5, "03": 6, "42": 7, "69": 8, "38": 9, "73": 10}),
    (8, {"40": 2, "47": 3, "46": 4, "15": 5, "63": 6, "43": 7, "07": 8, "26": 9, "05": 10}),
    (9, {"64": 2, "32": 3, "82": 4, "81": 5, "12": 6, "48": 7, "30": 8, "84": 9, "04": 10, "06": 11}),
    (10, {"65": 3, "31": 4, "11": 5, "34": 6, "13": 9, "83": 10, "2B": 11}),
    (11, {"09": 4, "66": 5, "2A": 11}),
)
OVERSEAS = ("971", "972", "973", "974", "976", "975", "977", "978", "986", "987", "988")
OVERSEAS_ROW = 12

TILE = 40
GAP = 3
MARGIN = 8

# Map statuses: (fill colour, text colour, legend). Colours of the DSFR palette, text contrast >= 4.5:1.
STATUSES = {
    "labelled": ("#18753c", "#ffffff", "Labellisée"),
    "late": ("#ce0500", "#ffffff", "Labellisée, audit de suivi en retard"),
    "in_progress": ("#000091", "#ffffff", "Labellisation en cours"),
    "refused": ("#b34000", "#ffffff", "Décision défavorable"),
    "none": ("#e5e5e5", "#161616", "Sans cycle de labellisation"),
    "absent": ("#ffffff", "#666666", "Préfecture non enregistrée"),
}


def positions():
    """{département code: (row, column)} for every tile of the map."""
    result = {code: (row, column) for row, columns in ROWS for code, column in columns.items()}
    for column, code in enumerate(OVERSEAS):
        result[code] = (OVERSEAS_ROW, column)
    return result


POSITIONS = positions()


def legend():
    return [{"status": key, "fill": fill, "label": label} for key, (fill, _text, label) in STATUSES.items()]


def render(tiles, *, title="Carte des préfectures par état de labellisation"):
    """The SVG of the map. ``tiles``: {département code: {"status", "label" (accessible name), "url" or None}};
    a département absent from ``tiles`` is drawn as « Préfecture non enregistrée »."""
    width = 13 * (TILE + GAP) + 2 * MARGIN
    height = (OVERSEAS_ROW + 1) * (TILE + GAP) + 2 * MARGIN + 16
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="qp-france-map" viewBox="0 0 {} {}" role="group" '
            'aria-labelledby="qp-map-title"><title id="qp-map-title">{}</title>',
            width,
            height,
            title,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" fill="#3a3a3a">Outre-mer</text>',
            MARGIN,
            MARGIN + OVERSEAS_ROW * (TILE + GAP) + 2,
        ),
    ]
    for code, (row, column) in POSITIONS.items():
        tile = tiles.get(code) or {"status": "absent", "label": f"{code} : préfecture non enregistrée", "url": None}
        fill, text_colour, _legend = STATUSES[tile["status"]]
        x = MARGIN + column * (TILE + GAP)
        y = MARGIN + row * (TILE + GAP) + (12 if row == OVERSEAS_ROW else 0)
        shape = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" stroke="#929292" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="{}" aria-hidden="true">{}</text>',
            x,
            y,
            TILE,
            TILE,
            fill,
            x + TILE / 2,
            y + TILE / 2 + 5,
            text_colour,
            code,
        )
        if tile.get("url"):
            parts.append(
                format_html(
                    '<a href="{}" aria-label="{}" class="qp-map-tile" data-department="{}" data-status="{}">'
                    "<title>{}</title>{}</a>",
                    tile["url"],
                    tile["label"],
                    code,
                    tile["status"],
                    tile["label"],
                    shape,
                )
            )
        else:
            parts.append(
                format_html(
                    '<g role="img" aria-label="{}" class="qp-map-tile" data-department="{}" data-status="{}">'
                    "<title>{}</title>{}</g>",
                    tile["label"],
                    code,
                    tile["status"],
                    tile["label"],
                    shape,
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is format_html
