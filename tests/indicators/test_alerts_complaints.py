"""Deadline alerts of complaints and correspondence (indicators.alerts.complaints): at 60 % and 90 % of the delay
(in working days) and once overdue, to the assignee and the site's referents; running the job twice notifies nobody
twice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from complaints.correspondence import services as correspondence_services
from indicators import alerts as every_alert
from indicators.alerts import complaints as alerts
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)  # a complaint received then is due on Monday 23 March (15 working days)


def _send(today):
    """The daily job, this source only: how many notices it offered."""
    return every_alert.collect_and_notify(today, collectors={"complaints"})["complaints"]


def _inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("key", "kind", "title"))


@pytest.fixture
def complaint(world):
    return factories.ComplaintFactory(
        site=world.site, received_on=MONDAY, in_progress=True, assigned_to=world.users["agent"], with_requester=True
    )


def test_nothing_before_60_percent_of_the_delay(world, complaint):
    assert _send(datetime.date(2026, 3, 12)) == 0  # 8 of 15 working days
    assert not Notification.objects.exists()


def test_at_60_percent_the_assignee_and_the_sites_referents_are_notified(world, complaint):
    _send(datetime.date(2026, 3, 13))  # 9 of 15 working days: 6 left

    expected = [
        (
            f"complaint:{complaint.pk}:2026-03-23:60",
            "complaint_deadline",
            f"Réclamation {complaint.reference} : réponse attendue le 23/03/2026 (plus que 6 jours ouvrés)",
        )
    ]
    assert _inbox(world.users["agent"]) == expected
    assert _inbox(world.users["site_referent"]) == expected
    assert _inbox(world.users["quality_manager"]) == []  # the site has people for it
    notification = Notification.objects.get(recipient=world.users["agent"])
    assert notification.url == f"/reclamations/{complaint.pk}/"
    assert notification.due_on == datetime.date(2026, 3, 23)
    assert notification.body == (
        f"{world.site.name}, reçue le 02/03/2026. 60 % du délai de 15 jours ouvrés est écoulé."
    )


def test_running_twice_or_every_day_notifies_each_stage_once(world, complaint):
    for day in (13, 13, 16, 17, 18, 19, 20, 20, 23, 24, 25):
        _send(datetime.date(2026, 3, day))

    assert [key.rsplit(":", 1)[1] for key, _, _ in _inbox(world.users["agent"])] == ["60", "90", "overdue"]
    overdue = Notification.objects.get(recipient=world.users["agent"], key__endswith="overdue")
    assert overdue.kind == "complaint_overdue"
    assert overdue.title == f"Réclamation {complaint.reference} en retard : réponse attendue le 23/03/2026"


def test_only_the_furthest_stage_is_notified_when_the_job_did_not_run_for_days(world, complaint):
    _send(datetime.date(2026, 3, 20))  # 14 of 15 working days

    assert [key for key, _, _ in _inbox(world.users["agent"])] == [f"complaint:{complaint.pk}:2026-03-23:90"]
    assert "(plus que 1 jour ouvré)" in _inbox(world.users["agent"])[0][2]


def test_the_last_day_says_so(world, complaint):
    _send(datetime.date(2026, 3, 23))

    assert _inbox(world.users["agent"])[0][2].endswith("(dernier jour)")


def test_answered_items_and_items_overdue_for_long_are_left_alone(world, complaint):
    factories.ComplaintFactory(site=world.site, received_on=MONDAY, answered=True)
    factories.ComplaintFactory(site=world.site, received_on=datetime.date(2026, 1, 5))  # due 26/01, 2 months ago

    _send(datetime.date(2026, 3, 24))

    assert [key.split(":")[1] for key, _, _ in _inbox(world.users["site_referent"])] == [str(complaint.pk)]


def test_without_assignee_nor_referent_the_quality_managers_are_notified(world):
    item = factories.ComplaintFactory(site=world.sister_site, received_on=MONDAY)

    _send(datetime.date(2026, 3, 24))

    assert [key for key, _, _ in _inbox(world.users["quality_manager"])] == [f"complaint:{item.pk}:2026-03-23:overdue"]
    assert not Notification.objects.exclude(recipient=world.users["quality_manager"]).exists()


def test_inactive_assignees_and_ended_memberships_are_not_notified(world, complaint):
    agent = world.users["agent"]
    agent.is_active = False
    agent.save()
    membership = world.memberships["site_referent"]
    membership.valid_until = datetime.date(2026, 3, 1)
    membership.save()

    _send(datetime.date(2026, 3, 24))

    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"qm"}


def test_correspondence_alerts_follow_its_own_delay(world):
    email = factories.CorrespondenceFactory(
        site=world.site, email=True, received_on=MONDAY, reference="CHR-9", sender="Mme Amina Benali"
    )
    assert email.due_on == datetime.date(2026, 3, 9)

    _send(datetime.date(2026, 3, 5))  # 3 of 5 working days

    (notification,) = Notification.objects.filter(recipient=world.users["site_referent"])
    assert notification.key == f"correspondence:{email.pk}:2026-03-09:60"
    assert notification.kind == "correspondence_deadline"
    assert notification.title == "Courriel CHR-9 : réponse attendue le 09/03/2026 (plus que 2 jours ouvrés)"
    assert notification.url == f"/courriers/{email.pk}/"
    assert "Benali" not in notification.title + notification.body


def test_a_new_due_date_gives_new_alerts(world):
    item = factories.CorrespondenceFactory(site=world.site, received_on=MONDAY, assigned_to=world.users["agent"])
    _send(datetime.date(2026, 3, 24))
    correspondence_services.correspondence_update(
        by=world.users["agent"], correspondence=item, received_on=datetime.date(2026, 3, 3)
    )

    _send(datetime.date(2026, 3, 24))

    assert [key for key, _, _ in _inbox(world.users["agent"])] == [
        f"correspondence:{item.pk}:2026-03-23:overdue",
        f"correspondence:{item.pk}:2026-03-24:90",
    ]


def test_thresholds_come_from_the_settings(world, complaint, settings):
    settings.QUALIPREF_ALERT_THRESHOLDS = [50]

    _send(datetime.date(2026, 3, 12))  # 8 of 15 working days: 53 %

    assert [key.rsplit(":", 1)[1] for key, _, _ in _inbox(world.users["agent"])] == ["50"]


def test_the_job_costs_the_same_queries_for_1_or_60_items(world, django_assert_num_queries):
    today = datetime.date(2026, 3, 24)
    factories.ComplaintFactory(site=world.site, received_on=MONDAY, assigned_to=world.users["agent"])
    factories.CorrespondenceFactory(site=world.site, received_on=datetime.date(2026, 3, 16))
    with CaptureQueriesContext(connection) as one:
        _send(today)
    Notification.objects.all().delete()
    for site in (world.site, world.sister_site):
        for _ in range(15):
            factories.ComplaintFactory(site=site, received_on=MONDAY, assigned_to=world.users["quality_manager"])
            factories.CorrespondenceFactory(site=site, received_on=datetime.date(2026, 3, 16))

    with django_assert_num_queries(len(one.captured_queries)):
        _send(today)


def test_stages(world):
    assert alerts.stage_of(delay=15, remaining=7, overdue=False, shares=(60, 90)) is None  # 53 %
    assert alerts.stage_of(delay=15, remaining=6, overdue=False, shares=(60, 90)) == "60"
    assert alerts.stage_of(delay=15, remaining=1, overdue=False, shares=(60, 90)) == "90"
    assert alerts.stage_of(delay=15, remaining=0, overdue=False, shares=(60, 90)) == "90"
    assert alerts.stage_of(delay=5, remaining=0, overdue=True, shares=(60, 90)) == "overdue"
