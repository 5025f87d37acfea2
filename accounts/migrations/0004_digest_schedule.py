"""The daily e-mail digest of the notifications (07:00, Paris), editable in the admin (django-celery-beat)."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, unschedule

NAME = "Résumé quotidien des notifications par courriel"


def create(apps, schema_editor):
    schedule_daily(apps, name=NAME, task="accounts.tasks.send_notification_digests", hour=7, minute=0)


def remove(apps, schema_editor):
    unschedule(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
