"""Periodic computation of the computed indicators, editable in the admin (django-celery-beat): the nightly full run
(02:30, Paris) and the incremental run every 10 minutes (it also runs after each write to a source, on commit)."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, schedule_every, unschedule

FULL = "Indicateurs : calcul complet (nuit)"
CHANGES = "Indicateurs : calcul des modifications récentes"


def create(apps, schema_editor):
    schedule_daily(
        apps,
        name=FULL,
        task="indicators.tasks.compute_all",
        hour=2,
        minute=30,
        description="Tous les indicateurs calculés, tous les mois depuis les plus anciennes données.",
    )
    schedule_every(
        apps,
        name=CHANGES,
        task="indicators.tasks.compute_changes",
        minutes=10,
        description="Les mois et préfectures touchés par les écritures depuis le dernier calcul.",
    )


def remove(apps, schema_editor):
    unschedule(apps, name=FULL)
    unschedule(apps, name=CHANGES)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_catalogue"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
