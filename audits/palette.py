"""One colour per finding category and per grid result, the same everywhere in the audit report: the bars of both
charts, the findings' borders and badges, the grid's cells. A minor non-conformity is the same red whether it is a
finding or a result of the grid (their values share a name: ``minor_nonconformity``, ``major_nonconformity``).

Colours of the Système de design de l'État (qualipref.lib.charts), by increasing severity.
"""

from qualipref.lib import charts

COLOURS = {
    # finding categories (Finding.Category)
    "strength": charts.GREEN,
    "improvement": charts.BLUE,
    "sensitive_point": charts.ORANGE,
    "minor_nonconformity": charts.RED,
    "major_nonconformity": charts.PURPLE,
    # grid results (Assessment.Result) beyond the shared non-conformities
    "compliant": charts.GREEN,
    "not_applicable": charts.GREY,
    "not_assessed": charts.LIGHT_GREY,
}
# Text on a light background for the badges and grid cells: the colour at 12 % (8-digit hex, read by WeasyPrint).
TINT = "1f"


def colour(value):
    return COLOURS[str(value)]
