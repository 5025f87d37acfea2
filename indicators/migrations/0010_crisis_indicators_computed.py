"""The crisis cell's indicators are computed from its registers (crisis/): the on-call roster gives
``phone_on_call_coverage_rate``, the events and exercises log gives ``crisis_cell_activation_minutes``. Measurements
typed in before stay (a computation never touches a measurement it did not write, indicators.services.compute)."""

from django.db import migrations

CODES = ("phone_on_call_coverage_rate", "crisis_cell_activation_minutes")


def computed(apps, schema_editor):
    apps.get_model("indicators", "Indicator").objects.filter(code__in=CODES).update(source="computed")


def entered(apps, schema_editor):
    apps.get_model("indicators", "Indicator").objects.filter(code__in=CODES).update(source="entered")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_measurement_rollups")]

    operations = [migrations.RunPython(computed, entered)]
