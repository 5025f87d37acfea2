"""Reference data: Label Marianne, Qualipref and Qualipref 2.0 numérique, from engagements/referentials/*.yaml.

A frozen copy of the loading logic (engagements/importer.py will change; a migration must not). The files are
read when the migration runs: later edits of them do not re-run it, new texts and new versions go through
``manage.py import_referential FILE``, which also validates the file. The tests check that importing the
shipped files after this migration changes nothing.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

FILES = ["marianne.yaml", "qualipref.yaml", "qualipref-2.0.yaml"]
DIRECTORY = Path(__file__).resolve().parent.parent / "referentials"


def _text(data, key):
    return (data.get(key) or "").strip()


def load(apps, schema_editor):
    Referential = apps.get_model("engagements", "Referential")
    Module = apps.get_model("engagements", "Module")
    Engagement = apps.get_model("engagements", "Engagement")
    for name in FILES:
        data = yaml.safe_load((DIRECTORY / name).read_text(encoding="utf-8"))
        referential, _ = Referential.objects.update_or_create(
            code=data["code"],
            version=data["version"],
            defaults={
                "name": data["name"].strip(),
                "published_on": data["published_on"],
                "follow_up_months": data["follow_up_months"],
                "scope": _text(data, "scope"),
                "source": _text(data, "source"),
            },
        )
        for module_data in data["modules"]:
            module, _ = Module.objects.update_or_create(
                referential=referential,
                code=module_data["code"],
                defaults={
                    "number": module_data["number"],
                    "title": module_data["title"].strip(),
                    "mandatory": module_data.get("mandatory", False),
                    "description": _text(module_data, "description"),
                },
            )
            for position, item in enumerate(module_data["engagements"], start=1):
                target = item.get("target") or {}
                Engagement.objects.update_or_create(
                    referential=referential,
                    code=item["code"],
                    defaults={
                        "module": module,
                        "number": item.get("number", position),
                        "title": item["title"].strip(),
                        "text": _text(item, "text"),
                        "kind": item.get("kind", "service"),
                        "reconstructed": item.get("reconstructed", False),
                        "target_indicator": target.get("indicator", ""),
                        "target_comparison": target.get("comparison", ""),
                        "target_value": Decimal(str(target["value"])) if target else None,
                        "target_unit": (target.get("unit") or "").strip(),
                    },
                )


def unload(apps, schema_editor):
    Referential = apps.get_model("engagements", "Referential")
    for name in FILES:
        data = yaml.safe_load((DIRECTORY / name).read_text(encoding="utf-8"))
        for referential in Referential.objects.filter(code=data["code"], version=data["version"]):
            referential.engagements.all().delete()
            referential.modules.all().delete()
            referential.delete()


class Migration(migrations.Migration):
    dependencies = [("engagements", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
