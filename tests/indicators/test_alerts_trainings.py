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
