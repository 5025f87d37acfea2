"""The complaints' own job of deadline alerts, disabled by 0004 since indicators.tasks.send_deadline_alerts sends
them, is deleted along with its task (complaints.tasks.send_deadline_alerts no longer exists): beat must not keep
a schedule naming a task the worker does not know. Reversed, the schedule comes back disabled, as 0004 left it."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, unschedule

NAME = "Alertes d'échéance des réclamations et des courriers"  # complaints/migrations/0003_beat_schedules.py
TASK = "complaints.tasks.send_deadline_alerts"


def drop(apps, schema_editor):
    unschedule(apps, name=NAME)
    # By its task too, in case an administrator renamed it in the admin.
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


def restore(apps, schema_editor):
    schedule_daily(apps, name=NAME, task=TASK, hour=6, minute=30)
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).update(enabled=False)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_deadline_alerts_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(drop, restore)]
