"""Training records and « agents d'accueil non formés depuis 4 ans », computed in one query."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from engagements.models import Training
from engagements.services import meetings as services
from tests import factories

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 15)


def _messages(error):
    return error.value.message_dict


def _agent(site, **kwargs):
    return factories.MembershipFactory(agent=True, site=site, **kwargs).user


def _not_trained(sites, on=ON):
    return [(m.user, m.site, m.last_reception_training_on) for m in services.agents_not_trained(sites=sites, on=on)]


def test_a_quality_manager_records_a_training_of_an_agent_of_the_prefecture(world):
    training = services.training_create(
        by=world.users["quality_manager"],
        person=world.users["agent"],
        site=world.site,
        course="  Accueil du public  ",
        trained_on=datetime.date(2015, 3, 17),
    )

    assert (training.person, training.site, training.course, training.reception) == (
        world.users["agent"],
        world.site,
        "Accueil du public",
        True,
    )


def test_a_referent_records_the_trainings_of_their_own_site_only(world):
    referent = world.users["site_referent"]
    istres_agent = _agent(world.sister_site)

    services.training_create(by=referent, person=world.users["agent"], site=world.site, course="Accueil", trained_on=ON)
    with pytest.raises(PermissionDenied) as error:
        services.training_create(
            by=referent, person=istres_agent, site=world.sister_site, course="Accueil", trained_on=ON
        )

    assert str(error.value) == "Vous ne pouvez pas enregistrer de formation pour ce site."
    assert Training.objects.count() == 1


@pytest.mark.parametrize("role", ["national", "agent", "manager", "auditor"])
def test_read_only_roles_record_no_training(world, role):
    with pytest.raises(PermissionDenied):
        services.training_create(
            by=world.users[role], person=world.users["agent"], site=world.site, course="Accueil", trained_on=ON
        )

    assert not Training.objects.exists()


def test_a_training_dated_in_the_future_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as error:
        services.training_create(
            by=world.users["quality_manager"],
            person=world.users["agent"],
            site=world.site,
            course="Accueil",
            trained_on=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert _messages(error)["trained_on"] == [
        "La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."
    ]
    assert not Training.objects.exists()


def test_a_person_who_does_not_work_on_the_site_or_its_prefecture_is_refused(world):
    stranger = factories.MembershipFactory(agent=True, site=world.foreign_site).user

    with pytest.raises(ValidationError) as error:
        services.training_create(
            by=world.users["quality_manager"], person=stranger, site=world.site, course="Accueil", trained_on=ON
        )

    assert (
        "n'est habilité(e) ni sur le site « Sous-préfecture d'Arles » ni sur sa préfecture"
        in _messages(error)["person"][0]
    )
    assert not Training.objects.exists()


def test_an_empty_course_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.training_create(
            by=world.users["quality_manager"], person=world.users["agent"], site=world.site, course="  ", trained_on=ON
        )

    assert _messages(error)["course"] == ["Indiquez l'intitulé de la formation."]


def test_a_training_is_corrected_but_not_moved_to_a_site_out_of_scope(world):
    referent = world.users["site_referent"]
    training = factories.TrainingFactory(person=world.users["agent"], site=world.site)

    services.training_update(by=referent, training=training, course="Accueil téléphonique", reception=False)
    with pytest.raises(PermissionDenied):
        services.training_update(by=referent, training=training, site=world.sister_site)

    training.refresh_from_db()
    assert (training.course, training.reception, training.site) == ("Accueil téléphonique", False, world.site)


def test_the_people_offered_to_a_referent_are_those_of_their_site(world):
    istres_agent = _agent(world.sister_site)

    people = set(services.training_people(world.users["site_referent"]))

    assert world.users["agent"] in people and world.users["site_referent"] in people
    assert istres_agent not in people
    assert world.users["quality_manager"] in people  # the prefecture's own people may be trained too


# --- agents not trained for 4 years -----------------------------------------------------------------


def test_agents_never_trained_or_trained_more_than_4_years_ago_are_listed(world):
    never = _agent(world.site, user__last_name="Aubert")
    late = _agent(world.site, user__last_name="Blanc")
    recent = _agent(world.site, user__last_name="Colin")
    factories.TrainingFactory(person=late, site=world.site, trained_on=datetime.date(2021, 6, 14))
    factories.TrainingFactory(person=late, site=world.site, trained_on=datetime.date(2019, 1, 1))
    factories.TrainingFactory(person=recent, site=world.site, trained_on=datetime.date(2023, 2, 1))

    rows = _not_trained([world.site])

    assert (never, world.site, None) in rows
    assert (late, world.site, datetime.date(2021, 6, 14)) in rows
    assert recent not in {user for user, _, _ in rows}


def test_a_training_exactly_4_years_old_still_counts(world):
    agent = _agent(world.site)
    factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2022, 6, 15))
    older = _agent(world.site)
    factories.TrainingFactory(person=older, site=world.site, trained_on=datetime.date(2022, 6, 14))

    listed = {user for user, _, _ in _not_trained([world.site])}

    assert agent not in listed
    assert older in listed


def test_only_reception_trainings_up_to_the_date_count(world):
    agent = _agent(world.site)
    factories.TrainingFactory(person=agent, site=world.site, other=True, trained_on=datetime.date(2026, 1, 10))
    factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2026, 9, 1))  # after ON

    rows = _not_trained([world.site])

    assert (agent, world.site, None) in rows


def test_a_training_recorded_on_a_former_site_still_counts(world):
    agent = _agent(world.site)
    factories.TrainingFactory(person=agent, site=world.sister_site, trained_on=datetime.date(2025, 1, 1))

    assert agent not in {user for user, _, _ in _not_trained([world.site])}


def test_only_active_agents_of_the_chosen_sites_are_listed(world):
    ended = _agent(world.site, valid_until=datetime.date(2025, 12, 31))
    istres = _agent(world.sister_site)
    referent = world.users["site_referent"]

    listed = {user for user, _, _ in _not_trained([world.site])}

    assert world.users["agent"] in listed
    assert ended not in listed
    assert istres not in listed
    assert referent not in listed
    assert istres in {user for user, _, _ in _not_trained([world.site, world.sister_site])}


def test_the_list_is_computed_in_one_query_whatever_the_number_of_agents(world, django_assert_num_queries):
    for n in range(30):
        agent = _agent(world.site if n % 2 else world.sister_site)
        if n % 3:
            factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2015 + n % 10, 1, 1))

    with django_assert_num_queries(1):
        rows = [
            (m.user.username, m.site.name, m.site.prefecture.name, m.last_reception_training_on)
            for m in services.agents_not_trained(sites=[world.site, world.sister_site], on=ON)
        ]

    assert len(rows) > 10


def test_every_agent_is_annotated_with_whether_they_are_trained_in_time(world):
    trained = _agent(world.site)
    factories.TrainingFactory(person=trained, site=world.site, trained_on=datetime.date(2024, 1, 1))

    flags = {m.user: m.trained_in_time for m in services.agents_reception_training(sites=[world.site], on=ON)}

    assert flags == {trained: True, world.users["agent"]: False}


def test_the_4_year_limit_is_the_same_day_4_years_earlier_or_the_28_february_when_there_is_no_29():
    assert services.training_cutoff(datetime.date(2028, 2, 29)) == datetime.date(2024, 2, 29)
    assert services.training_cutoff(datetime.date(2104, 2, 29)) == datetime.date(2100, 2, 28)
    assert services.training_cutoff(datetime.date(2026, 11, 22)) == datetime.date(2022, 11, 22)
