"""The relay of the outbox, every minute (django-celery-beat, editable in the admin): stale work items re-queued or
failed, tasks the broker did not take sent (qualipref.outbox)."""

from django.db import migrations

from qualipref.lib.beat import schedule_every, unschedule

NAME = "Outbox : envoi des tâches en attente et relance des traitements en souffrance"


def create(apps, schema_editor):
    schedule_every(
        apps,
        name=NAME,
        task="qualipref.tasks.relay_outbox",
        minutes=1,
        description="Remet au broker les tâches qu'il n'a pas acceptées ; relance ou clôt en échec les rapports et "
        "imports restés en attente ou en cours au-delà de WORK_STALE_MINUTES.",
    )


def remove(apps, schema_editor):
    unschedule(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("qualipref", "0002_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
