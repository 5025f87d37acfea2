"""``trainings/``: the contract, filters, writes through the services, and the agents not trained."""

import datetime
import functools

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Training
from tests import factories
from tests.checks import assert_refused, assert_steady, listed_ids


def test_a_training_carries_the_fields_of_the_contract(as_role, world):
    training = factories.TrainingFactory(person=world.users["agent"], site=world.site)

    body = as_role("site_referent").get(reverse("api:training-detail", kwargs={"pk": training.pk})).json()

    assert body == {
        "id": training.pk,
        "person": "agent",
        "person_name": world.users["agent"].get_full_name(),
        "site": world.site.pk,
        "course": "Accueil du public et gestion des situations difficiles",
        "reception": True,
        "trained_on": "2014-06-10",
        "abilities": {"update": True, "delete": False},
        # Added with the training plan (fields are added, never renamed).
        "trainee": None,
        "session": None,
    }


def test_an_agent_reads_the_trainings_of_their_site_without_changing_them(as_role, world):
    training = factories.TrainingFactory(person=world.users["agent"], site=world.site)

    body = as_role("agent").get(reverse("api:training-detail", kwargs={"pk": training.pk})).json()

    assert body["abilities"] == {"update": False, "delete": False}


def test_trainings_are_filtered_by_site_prefecture_person_reception_and_date(as_role, world):
    arles = factories.TrainingFactory(
        person=world.users["agent"], site=world.site, trained_on=datetime.date(2011, 5, 12)
    )
    other = factories.TrainingFactory(
        person=world.users["agent"], site=world.site, other=True, trained_on=datetime.date(2016, 9, 1)
    )
    istres = factories.TrainingFactory(site=world.sister_site, trained_on=datetime.date(2015, 3, 17))
    foreign = factories.TrainingFactory(site=world.foreign_site)
    ids = functools.partial(listed_ids, as_role("national"), reverse("api:training-list"))

    assert ids(site=world.sister_site.pk) == {istres.pk}
    assert ids(prefecture=world.foreign_prefecture.pk) == {foreign.pk}
    assert ids(person="agent") == {arles.pk, other.pk}
    assert ids(reception="false") == {other.pk}
    assert ids(prefecture=world.prefecture.pk, trained_before="2015-01-01") == {arles.pk}


def test_listing_trainings_costs_the_same_for_1_or_50(as_role, world, django_assert_num_queries):
    factories.TrainingFactory(site=world.site)
    client = as_role("quality_manager")
    url = reverse("api:training-list")

    # 2 queries: the count of the pagination, the page with people and sites.
    response = assert_steady(
        django_assert_num_queries,
        2,
        lambda: client.get(url),
        lambda: factories.TrainingFactory.create_batch(49, site=world.sister_site),
    )

    assert len(response.json()["results"]) == 50


def test_a_referent_records_and_corrects_a_training(as_role, world):
    client = as_role("site_referent")

    created = client.post(
        reverse("api:training-list"),
        {"person": "agent", "site": world.site.pk, "course": "Accueil du public", "trained_on": "2015-03-17"},
        format="json",
    )
    training = Training.objects.get()
    updated = client.patch(
        reverse("api:training-detail", kwargs={"pk": training.pk}), {"reception": False}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["reception"] is True
    assert updated.status_code == 200
    training.refresh_from_db()
    assert training.reception is False


def test_a_training_in_the_future_is_a_400_in_french(as_role, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = as_role("quality_manager").post(
        reverse("api:training-list"),
        {"person": "agent", "site": world.site.pk, "course": "Accueil", "trained_on": tomorrow.isoformat()},
        format="json",
    )

    errors = {
        "trained_on": ["La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."]
    }
    assert_refused(response, errors, Training)


def test_a_site_outside_the_user_scope_is_a_400_and_nothing_is_written(as_role, world):
    response = as_role("site_referent").post(
        reverse("api:training-list"),
        {"person": "agent", "site": world.sister_site.pk, "course": "Accueil", "trained_on": "2015-03-17"},
        format="json",
    )

    assert response.status_code == 400
    assert "site" in response.json()
    assert not Training.objects.exists()


def test_the_agents_not_trained_are_listed_by_the_api(as_role, world):
    late = factories.MembershipFactory(agent=True, site=world.sister_site).user
    factories.TrainingFactory(person=late, site=world.sister_site, trained_on=datetime.date(2011, 5, 12))
    trained = factories.MembershipFactory(agent=True, site=world.sister_site).user
    factories.TrainingFactory(person=trained, site=world.sister_site, trained_on=datetime.date(2025, 1, 1))
    client = as_role("manager")
    url = reverse("api:training-agents-not-trained")

    body = client.get(url, {"site": world.sister_site.pk, "on": "2026-06-15"}).json()
    earlier = client.get(url, {"site": world.sister_site.pk, "on": "2021-06-15"}).json()
    referent = as_role("site_referent").get(url).json()

    assert body["results"] == [
        {
            "person": late.username,
            "person_name": late.get_full_name(),
            "site": world.sister_site.pk,
            "last_reception_training_on": "2011-05-12",
            # Added with the training plan: the row of a person without an account has ``person`` null.
            "trainee": None,
            "planned": False,
        }
    ]
    # In 2021 the 2025 training had not happened yet.
    assert {row["person"] for row in earlier["results"]} == {late.username, trained.username}
    assert [row["person"] for row in referent["results"]] == ["agent"]  # their own site only


@pytest.mark.parametrize("params", [{"on": "hier"}, {"site": "arles"}])
def test_bad_parameters_of_the_agents_list_are_a_400(as_role, params):
    assert as_role("manager").get(reverse("api:training-agents-not-trained"), params).status_code == 400
