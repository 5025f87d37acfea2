"""Reference data: the catalogue of indicators, from indicators/catalogue.yaml.

Indicators are matched by their code and never overwritten (their targets are set in the admin afterwards). Only
the fields the model has at this point of the migrations are written, so that later fields of the file do not
break a new database; ``indicators.catalogue.sync`` adds to an existing database the codes it lacks.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "catalogue.yaml"


def load(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    known = {field.name for field in Indicator._meta.get_fields()}
    existing = set(Indicator.objects.values_list("code", flat=True))
    for position, item in enumerate(yaml.safe_load(FILE.read_text(encoding="utf-8")), start=1):
        if item["code"] in existing:
            continue
        fields = {"position": position * 10, **item}
        for name in ("target", "intermediate_target"):
            if fields.get(name) is not None:
                fields[name] = Decimal(str(fields[name]))
        fields["description"] = (fields.get("description") or "").strip()
        Indicator.objects.create(**{name: value for name, value in fields.items() if name in known})


def unload(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    codes = [item["code"] for item in yaml.safe_load(FILE.read_text(encoding="utf-8"))]
    Indicator.objects.filter(code__in=codes, measurements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
