"""The national map: the départements of France with the overseas ones and Paris' small départements as insets,
drawn as server-side SVG (no JavaScript: the same picture goes into pages and PDFs). A labelled prefecture has the
colour of its label and version (référentiel), hatched in red when its follow-up audit is late; the others the
colour of their state (labelling in progress, refused, none). Each département is a link with an accessible name
(département, label and version, next follow-up due, open non-conformities) and a ``<title>`` shown on hover;
keyboard focus is drawn by the map's own style. The page gives the same data as a table.

The shapes are those of pygal-maps-fr (docs/architecture.md, § Conventions): only its data file ``fr.departments.svg``
is read, through importlib.resources, because its Python code does not import with pygal 3 (``from
pygal._compat import u``). The file is parsed once: each path is turned into absolute points rounded to whole
units of its 2000-wide viewBox, curves replaced by their end points (600 kB of shapes become about 60 kB, a
difference under half a pixel at the size shown). Collectivités without a shape in the package (Saint-Barthélemy,
Saint-Martin, Wallis-et-Futuna, Polynésie, Nouvelle-Calédonie) are drawn as squares with their code, in a row.
"""

import functools
import importlib.resources
import re
import xml.etree.ElementTree as ET

from django.utils.html import format_html
from django.utils.safestring import mark_safe

SVG_NS = "{http://www.w3.org/2000/svg}"
WIDTH, HEIGHT = 2000, 1898

# Map statuses: (fill colour, text colour, legend). Colours of the DSFR palette, text contrast >= 4.5:1.
STATUSES = {
    "labelled": ("#18753c", "#ffffff", "Labellisée"),
    "late": ("#ce0500", "#ffffff", "Labellisée, audit de suivi en retard"),
    "in_progress": ("#000091", "#ffffff", "Labellisation en cours"),
    "refused": ("#b34000", "#ffffff", "Décision défavorable"),
    "none": ("#e5e5e5", "#161616", "Sans cycle de labellisation"),
    "absent": ("#ffffff", "#666666", "Préfecture non enregistrée"),
}

# Labelled prefectures: one colour per référentiel (label and version), given in the référentiels' order. White
# text on each has a contrast >= 4.5:1; none is the blue of « en cours » or the orange of « refusée ».
LABEL_PALETTE = ("#18753c", "#a558a0", "#006a6f", "#8d533e", "#66673d", "#6e445a")
LABELLED = ("labelled", "late")
# Late follow-up audits: red stripes over the colour of the label (one pattern per colour, so each département
# stays one path).
LATE_PATTERN = (
    '<pattern id="{}" width="28" height="28" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="28" height="28" fill="{}"/><rect width="9" height="28" fill="#ce0500"/></pattern>'
)

# Overseas collectivités the package has no shape for: a square each, in a row under the map.
SQUARES = ("977", "978", "986", "987", "988")
SQUARE, SQUARE_GAP = 90, 14
SQUARES_X, SQUARES_Y = 60, 1740

# Frames around the insets: (x, y, width, height, caption)
INSET_FRAMES = (
    (1600, 20, 370, 380, "Paris et petite couronne"),
    (20, 270, 280, 1340, "Outre-mer"),
    (1710, 760, 270, 490, ""),
)

STYLE = (
    ".qp-france-map path{stroke:#ffffff;stroke-width:2;stroke-linejoin:round}"
    ".qp-france-map a:hover path{stroke:#161616;stroke-width:5}"
    ".qp-france-map a:focus{outline:none}"
    ".qp-france-map a:focus path{stroke:#0a76f6;stroke-width:9}"
    ".qp-france-map [data-status=absent] path{stroke:#929292}"
    ".qp-france-map .qp-map-frame{fill:none;stroke:#929292;stroke-width:2}"
    # WeasyPrint's SVG text inherits nothing from the page: without it, the PDF's map is in DejaVu
    ".qp-france-map text{font-family:Marianne,Arial,sans-serif}"
)

_TOKEN = re.compile(r"[MmLlCcZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _points(d, dx=0.0, dy=0.0):
    """The subpaths of an SVG path (commands M, L, C, Z, absolute or relative) as lists of absolute end points."""
    subpaths, current = [], None
    x = y = start_x = start_y = 0.0
    command = None
    tokens = _TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in "MmLlCcZz":
            command, i = token, i + 1
            if command in "Zz":  # back to the start of the subpath: a relative moveto starts from there
                current, x, y = None, start_x, start_y
            continue
        size = 6 if command in "Cc" else 2
        values = [float(value) for value in tokens[i : i + size]]
        i += size
        end_x, end_y = values[-2], values[-1]
        if command.islower():
            end_x, end_y = end_x + x, end_y + y
        x, y = end_x, end_y
        if command in "Mm" or current is None:
            current = []
            subpaths.append(current)
            start_x, start_y = x, y
            if command in "Mm":  # pairs after a moveto are linetos
                command = "l" if command == "m" else "L"
        current.append((x + dx, y + dy))
    return subpaths


def _compact(subpaths):
    """A short path: rounded absolute start, then relative whole-unit steps (no repeated point)."""
    parts = []
    for points in subpaths:
        cx, cy = round(points[0][0]), round(points[0][1])
        steps = []
        for px, py in points[1:]:
            nx, ny = round(px), round(py)
            if (nx, ny) != (cx, cy):
                steps.append(f"{nx - cx} {ny - cy}")
                cx, cy = nx, ny
        if steps:
            parts.append(f"M{round(points[0][0])} {round(points[0][1])}l" + " ".join(steps) + "z")
    return "".join(parts).replace(" -", "-")


def _translation(element):
    match = re.fullmatch(r"\s*translate\(\s*([-\d.eE]+)[ ,]+([-\d.eE]+)\s*\)\s*", element.get("transform", ""))
    return (float(match[1]), float(match[2])) if match else (0.0, 0.0)


@functools.lru_cache(maxsize=1)
def shapes():
    """{"metropole": [(code, d)], "paris": [(code, d)], "overseas": [(code, d)]} from pygal-maps-fr's data file."""
    source = importlib.resources.files("pygal_maps_fr") / "fr.departments.svg"
    root = ET.fromstring(source.read_bytes())  # noqa: S314 - a file of an installed package, not user input
    groups = {"departements": "metropole", "paris-petite-couronne": "paris", "dom-com": "overseas"}
    result = {name: [] for name in groups.values()}
    for group in root.findall(f"{SVG_NS}g"):
        dx, dy = _translation(group)
        for department in group.findall(f"{SVG_NS}g"):
            code = department.get("class", "").split()[0].removeprefix("z")
            d = "".join(_compact(_points(path.get("d"), dx, dy)) for path in department.iter(f"{SVG_NS}path"))
            # numbers and path commands only: safe as it is, not escaped again on each rendering
            result[groups[group.get("id")]].append((code, mark_safe(d)))  # noqa: S308
    return result


def codes():
    """Every département code the map draws (once each: Paris' small départements are links in their inset)."""
    drawn = shapes()
    return tuple(code for name in ("metropole", "overseas") for code, _d in drawn[name]) + SQUARES


CODES = codes()


def legend():
    """The states; labelled ones have the colour of their label (``label_colours``), late ones are hatched."""
    return [
        {"status": key, "fill": None if key in LABELLED else fill, "label": label, "hatched": key == "late"}
        for key, (fill, _text, label) in STATUSES.items()
    ]


def label_colours(referentials):
    """{référentiel id: colour} of the référentiels given, in their order (more than the palette: colours repeat)."""
    return {referential.pk: LABEL_PALETTE[index % len(LABEL_PALETTE)] for index, referential in enumerate(referentials)}


def _fill(tile):
    return tile.get("fill") or STATUSES[tile["status"]][0]


def _late_pattern(fill):
    return f"qp-late-{fill.removeprefix('#')}"


def _path(tile, d):
    """A département in the colour of its label or state; a late follow-up is striped in red over that colour."""
    fill = _fill(tile)
    if tile["status"] == "late":
        fill = f"url(#{_late_pattern(fill)})"
    return format_html('<path fill="{}" d="{}"/>', fill, d)


def _absent(code):
    return {"status": "absent", "label": f"{code} : préfecture non enregistrée", "url": None}


def _element(tile, code, shape):
    """The shape of a département: a link when its prefecture's dashboard may be opened, an image otherwise."""
    if tile.get("url"):
        return format_html(
            '<a href="{}" aria-label="{}" class="qp-map-tile" data-department="{}" data-status="{}">'
            "<title>{}</title>{}</a>",
            tile["url"],
            tile["label"],
            code,
            tile["status"],
            tile["label"],
            shape,
        )
    return format_html(
        '<g role="img" aria-label="{}" class="qp-map-tile" data-department="{}" data-status="{}">'
        "<title>{}</title>{}</g>",
        tile["label"],
        code,
        tile["status"],
        tile["label"],
        shape,
    )


@functools.cache
def _drawn_absent(code, d, hidden):
    """A département whose prefecture is not registered: the same in every map, drawn once per process."""
    tile = _absent(code)
    if hidden:
        return format_html('<g aria-hidden="true" data-status="{}">{}</g>', tile["status"], _path(tile, d))
    return _element(tile, code, _path(tile, d))


def _drawn(tiles, code, d, *, hidden=False):
    """A département of the map; ``hidden``: drawn for the picture only (reachable in an inset)."""
    tile = tiles.get(code)
    if tile is None:
        return _drawn_absent(code, d, hidden)
    if hidden:
        return format_html('<g aria-hidden="true" data-status="{}">{}</g>', tile["status"], _path(tile, d))
    return _element(tile, code, _path(tile, d))


def render(tiles, *, title="Carte des préfectures par état de labellisation"):
    """The SVG of the map. ``tiles``: {département code: {"status", "label" (accessible name), "url" or None,
    "fill" (optional: the colour of its label)}}; a département absent from ``tiles`` is drawn as « Préfecture non
    enregistrée »."""
    drawn = shapes()
    inset = {code for code, _d in drawn["paris"]}
    late_fills = sorted({_fill(tile) for tile in tiles.values() if tile["status"] == "late"})
    patterns = (format_html(LATE_PATTERN, _late_pattern(fill), fill) for fill in late_fills)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="qp-france-map" viewBox="0 0 {} {}" role="group" '
            'aria-labelledby="qp-map-title"><title id="qp-map-title">{}</title><style>{}</style><defs>{}</defs>',
            WIDTH,
            HEIGHT,
            title,
            STYLE,
            mark_safe("".join(patterns)),  # noqa: S308 - format_html
        )
    ]
    for x, y, width, height, caption in INSET_FRAMES:
        parts.append(
            format_html('<rect class="qp-map-frame" x="{}" y="{}" width="{}" height="{}"/>', x, y, width, height)
        )
        if caption:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="26" fill="#3a3a3a">{}</text>', x + 8, y + height + 28, caption
                )
            )
    for code, d in drawn["metropole"]:  # Paris' small départements: too small to point at here, reachable in the inset
        parts.append(_drawn(tiles, code, d, hidden=code in inset))
    for code, d in drawn["paris"] + drawn["overseas"]:
        parts.append(_drawn(tiles, code, d))
    parts.append(
        format_html(
            '<text x="{}" y="{}" font-size="26" fill="#3a3a3a">Autres collectivités d’outre-mer</text>',
            SQUARES_X,
            SQUARES_Y - 14,
        )
    )
    for index, code in enumerate(SQUARES):
        tile = tiles.get(code) or _absent(code)
        x = SQUARES_X + index * (SQUARE + SQUARE_GAP)
        shape = format_html(
            '{}<text x="{}" y="{}" font-size="30" font-weight="bold" text-anchor="middle" fill="{}" '
            'aria-hidden="true">{}</text>',
            _path(tile, f"M{x} {SQUARES_Y}h{SQUARE}v{SQUARE}h-{SQUARE}z"),
            x + SQUARE / 2,
            SQUARES_Y + SQUARE / 2 + 10,
            STATUSES[tile["status"]][1],
            code,
        )
        parts.append(_element(tile, code, shape))
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is format_html
