"""Reception trainings to renew: an agent of a site whose latest reception training is more than 4 years old (or
who has none), or will be within 30 days: the site's referents are told, once per training and stage."""

import datetime

import pytest

from accounts.models import Notification
from indicators import alerts
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


def _run(today=TODAY):
    return alerts.collect_and_notify(today, collectors={"trainings"})["trainings"]


def _told():
    return sorted(Notification.objects.values_list("recipient__username", "key"))


def _train(world, on, person=None, **kwargs):
    return factories.TrainingFactory(person=person or world.users["agent"], site=world.site, trained_on=on, **kwargs)


def test_a_training_expiring_within_30_days_alerts_the_sites_referents(world):
    _train(world, datetime.date(2022, 5, 1))

    _run()
    _run()

    agent = world.users["agent"]
    assert _told() == [("referent", f"training:{agent.pk}:site:{world.site.pk}:2022-05-01:30d")]
    notice = Notification.objects.get()
    assert notice.kind == "training_due" and notice.due_on == datetime.date(2026, 5, 1)
    assert agent.last_name in notice.title


def test_a_training_older_than_4_years_is_overdue_and_a_newer_one_ends_the_alerts(world):
    _train(world, datetime.date(2021, 9, 1))
    _train(world, datetime.date(2019, 1, 1))
    _train(world, datetime.date(2026, 1, 1), other=True)  # not a reception training

    _run()

    agent = world.users["agent"]
    assert _told() == [("referent", f"training:{agent.pk}:site:{world.site.pk}:2021-09-01:overdue")]
    assert Notification.objects.get().kind == "training_overdue"

    _train(world, datetime.date(2026, 4, 1))
    assert _run() == 0


def test_an_agent_never_trained_is_reported_once(world):
    for _ in range(2):
        _run()

    assert _told() == [("referent", f"training:{world.users['agent'].pk}:site:{world.site.pk}:never:overdue")]


def test_agents_of_other_sites_are_reported_to_their_own_referents_only(world):
    _train(world, datetime.date(2024, 1, 1))  # the world's agent is up to date
    foreign_agent = factories.MembershipFactory(agent=True, site=world.foreign_site).user
    foreign_referent = factories.MembershipFactory(referent=True, site=world.foreign_site).user
    factories.MembershipFactory(agent=True, site=world.sister_site)  # no referent at Istres: nobody to tell

    _run()

    assert _told() == [
        (foreign_referent.username, f"training:{foreign_agent.pk}:site:{world.foreign_site.pk}:never:overdue")
    ]


def test_the_training_collector_costs_the_same_queries_for_one_agent_or_many(world, django_assert_max_num_queries):
    from indicators.alerts import trainings

    with django_assert_max_num_queries(2):
        assert len(trainings.collect(TODAY)) == 1
    for year in range(2010, 2020):
        agent = factories.MembershipFactory(agent=True, site=world.site).user
        _train(world, datetime.date(year, 3, 1), person=agent)
    with django_assert_max_num_queries(2):
        assert len(trainings.collect(TODAY)) == 11


# --- the training plan -----------------------------------------------------------------------------------------


def _session(world, *, days, capacity=10, min_enrolled=1, kind="reception"):
    from django.utils import timezone

    from engagements.models import TrainingSession

    starts = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=days), datetime.time(9, 30))
    )
    return TrainingSession.objects.create(
        site=world.site,
        course="Accueil du public",
        kind=kind,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place="Salle Puget",
        capacity=capacity,
        min_enrolled=min_enrolled,
    )


def test_an_agent_enrolled_in_a_coming_reception_session_is_not_reported(world):
    from django.utils import timezone

    session = _session(world, days=20)
    session.enrolments.create(user=world.users["agent"])
    _session(world, days=10, kind="cip").enrolments.create(user=world.users["agent"])  # not a reception one

    assert _run(timezone.localdate()) == 0
    session.delete()
    assert _run(timezone.localdate()) == 1
    assert "aucune session prévue" in Notification.objects.get().title


def test_a_reception_agent_without_an_account_is_reported_to_the_site_s_referents(world):
    from django.utils import timezone

    from engagements.models import Trainee

    _train(world, timezone.localdate())  # the world's agent is up to date
    trainee = Trainee.objects.create(
        site=world.site, first_name="Nadia", last_name="Haddad", started_on=datetime.date(2013, 9, 1)
    )
    Trainee.objects.create(  # not a reception agent
        site=world.site,
        first_name="Claire",
        last_name="Vidal",
        started_on=datetime.date(2013, 9, 1),
        reception_agent=False,
    )

    _run(timezone.localdate())

    assert _told() == [("referent", f"training:trainee:{trainee.pk}:site:{world.site.pk}:never:overdue")]
    assert "Nadia Haddad" in Notification.objects.get().title


def test_a_coming_session_short_of_people_alerts_its_referents_and_quality_manager_once(world):
    from django.utils import timezone

    short = _session(world, days=5, min_enrolled=3)
    short.enrolments.create(user=world.users["agent"])
    _session(world, days=5, min_enrolled=1).enrolments.create(user=world.users["agent"])  # enough people
    _session(world, days=40, min_enrolled=3)  # too far ahead for now

    for _ in range(2):
        alerts.collect_and_notify(timezone.localdate(), collectors={"training_sessions"})

    day = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert _told() == [
        ("qm", f"training_session:{short.pk}:{day}:short"),
        ("referent", f"training_session:{short.pk}:{day}:short"),
    ]
    assert "1 inscrit(s) sur 3 nécessaire(s) (dans 5 jours)" in Notification.objects.first().title


def test_the_session_collector_costs_the_same_queries_for_one_session_or_many(world, django_assert_max_num_queries):
    from django.utils import timezone

    from indicators.alerts import trainings

    _session(world, days=3, min_enrolled=2)
    with django_assert_max_num_queries(2):
        assert len(trainings.collect_sessions(timezone.localdate())) >= 1
    for days in range(1, 10):
        _session(world, days=days, min_enrolled=2)
    with django_assert_max_num_queries(2):
        trainings.collect_sessions(timezone.localdate())
