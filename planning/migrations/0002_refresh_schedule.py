"""The daily sweep of the programme (planning.tasks.refresh_programmes), 06:00 (Paris): every prefecture's programme
of the year rebuilt and linked to what was recorded, before the deadline alerts (06:30) read its late items."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, unschedule

NAME = "Programme qualité : construction de l'année et rapprochement des réalisations"


def create(apps, schema_editor):
    schedule_daily(
        apps,
        name=NAME,
        task="planning.tasks.refresh_programmes",
        hour=6,
        minute=0,
        description="Programme de l'année (et de la suivante à partir d'octobre) ; réunions, audits, enquêtes et "
        "autoévaluations rattachés aux éléments prévus.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_programme"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, lambda apps, schema_editor: unschedule(apps, name=NAME))]
