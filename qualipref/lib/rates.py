"""The percentages of the registers, the survey results and the reviews: one rounding rule for all of them."""


def percent(part, whole):
    """``part`` out of ``whole`` as a percentage with one decimal (87.5); None when ``whole`` is 0 (nothing to
    measure)."""
    return round(100 * part / whole, 1) if whole else None
