"""The prefectures' mailboxes read every 5 minutes (complaints.tasks.read_mailboxes), editable in the admin."""

from django.db import migrations

from qualipref.lib.beat import schedule_every, unschedule

NAME = "Relève des boîtes aux lettres des préfectures (courriels reçus)"


def create(apps, schema_editor):
    schedule_every(apps, name=NAME, task="complaints.tasks.read_mailboxes", minutes=5)


def remove(apps, schema_editor):
    unschedule(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_inbound_messages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
