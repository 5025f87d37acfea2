"""The crisis API: scoped lists, writes through the services (French 400s), the roster's gaps, the same filters as
the pages."""

import pytest
from django.urls import reverse

from crisis.models import OnCallShift
from tests import factories
from tests.crisis.conftest import paris

pytestmark = pytest.mark.django_db

SHIFT = {
    "person_name": "Anne Vidal, cabinet",
    "phone": "06 12 34 56 78",
    "starts_at": "2015-03-02T09:00",
    "ends_at": "2015-03-09T09:00",
}


def test_a_quality_manager_writes_the_roster_and_an_overlap_is_a_french_400(as_role, world):
    api = as_role("quality_manager")
    url = reverse("api:on-call-shift-list")

    created = api.post(url, {"prefecture": world.prefecture.pk, **SHIFT}, format="json")
    overlap = api.post(
        url, {"prefecture": world.prefecture.pk, **SHIFT, "starts_at": "2015-03-08T09:00"}, format="json"
    )
    backwards = api.post(
        url,
        {"prefecture": world.prefecture.pk, **SHIFT, "starts_at": "2015-03-20T09:00", "ends_at": "2015-03-19T09:00"},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["who"] == "Anne Vidal, cabinet"
    assert created.json()["abilities"] == {"update": True, "delete": True}
    assert overlap.status_code == 400 and "chevauche" in overlap.json()["starts_at"][0]
    assert backwards.status_code == 400
    assert backwards.json()["ends_at"] == ["La fin de l'astreinte doit être postérieure à son début."]
    assert OnCallShift.objects.count() == 1


def test_the_lists_are_scoped_and_filtered_like_the_pages(as_role, client, world):
    own = factories.OnCallShiftFactory(prefecture=world.prefecture)
    factories.OnCallShiftFactory(prefecture=world.foreign_prefecture)
    factories.CrisisEventFactory(prefecture=world.prefecture, kind="event", title="Feux de forêt")
    exercise = factories.CrisisEventFactory(prefecture=world.prefecture, with_cip=True)
    client.force_login(world.users["agent"])
    api = as_role("agent")

    shifts = api.get(reverse("api:on-call-shift-list"), {"since": "2015-03-01"}).json()["results"]
    events = api.get(reverse("api:crisis-event-list"), {"kind": "exercise", "with_cip": "true"}).json()["results"]
    on_page = client.get(reverse("crisis_event_list"), {"kind": "exercise", "with_cip": "true"}).context["page_obj"]

    assert [row["id"] for row in shifts] == [own.pk]
    assert [row["id"] for row in events] == [exercise.pk] == [event.pk for event in on_page.object_list]
    assert events[0]["activation_minutes"] == 45


def test_the_gaps_of_the_coming_days(as_role, world):
    factories.OnCallShiftFactory(prefecture=world.prefecture, starts_at=paris(2015, 3, 2, 9))  # long past
    api = as_role("manager")

    gaps = api.get(reverse("api:on-call-shift-gaps"), {"prefecture": world.prefecture.pk, "days": 7}).json()
    foreign = api.get(reverse("api:on-call-shift-gaps"), {"prefecture": world.foreign_prefecture.pk})

    assert len(gaps) == 1 and 6 * 24 < gaps[0]["hours"] <= 7 * 24
    assert foreign.status_code == 404


def test_a_press_release_is_numbered_by_the_api_and_its_foreign_event_refused(as_role, world):
    api = as_role("quality_manager")
    foreign = factories.CrisisEventFactory(prefecture=world.foreign_prefecture)
    data = {
        "prefecture": world.prefecture.pk,
        "title": "Feux de forêt : accès aux massifs interdit",
        "issued_at": "2015-08-11T17:30",
        "channels": ["website", "press"],
        "validated_by": "Directeur de cabinet du préfet",
    }

    created = api.post(reverse("api:press-release-list"), data, format="json")
    refused = api.post(reverse("api:press-release-list"), {**data, "event": foreign.pk}, format="json")

    assert (created.status_code, created.json()["number"], created.json()["year"]) == (201, 1, 2015)
    assert refused.status_code == 400 and "event" in refused.json()  # another prefecture's event does not exist
