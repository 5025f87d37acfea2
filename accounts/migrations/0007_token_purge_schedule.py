"""The nightly deletion of the expired API tokens (03:00, Paris), editable in the admin (django-celery-beat)."""

from django.db import migrations

from qualipref.lib.beat import schedule_daily, unschedule

NAME = "Suppression des jetons d'API expirés"


def create(apps, schema_editor):
    schedule_daily(apps, name=NAME, task="accounts.tasks.purge_expired_tokens", hour=3, minute=0)


def remove(apps, schema_editor):
    unschedule(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_convert_clear_tokens"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
