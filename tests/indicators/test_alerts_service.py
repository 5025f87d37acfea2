"""The one daily job of the deadline alerts (indicators.tasks.send_deadline_alerts): every source's collector, each
delivered on its own, so that a run that stops half-way loses nothing (the next one writes the rest) and a second
run adds nothing; it is the only alerts job scheduled (the complaints' own one is gone)."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from accounts.models import Notification
from engagements.models import QualityDocument, TrainingKind, TrainingSession
from indicators import alerts, tasks
from planning.models import PlannedItem
from qualipref.celery import app
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


@pytest.fixture
def due_everywhere(world):
    """Something due in each source for the world's people."""
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    factories.ActionFactory(plan=plan, site=world.site, due_on=TODAY - datetime.timedelta(days=1))
    labelling = factories.LabellingFactory(
        prefecture=world.prefecture,
        granted=True,
        next_audit_due=TODAY - datetime.timedelta(days=1),
        renewal_due=datetime.date(2028, 1, 1),
    )
    factories.AuditFactory(
        labelling=labelling,
        kind="follow_up",
        start_on=datetime.date(2026, 3, 23),
        end_on=datetime.date(2026, 3, 25),
        auditors=[world.users["auditor"]],
    )
    factories.FindingFactory(
        audit=factories.AuditFactory(
            labelling=labelling,
            kind="follow_up",
            start_on=datetime.date(2026, 2, 9),
            end_on=datetime.date(2026, 2, 11),
            delivered=True,
            report_delivered_on=datetime.date(2026, 2, 20),
        ),
        minor=True,
    )  # the argued response was due 30 days after the report, on 22/03
    factories.ComplaintFactory(
        site=world.site, received_on=datetime.date(2026, 3, 2), in_progress=True, assigned_to=world.users["agent"]
    )
    document = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=world.users["quality_manager"])
    version = factories.DocumentVersionFactory(
        document=document, status="approved", approved_at=datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC)
    )
    QualityDocument.objects.filter(pk=document.pk).update(
        current_version=version, review_due_on=TODAY - datetime.timedelta(days=1)
    )
    PlannedItem.objects.create(
        prefecture=world.prefecture,
        site=world.site,
        year=2026,
        kind="self_assessment",
        title="Autoévaluation T1 2026",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        slot="self_assessment:test",
    )
    # the crisis cell's roster: covered until 20/04, then nobody on call
    factories.OnCallShiftFactory(
        prefecture=world.prefecture,
        starts_at=factories.paris(2026, 4, 1, 9),
        ends_at=factories.paris(2026, 4, 20, 9),
    )
    # a reception session in 5 days with nobody enrolled (2 needed)
    TrainingSession.objects.create(
        site=world.site,
        course="Accueil du public",
        kind=TrainingKind.RECEPTION,
        starts_at=factories.paris(2026, 4, 20, 9),
        ends_at=factories.paris(2026, 4, 20, 12),
        place="Salle Puget",
        capacity=10,
        min_enrolled=2,
    )
    return world


def _all():
    return set(Notification.objects.values_list("recipient_id", "key"))


def test_one_run_notifies_every_source_and_a_second_run_adds_nothing(due_everywhere):
    offered = alerts.collect_and_notify(TODAY)

    assert set(offered) == set(alerts.COLLECTORS)
    assert all(offered[name] for name in alerts.COLLECTORS), offered
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "complaint_overdue",
        "action_overdue",
        "audit_report_late",
        "finding_response_late",
        "follow_up_audit_overdue",
        "yearly_clu_overdue",
        "yearly_survey_overdue",
        "training_overdue",
        "document_review_overdue",
        "indicator_stale",
        "programme_item_overdue",
        "on_call_gap",
    } <= kinds
    before = _all()

    alerts.collect_and_notify(TODAY)

    assert _all() == before
    assert len(before) == Notification.objects.count()


def test_a_run_that_stops_half_way_loses_nothing_the_next_run_writes_the_rest(due_everywhere, monkeypatch, caplog):
    alerts.collect_and_notify(TODAY)
    expected = _all()
    Notification.objects.all().delete()

    def killed(today):
        raise RuntimeError("worker killed")

    monkeypatch.setitem(alerts.COLLECTORS, "audit_reports", killed)
    offered = alerts.collect_and_notify(TODAY)

    assert offered["audit_reports"] is None
    assert offered["trainings"] and offered["stale_indicators"]  # the sources after it were delivered
    assert "audit_reports" in caplog.text
    assert not Notification.objects.filter(kind__startswith="audit_report")

    monkeypatch.undo()
    alerts.collect_and_notify(TODAY)

    assert _all() == expected


def test_the_unread_counter_of_the_recipients_is_up_to_date(due_everywhere):
    alerts.collect_and_notify(TODAY)

    for user in due_everywhere.users.values():
        if user is not None:
            user.refresh_from_db()
            assert user.unread_notifications == Notification.objects.filter(recipient=user).count()


def test_the_task_runs_the_job_for_today(due_everywhere, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)

    offered = tasks.send_deadline_alerts.apply().get()

    assert offered["actions"] == 1
    assert Notification.objects.filter(kind="action_overdue").exists()


def test_the_job_is_scheduled_daily_at_6_30_before_the_digest_and_is_the_only_alerts_job():
    app.loader.import_default_modules()
    job = PeriodicTask.objects.select_related("crontab").get(task="indicators.tasks.send_deadline_alerts")

    assert "indicators.tasks.send_deadline_alerts" in app.tasks
    assert job.enabled
    assert (job.crontab.hour, job.crontab.minute, str(job.crontab.timezone)) == ("6", "30", "Europe/Paris")
    assert not PeriodicTask.objects.filter(task__endswith="send_deadline_alerts").exclude(pk=job.pk).exists()
