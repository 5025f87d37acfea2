"""The daily job of the deadline alerts of every app (indicators.alerts), 06:30 (Paris), before the digest of the
notifications at 07:00. It collects the complaints and correspondence alerts too (same keys): the complaints' own
job is disabled here, so that one job does it all (enabled again if this migration is reversed)."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, unschedule

ALERTS = "Alertes d'échéance (toutes les applications)"
COMPLAINTS_TASK = "complaints.tasks.send_deadline_alerts"


def create(apps, schema_editor):
    schedule_daily(
        apps,
        name=ALERTS,
        task="indicators.tasks.send_deadline_alerts",
        hour=6,
        minute=30,
        description="Réclamations, courriers, actions, audits, CLU, enquêtes, formations, indicateurs périmés.",
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=COMPLAINTS_TASK).update(enabled=False)


def remove(apps, schema_editor):
    unschedule(apps, name=ALERTS)
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=COMPLAINTS_TASK).update(enabled=True)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_beat_schedules"),
        ("complaints", "0003_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
