"""The shipped catalogue of indicators (indicators/catalogue.yaml): read, checked, and added to the database.

Indicators are matched by their code. ``sync`` creates the missing ones and leaves the existing ones alone: their
targets belong to the national administrators (admin), not to the file. The migration 0002 loads the file into a
new database; ``sync`` puts back what a flush removed (browser tests) and brings new codes to existing databases.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.yaml"
DEFAULTS = {
    "description": "",
    "target": None,
    "intermediate_target": None,
    "frequency": "monthly",
    "level": "site",
    "freshness_days": 45,
}
REQUIRED = ("code", "name", "short_name", "theme", "unit", "comparison", "source")
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class CatalogueError(Exception):
    pass


def read(path=CATALOGUE_FILE):
    """The indicators of the file, as field dicts in file order (``position`` from the order)."""
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise CatalogueError("Le catalogue doit être une liste d'indicateurs.")
    rows, seen = [], set()
    for position, item in enumerate(items, start=1):
        missing = [key for key in REQUIRED if not item.get(key)]
        if missing:
            raise CatalogueError(f"Indicateur n° {position} : clé(s) manquante(s) : {', '.join(missing)}.")
        code = item["code"]
        if not set(code) <= CODE_CHARS or not code[0].isalpha():
            raise CatalogueError(f"Code d'indicateur invalide : {code!r} (minuscules, chiffres et _).")
        if code in seen:
            raise CatalogueError(f"Code d'indicateur en double : {code}.")
        seen.add(code)
        fields = {**DEFAULTS, **item, "position": position * 10}
        for name in ("target", "intermediate_target"):
            if fields[name] is not None:
                fields[name] = Decimal(str(fields[name]))
        fields["description"] = (fields["description"] or "").strip()
        rows.append(fields)
    return rows


def sync(indicator_model=None, *, path=CATALOGUE_FILE):
    """Create the indicators of the file that the database lacks; return the codes created.

    ``indicator_model``: the historical model in a migration (only the fields it knows are written).
    """
    if indicator_model is None:
        from indicators.models import Indicator as indicator_model
    known = {field.name for field in indicator_model._meta.get_fields()}
    rows = read(path)
    with transaction.atomic():
        existing = set(indicator_model.objects.values_list("code", flat=True))
        missing = [row for row in rows if row["code"] not in existing]
        indicator_model.objects.bulk_create(
            indicator_model(**{name: value for name, value in row.items() if name in known}) for row in missing
        )
    return [row["code"] for row in missing]
