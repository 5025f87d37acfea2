"""Schedules of the periodic tasks (django-celery-beat), created by data migrations (imports no app).

Beat reads its schedules from the database (settings.CELERY_BEAT_SCHEDULER): national administrators can change
an hour or disable a task in the admin, and their change survives restarts and new versions, because a schedule
is created once, by the migration of the app that owns the task, and never overwritten afterwards:

    from qualipref.lib.beat import schedule_daily, unschedule

    def create(apps, schema_editor):
        schedule_daily(apps, name="Alertes d'échéance des audits", task="audits.tasks.send_deadline_alerts",
                       hour=6, minute=15)

    operations = [migrations.RunPython(create, lambda apps, se: unschedule(apps, name="Alertes ..."))]

with ``("django_celery_beat", "0019_alter_periodictasks_options")`` in the migration's dependencies. Hours are
those of Paris. Alert jobs run before the e-mail digest of the notifications (07:00).
"""

TIMEZONE = "Europe/Paris"


def schedule_daily(apps, *, name, task, hour, minute=0, description=""):
    """Create the daily schedule ``name`` of ``task`` at hour:minute (Paris), unless it exists already."""
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = crontab_model.objects.get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIMEZONE,
    )
    task_model.objects.get_or_create(
        name=name, defaults={"task": task, "crontab": crontab, "description": description, "enabled": True}
    )


def unschedule(apps, *, name):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()


def schedule_every(apps, *, name, task, minutes, description=""):
    """Create the schedule ``name`` of ``task`` every ``minutes`` minutes, unless it exists already."""
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = interval_model.objects.get_or_create(every=minutes, period="minutes")
    task_model.objects.get_or_create(
        name=name, defaults={"task": task, "interval": interval, "description": description, "enabled": True}
    )
