"""Deadline alerts of the audits: the written report, due 15 days after the audit's last day, to the audit's
auditors and the prefecture's quality managers (7 days before, then late); follow-up and renewal audits of a
labelled prefecture (90 and 30 days before, then late) to its quality managers."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Notification
from indicators import alerts
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


def _run(name, today=TODAY):
    return alerts.collect_and_notify(today, collectors={name})[name]


def _told(**filters):
    return sorted(Notification.objects.filter(**filters).values_list("recipient__username", "key"))


@pytest.fixture
def labelling(world):
    return factories.LabellingFactory(prefecture=world.prefecture, audited=True)


def _audit(labelling, *, end_on, auditors=(), **kwargs):
    return factories.AuditFactory(
        labelling=labelling, start_on=end_on - datetime.timedelta(days=2), end_on=end_on, auditors=auditors, **kwargs
    )


def test_a_report_due_within_7_days_alerts_the_auditors_and_the_quality_manager(world, labelling):
    auditor = world.users["auditor"]
    audit = _audit(labelling, end_on=datetime.date(2026, 4, 3), auditors=[auditor], writing=True)  # due on 18/04

    assert _run("audit_reports") == 2

    key = f"audit:{audit.pk}:2026-04-18:report:7d"
    assert _told() == [("auditor", key), ("qm", key)]
    notice = Notification.objects.get(recipient=auditor)
    assert notice.kind == "audit_report_due"
    assert "18/04/2026" in notice.title
    assert notice.url == reverse("audit_detail", kwargs={"pk": audit.pk})


def test_a_late_report_alerts_again_once_however_many_runs(world, labelling):
    audit = _audit(labelling, end_on=datetime.date(2026, 3, 25), auditors=[world.users["auditor"]])  # due on 09/04

    for _ in range(3):
        _run("audit_reports")

    key = f"audit:{audit.pk}:2026-04-09:report:overdue"
    assert _told() == [("auditor", key), ("qm", key)]
    assert Notification.objects.get(recipient__username="qm").kind == "audit_report_late"


def test_no_alert_for_a_delivered_report_or_a_report_not_due_yet(world, labelling):
    _audit(labelling, end_on=datetime.date(2026, 3, 25), auditors=[world.users["auditor"]], delivered=True)
    _audit(labelling, end_on=datetime.date(2026, 4, 10), auditors=[world.users["auditor"]])  # due on 25/04

    assert _run("audit_reports") == 0


def test_other_auditors_and_prefectures_are_not_told(world, labelling):
    other_auditor = factories.MembershipFactory(auditor=True, prefecture=world.foreign_prefecture).user
    factories.AuditFactory(
        labelling=factories.LabellingFactory(prefecture=world.foreign_prefecture, audited=True),
        end_on=datetime.date(2026, 3, 25),
        auditors=[other_auditor],
    )
    _audit(labelling, end_on=datetime.date(2026, 3, 25), auditors=[world.users["auditor"]])

    _run("audit_reports")

    assert {user for user, _ in _told()} == {"auditor", "qm", other_auditor.username, "qm94"}
    assert all(key.startswith(f"audit:{labelling.audits.get().pk}:") for _, key in _told(recipient__username="qm"))
    assert not Notification.objects.filter(recipient__username__in=["referent", "agent", "manager", "national"])


def test_the_audit_collector_costs_the_same_queries_for_one_audit_or_many(
    world, labelling, django_assert_max_num_queries
):
    from indicators.alerts import audits

    _audit(labelling, end_on=datetime.date(2026, 3, 25), auditors=[world.users["auditor"]])
    with django_assert_max_num_queries(3):
        assert len(audits.collect(TODAY)) == 2
    for day in range(10):
        auditor = factories.UserFactory()
        _audit(labelling, end_on=datetime.date(2026, 3, 20) + datetime.timedelta(days=day), auditors=[auditor])
    with django_assert_max_num_queries(3):
        assert len(audits.collect(TODAY)) == 2 + 10 * 2


# --- follow-up and renewal audits of a labelled prefecture -------------------------------------------------


def _granted(world, *, next_audit_due, renewal_due):
    return factories.LabellingFactory(
        prefecture=world.prefecture, granted=True, next_audit_due=next_audit_due, renewal_due=renewal_due
    )


def test_a_follow_up_audit_due_within_90_then_30_days_alerts_the_quality_manager(world):
    labelling = _granted(world, next_audit_due=datetime.date(2026, 6, 1), renewal_due=datetime.date(2028, 11, 27))

    _run("follow_up_audits")
    _run("follow_up_audits")
    _run("follow_up_audits", datetime.date(2026, 5, 10))
    _run("follow_up_audits", datetime.date(2026, 6, 2))

    prefix = f"labelling:{labelling.pk}:next_audit_due:2026-06-01"
    assert _told() == [("qm", f"{prefix}:30d"), ("qm", f"{prefix}:90d"), ("qm", f"{prefix}:overdue")]
    assert Notification.objects.get(key=f"{prefix}:overdue").kind == "follow_up_audit_overdue"


def test_a_renewal_audit_due_alerts_the_quality_manager_only(world):
    labelling = _granted(world, next_audit_due=datetime.date(2027, 6, 1), renewal_due=datetime.date(2026, 5, 1))

    _run("follow_up_audits")

    assert _told() == [("qm", f"labelling:{labelling.pk}:renewal_due:2026-05-01:30d")]


def test_nothing_for_a_cycle_not_labelled_or_far_from_its_audits(world):
    factories.LabellingFactory(prefecture=world.prefecture)  # preparation
    factories.LabellingFactory(
        prefecture=world.foreign_prefecture,
        granted=True,
        next_audit_due=datetime.date(2026, 12, 1),
        renewal_due=datetime.date(2028, 1, 1),
    )

    assert _run("follow_up_audits") == 0


def test_the_follow_up_collector_costs_the_same_queries_for_one_cycle_or_many(world, django_assert_max_num_queries):
    from indicators.alerts import labellings

    _granted(world, next_audit_due=datetime.date(2026, 5, 1), renewal_due=datetime.date(2028, 11, 27))
    with django_assert_max_num_queries(2):
        assert len(labellings.collect(TODAY)) == 1
    for code in ("01", "02", "03", "04", "05"):
        prefecture = factories.PrefectureFactory(department=factories.DepartmentFactory(code=code))
        factories.MembershipFactory(prefecture=prefecture)
        factories.LabellingFactory(
            prefecture=prefecture, granted=True, next_audit_due=TODAY, renewal_due=datetime.date(2026, 5, 1)
        )
    with django_assert_max_num_queries(2):
        assert len(labellings.collect(TODAY)) == 1 + 5 * 2


# The argued response to the findings: due FINDING_RESPONSE_DAYS (30) after the report's delivery.


def _delivered(labelling, delivered_on, *findings):
    audit = _audit(labelling, end_on=delivered_on - datetime.timedelta(days=10), delivered=True)
    audit.report_delivered_on = delivered_on
    audit.save(update_fields=["report_delivered_on"])
    for traits in findings:
        factories.FindingFactory(audit=audit, **traits)
    return audit


def test_findings_waiting_for_a_response_alert_the_quality_manager_7_days_before_then_late(world, labelling):
    audit = _delivered(labelling, datetime.date(2026, 3, 20), {"minor": True}, {"sensitive": True}, {})

    assert _run("finding_responses") == 1  # due on 19/04: 4 days left

    key = f"audit:{audit.pk}:2026-04-19:response:7d"
    assert _told() == [("qm", key)]
    notice = Notification.objects.get()
    assert notice.kind == "finding_response_due"
    assert "19/04/2026" in notice.title and "2 constats" in notice.body  # the strength calls for no response
    assert notice.url == reverse("audit_detail", kwargs={"pk": audit.pk})

    for _ in range(2):
        _run("finding_responses", today=datetime.date(2026, 4, 20))
    assert _told(kind="finding_response_late") == [("qm", f"audit:{audit.pk}:2026-04-19:response:overdue")]


def test_no_response_alert_once_answered_or_too_early_or_without_answerable_findings(world, labelling, settings):
    _delivered(labelling, datetime.date(2026, 3, 20), {"minor": True, "answered": True}, {"improvement": True})
    _delivered(labelling, datetime.date(2026, 4, 1), {"major": True})  # due on 01/05: too early
    assert _run("finding_responses") == 0

    settings.QUALIPREF_FINDING_RESPONSE_ALERT_DAYS = [30]
    assert _run("finding_responses") == 1


def test_the_audit_page_tells_when_the_argued_response_is_expected(client, world, labelling, settings):
    settings.QUALIPREF_FINDING_RESPONSE_DAYS = 45
    audit = _delivered(labelling, datetime.date(2026, 3, 20), {"minor": True})
    client.force_login(world.users["quality_manager"])

    page = client.get(reverse("audit_detail", kwargs={"pk": audit.pk})).content.decode()

    assert "Réponse argumentée attendue le" in page and "04/05/2026" in page
