"""The rollups of the measurements (issue 14): per indicator, month and prefecture, and nationally, what the
prefecture's and the nation's boards add up (indicators.services.rollups), filled from the stored measurements.
The same SQL as ``rollups.refresh``, written here so that this migration does not depend on the code of later
versions; ``manage.py rebuild_rollups`` does it again at any time."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

PARTS = (
    "COUNT(*), COUNT(numerator), COUNT(denominator), SUM(numerator), SUM(denominator), SUM(value), "
    "SUM(value * denominator)"
)
COLUMNS = (
    "indicator_id, period, prefecture_id, places, counted, weighted, sum_numerator, sum_denominator, sum_value, "
    "sum_weighted, created_at, updated_at"
)


def fill(apps, schema_editor):
    rollup = apps.get_model("indicators", "MeasurementRollup")._meta.db_table
    measurement = apps.get_model("indicators", "Measurement")._meta.db_table
    now = timezone.now()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {rollup} ({COLUMNS}) SELECT indicator_id, period, prefecture_id, {PARTS}, %s, %s "
            f"FROM {measurement} GROUP BY indicator_id, period, prefecture_id",
            [now, now],
        )
        cursor.execute(
            f"INSERT INTO {rollup} ({COLUMNS}) SELECT indicator_id, period, NULL, SUM(places), SUM(counted), "
            "SUM(weighted), SUM(sum_numerator), SUM(sum_denominator), SUM(sum_value), SUM(sum_weighted), %s, %s "
            f"FROM {rollup} WHERE prefecture_id IS NOT NULL GROUP BY indicator_id, period",
            [now, now],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0008_dashboard_pdf_prefecture_site"),
        ("sites", "0002_departments"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeasurementRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("period", models.DateField(verbose_name="mois")),
                (
                    "places",
                    models.PositiveIntegerField(
                        help_text="Les mesures additionnées (sites, préfecture).", verbose_name="mesures"
                    ),
                ),
                ("counted", models.PositiveIntegerField(verbose_name="mesures avec numérateur")),
                ("weighted", models.PositiveIntegerField(verbose_name="mesures avec dénominateur ou effectif")),
                ("sum_numerator", models.BigIntegerField(null=True, verbose_name="somme des numérateurs")),
                ("sum_denominator", models.BigIntegerField(null=True, verbose_name="somme des dénominateurs")),
                ("sum_value", models.DecimalField(decimal_places=2, max_digits=24, verbose_name="somme des valeurs")),
                (
                    "sum_weighted",
                    models.DecimalField(
                        decimal_places=2, max_digits=30, null=True, verbose_name="somme des valeurs × effectifs"
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="indicators.indicator",
                        verbose_name="indicateur",
                    ),
                ),
                (
                    "prefecture",
                    models.ForeignKey(
                        blank=True,
                        help_text="Vide : la somme nationale.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sites.prefecture",
                        verbose_name="préfecture",
                    ),
                ),
            ],
            options={
                "verbose_name": "agrégat de mesures",
                "verbose_name_plural": "agrégats de mesures",
                "indexes": [models.Index(fields=["indicator", "period"], name="rollup_indicator_period_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("prefecture__isnull", False)),
                        fields=("prefecture", "indicator", "period"),
                        name="rollup_unique_prefecture",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("prefecture__isnull", True)),
                        fields=("indicator", "period"),
                        name="rollup_unique_national",
                    ),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
