"""Training pages: the scoped list, the form (own sites only, no future date), the agents not trained."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Training
from qualipref.lib.history import FieldHistory
from tests import factories
from tests.checks import page_text

pytestmark = pytest.mark.django_db


def _agent(site, **kwargs):
    return factories.MembershipFactory(agent=True, site=site, **kwargs).user


def _form_data(world, **overrides):
    return {
        "site": world.site.pk,
        "person": world.users["agent"].pk,
        "course": "Accueil du public",
        "reception": "on",
        "trained_on": "2015-03-17",
        **overrides,
    }


def test_a_referent_sees_the_trainings_of_their_site_only(client, world):
    own = factories.TrainingFactory(person=world.users["agent"], site=world.site)
    factories.TrainingFactory(site=world.sister_site)
    factories.TrainingFactory(site=world.foreign_site)
    client.force_login(world.users["site_referent"])

    response = client.get(reverse("training_list"))

    assert list(response.context["page_obj"].object_list) == [own]
    assert "Nouvelle formation" in page_text(response)


def test_the_list_filters_by_person_type_and_date(client, world):
    late = factories.TrainingFactory(
        person=world.users["agent"], site=world.site, trained_on=datetime.date(2011, 5, 12)
    )
    other = factories.TrainingFactory(person=world.users["agent"], site=world.site, other=True)
    factories.TrainingFactory(site=world.sister_site, trained_on=datetime.date(2015, 1, 1))
    client.force_login(world.users["manager"])
    url = reverse("training_list")

    by_person = client.get(url, {"q": world.users["agent"].last_name}).context["page_obj"].object_list
    by_type = client.get(url, {"reception": "false"}).context["page_obj"].object_list
    before = client.get(url, {"trained_before": "2012-01-01"}).context["page_obj"].object_list

    assert set(by_person) == {late, other}
    assert list(by_type) == [other]
    assert list(before) == [late]


def test_the_list_costs_the_same_for_1_or_30_trainings(client, world, django_assert_num_queries):
    factories.TrainingFactory(site=world.site)
    client.force_login(world.users["quality_manager"])
    client.get(reverse("training_list"))
    # session, user, scope, sites and prefectures of the filter, may create, count and page; the DSFR configuration
    # is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(8):
        client.get(reverse("training_list"))
    factories.TrainingFactory.create_batch(29, site=world.sister_site)
    with django_assert_num_queries(8):
        response = client.get(reverse("training_list"))

    assert len(response.context["page_obj"].object_list) == 30


def test_a_referent_records_a_training_of_an_agent_of_their_site(client, world):
    client.force_login(world.users["site_referent"])

    response = client.post(reverse("training_create"), _form_data(world))

    training = Training.objects.get()
    assert response.status_code == 302
    assert (training.person, training.site, training.reception) == (world.users["agent"], world.site, True)


def test_a_site_outside_the_user_scope_is_refused_in_french_and_nothing_is_written(client, world):
    istres_agent = _agent(world.sister_site)
    client.force_login(world.users["site_referent"])

    response = client.post(
        reverse("training_create"), _form_data(world, site=world.sister_site.pk, person=istres_agent.pk)
    )

    errors = response.context["form"].errors
    assert errors["site"] == ["Vous ne tenez pas les formations de ce site : choisissez un de vos sites."]
    assert errors["person"] == ["Cette personne n’est pas habilitée sur un site dont vous tenez les formations."]
    assert not Training.objects.exists()


def test_a_training_in_the_future_is_refused_in_french_and_nothing_is_written(client, world):
    client.force_login(world.users["quality_manager"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(reverse("training_create"), _form_data(world, trained_on=tomorrow.isoformat()))

    assert response.context["form"].errors["trained_on"] == [
        "La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."
    ]
    assert not Training.objects.exists()


def test_a_person_of_another_site_is_refused_by_the_service(client, world):
    istres_agent = _agent(world.sister_site)
    client.force_login(world.users["quality_manager"])

    response = client.post(reverse("training_create"), _form_data(world, person=istres_agent.pk))

    assert "ni sur le site « Sous-préfecture d'Arles »" in response.context["form"].errors["person"][0]
    assert not Training.objects.exists()


def test_the_form_is_prefilled_from_the_list_of_agents_to_train(client, world):
    client.force_login(world.users["quality_manager"])

    form = client.get(reverse("training_create"), {"site": world.site.pk, "person": world.users["agent"].pk}).context[
        "form"
    ]

    assert (form.initial["site"], form.initial["person"]) == (world.site.pk, world.users["agent"].pk)
    assert list(form.fields["site"].queryset) == [world.site, world.sister_site]


def test_a_training_is_corrected(client, world):
    training = factories.TrainingFactory(person=world.users["agent"], site=world.site)
    client.force_login(world.users["quality_manager"])

    response = client.post(
        reverse("training_edit", kwargs={"pk": training.pk}), _form_data(world, course="Accueil téléphonique")
    )

    training.refresh_from_db()
    assert response.status_code == 302
    assert training.course == "Accueil téléphonique"
    # its history (simple-history on training records, engagements 0013), shown on its edit page
    page = client.get(reverse("training_edit", kwargs={"pk": training.pk})).content.decode()
    assert "Historique des modifications" in page and "Accueil téléphonique" in page.split('id="historique"')[1]
    changes = [entry.changes for entry in FieldHistory().of(training) if entry.kind != "creation"]
    assert ("formation", "Accueil téléphonique") in [(c.label, c.new_display) for c in changes[0]]


def test_agents_not_trained_for_4_years_are_listed_with_their_last_training(client, world):
    late = _agent(world.site, user__first_name="Lucas", user__last_name="Bonnet")
    factories.TrainingFactory(person=late, site=world.site, trained_on=datetime.date(2011, 5, 12))
    trained = _agent(world.site, user__first_name="Sophie", user__last_name="Roux")
    factories.TrainingFactory(person=trained, site=world.site, trained_on=timezone.localdate())
    client.force_login(world.users["quality_manager"])

    response = client.get(reverse("training_agents_not_trained"))
    text = page_text(response)

    users = [row["user_id_"] for row in response.context["page_obj"].object_list]
    assert set(users) == {late.pk, world.users["agent"].pk}
    assert "Lucas Bonnet" in text and "12/05/2011" in text
    assert "Sophie Roux" not in text
    assert "Aucune formation enregistrée" in text
    assert "2 agents à former sur 3 agents d’accueil." in text  # with and without an account
    assert f"?site={world.site.pk}&amp;person={late.pk}" in text


def test_a_manager_sees_the_agents_to_train_but_no_button_to_record(client, world):
    client.force_login(world.users["manager"])

    text = page_text(client.get(reverse("training_agents_not_trained")))

    assert "Camille" in text
    assert "Enregistrer une formation" not in text


def test_the_agents_list_is_filtered_by_site(client, world):
    istres = _agent(world.sister_site)
    client.force_login(world.users["quality_manager"])

    response = client.get(reverse("training_agents_not_trained"), {"site": world.sister_site.pk})

    assert [row["user_id_"] for row in response.context["page_obj"].object_list] == [istres.pk]


def test_the_agents_list_costs_the_same_for_1_or_30_agents(client, world, django_assert_num_queries):
    client.force_login(world.users["quality_manager"])
    url = reverse("training_agents_not_trained")
    client.get(url)
    # session, user, scope, sites and prefectures of the filter, totals (users, trainees), count and page of agents
    # (with and without an account), their coming sessions, the sites the user manages; the DSFR configuration is
    # no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(11):
        client.get(url)
    for n in range(29):
        agent = _agent(world.site if n % 2 else world.sister_site)
        factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2012, 1, 1 + n))
    with django_assert_num_queries(11):
        response = client.get(url)

    assert len(response.context["page_obj"].object_list) == 30
