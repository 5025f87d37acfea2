"""The iCalendar feed: it parses, lists the items the user may see with stable UIDs, and a revoked, replaced or
unknown token is a 404."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from planning import feeds, services
from planning.models import PlannedItem
from tests import factories
from tests.planning.conftest import YEAR

pytestmark = pytest.mark.django_db


def _read(client, token):
    response = client.get(reverse("programme_feed_ics", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _foreign_item(world):
    return PlannedItem.objects.create(
        prefecture=world.foreign_prefecture,
        year=YEAR,
        kind="copil",
        title="COPIL du Val-de-Marne",
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 31),
        slot="copil:x",
    )


def test_the_feed_parses_and_lists_the_referents_items_with_stable_uids(client, world, rules):
    _foreign_item(world)
    token = feeds.feed_issue(by=world.users["site_referent"])

    events = _read(client, token).walk("VEVENT")

    titles = [str(event["SUMMARY"]) for event in events]
    visible = PlannedItem.objects.for_user(world.users["site_referent"])
    # COPILs, CLU, survey, Arles' internal audit and quarters: nothing of Istres nor of the Val-de-Marne
    assert len(events) == visible.count() == 12 + 1 + 1 + 1 + 4
    assert not any("Val-de-Marne" in title or world.sister_site.name in title for title in titles)
    clu = next(event for event in events if str(event["SUMMARY"]).startswith("Comité local des usagers"))
    item = PlannedItem.objects.get(kind="clu")
    assert str(clu["UID"]) == f"planned-item-{item.pk}@programme.qualipref"
    assert clu.decoded("DTSTART") == datetime.date(YEAR, 4, 1)
    assert clu.decoded("DTEND") == datetime.date(YEAR, 5, 1)  # exclusive: the whole of April
    # A rebuild keeps the UIDs (the items are the same rows).
    services.programme_build(prefecture=world.prefecture, year=YEAR)
    assert {str(event["UID"]) for event in _read(client, token).walk("VEVENT")} == {
        str(event["UID"]) for event in events
    }


def test_another_users_items_never_appear(client, world, rules):
    _foreign_item(world)
    token = feeds.feed_issue(by=world.users["quality_manager"])
    foreign_token = feeds.feed_issue(by=world.foreign_membership.user)

    ours = {str(event["SUMMARY"]) for event in _read(client, token).walk("VEVENT")}
    theirs = {str(event["SUMMARY"]) for event in _read(client, foreign_token).walk("VEVENT")}

    assert len(theirs) == 1 and next(iter(theirs)).startswith("COPIL du Val-de-Marne")
    assert not any("Val-de-Marne" in title for title in ours)


def test_a_revoked_replaced_or_unknown_token_is_a_404(client, world):
    user = world.users["quality_manager"]
    first = feeds.feed_issue(by=user)
    second = feeds.feed_issue(by=user)

    assert client.get(reverse("programme_feed_ics", kwargs={"token": first})).status_code == 404
    assert client.get(reverse("programme_feed_ics", kwargs={"token": second})).status_code == 200
    feeds.feed_revoke(by=user)
    assert client.get(reverse("programme_feed_ics", kwargs={"token": second})).status_code == 404
    assert client.get(reverse("programme_feed_ics", kwargs={"token": "x" * 43})).status_code == 404


def test_an_auditors_or_a_deactivated_users_token_opens_nothing(client, world):
    auditor_token = feeds.feed_issue(by=world.users["auditor"])
    agent = world.users["agent"]
    agent_token = feeds.feed_issue(by=agent)
    agent.is_active = False
    agent.save()

    assert client.get(reverse("programme_feed_ics", kwargs={"token": auditor_token})).status_code == 404
    assert client.get(reverse("programme_feed_ics", kwargs={"token": agent_token})).status_code == 404


def test_the_feed_takes_the_same_queries_for_one_item_or_forty(client, world, rules, django_assert_num_queries):
    token = feeds.feed_issue(by=world.users["quality_manager"])
    # feed and user, last read, memberships (scope), items with their prefecture and site
    with django_assert_num_queries(4):
        _read(client, token)


def test_a_national_administrators_feed_holds_the_cycles_audits_of_every_prefecture(client, world, rules):
    factories.LabellingFactory(
        prefecture=world.foreign_prefecture,
        granted=True,
        next_audit_due=datetime.date(YEAR, 11, 27),
        renewal_due=datetime.date(YEAR + 2, 11, 27),
    )
    services.programme_build(prefecture=world.foreign_prefecture, year=YEAR)
    token = feeds.feed_issue(by=world.users["national"])

    events = _read(client, token).walk("VEVENT")

    assert [str(event["SUMMARY"]).split(" (")[0] for event in events] == ["Audit de suivi"]
