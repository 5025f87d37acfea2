"""Daily jobs of the complaints app (Paris time), editable in the admin (django-celery-beat): the retention of
personal data at 03:30, the deadline alerts at 06:30 (before the digest of the notifications at 07:00)."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, unschedule

RETENTION = "Anonymisation des données personnelles expirées (réclamations, courriers)"
ALERTS = "Alertes d'échéance des réclamations et des courriers"


def create(apps, schema_editor):
    schedule_daily(apps, name=RETENTION, task="complaints.tasks.enforce_retention", hour=3, minute=30)
    schedule_daily(apps, name=ALERTS, task="complaints.tasks.send_deadline_alerts", hour=6, minute=30)


def remove(apps, schema_editor):
    unschedule(apps, name=RETENTION)
    unschedule(apps, name=ALERTS)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_correspondence"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
