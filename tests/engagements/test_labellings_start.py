"""Starting a labelling cycle: perimeter, one running cycle per prefecture, who may start it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engagements.models import Labelling, LabellingStep
from engagements.services import labellings as services
from tests import factories

START = datetime.date(2015, 2, 16)


@pytest.fixture
def qp2(db):
    return factories.labelling_referential("QP2")


def _module(referential, number):
    return referential.modules.get(number=number)


def _start(world, referential, **kwargs):
    if "modules" not in kwargs:
        kwargs["modules"] = [_module(referential, 4), _module(referential, 7)]
    kwargs.setdefault("sites", [world.site, world.sister_site])
    kwargs.setdefault("started_on", START)
    return services.labelling_start(
        by=kwargs.pop("by", world.users["quality_manager"]),
        prefecture=kwargs.pop("prefecture", world.prefecture),
        referential=referential,
        **kwargs,
    )


def test_a_cycle_starts_in_preparation_with_the_mandatory_modules_and_the_chosen_ones(world, qp2):
    labelling = _start(world, qp2, note="Groupes de travail pour la labellisation.")

    assert labelling.status == Labelling.Status.PREPARATION
    assert sorted(m.number for m in labelling.modules.all()) == [1, 4, 7, 8]  # 1 and 8 are mandatory
    assert set(labelling.sites.all()) == {world.site, world.sister_site}
    assert labelling.started_on == labelling.indicators_since == START
    (step,) = labelling.steps.all()
    assert (step.kind, step.status, step.happened_on) == ("start", "preparation", START)
    assert step.note == "Groupes de travail pour la labellisation."
    assert step.recorded_by == world.users["quality_manager"]


def test_indicators_may_have_been_tracked_before_the_preparation_started(world, qp2):
    labelling = _start(world, qp2, indicators_since=datetime.date(2014, 12, 1))

    assert labelling.indicators_since == datetime.date(2014, 12, 1)


def test_a_module_of_another_referential_is_refused_in_french_and_nothing_is_written(world, qp2):
    marianne_module = factories.labelling_referential("MARIANNE").modules.get()

    with pytest.raises(ValidationError) as error:
        _start(world, qp2, modules=[_module(qp2, 4), marianne_module])

    assert "n'appartiennent pas au référentiel Qualipref 2.0 numérique" in error.value.message_dict["modules"][0]
    assert "Accueil général" in error.value.message_dict["modules"][0]
    assert not Labelling.objects.exists()
    assert not LabellingStep.objects.exists()


def test_qualipref_needs_at_least_one_optional_module(world, qp2):
    with pytest.raises(ValidationError) as error:
        _start(world, qp2, modules=[_module(qp2, 1)])

    assert "au moins un module optionnel" in error.value.message_dict["modules"][0]
    assert not Labelling.objects.exists()


def test_the_label_marianne_has_no_optional_module_to_choose(world):
    marianne = factories.labelling_referential("MARIANNE")

    labelling = _start(world, marianne, modules=[])

    assert [m.mandatory for m in labelling.modules.all()] == [True]


def test_sites_of_another_prefecture_are_refused(world, qp2):
    with pytest.raises(ValidationError) as error:
        _start(world, qp2, sites=[world.site, world.foreign_site])

    assert error.value.message_dict["sites"] == [
        "Ces sites n'appartiennent pas à la préfecture Préfecture des Bouches-du-Rhône : « Créteil – Préfecture »."
    ]
    assert not Labelling.objects.exists()


def test_a_cycle_has_at_least_one_site(world, qp2):
    with pytest.raises(ValidationError) as error:
        _start(world, qp2, sites=[])

    assert error.value.message_dict["sites"] == ["Choisissez au moins un site du périmètre."]


def test_every_wrong_field_is_reported_at_once(world, qp2):
    with pytest.raises(ValidationError) as error:
        _start(world, qp2, modules=[], sites=[], started_on=datetime.date(2999, 1, 1))

    assert set(error.value.message_dict) == {"modules", "sites", "started_on"}
    assert error.value.message_dict["started_on"] == [
        "La date de début de la préparation ne peut pas être dans le futur."
    ]


def test_a_second_running_cycle_is_refused_until_the_first_one_ends(world, qp2):
    first = _start(world, qp2)

    with pytest.raises(ValidationError) as error:
        _start(world, qp2, started_on=datetime.date(2015, 3, 2))

    assert "déjà un cycle en cours (Qualipref 2.0 numérique (2.0), étape « Préparation »)" in error.value.messages[0]
    assert Labelling.objects.count() == 1

    services.labelling_end(by=world.users["quality_manager"], labelling=first, happened_on=datetime.date(2015, 3, 1))
    second = _start(world, qp2, started_on=datetime.date(2015, 3, 2))

    assert second.previous == first
    assert second.status == "preparation"


def test_a_new_cycle_cannot_start_before_the_previous_one_ended(world, qp2):
    first = _start(world, qp2)
    services.labelling_end(by=world.users["quality_manager"], labelling=first, happened_on=datetime.date(2015, 3, 1))

    with pytest.raises(ValidationError) as error:
        _start(world, qp2, started_on=datetime.date(2015, 2, 20))

    assert error.value.message_dict["started_on"] == [
        "Le nouveau cycle ne peut pas commencer avant la clôture du précédent (01/03/2015)."
    ]


def test_another_prefecture_may_run_its_own_cycle_at_the_same_time(world, qp2):
    _start(world, qp2)
    factories.SiteFactory(prefecture=world.foreign_prefecture)

    other = _start(
        world,
        qp2,
        by=world.users["national"],
        prefecture=world.foreign_prefecture,
        sites=[world.foreign_site],
    )

    assert other.prefecture == world.foreign_prefecture


@pytest.mark.parametrize("role", ["manager", "site_referent", "agent", "auditor"])
def test_only_quality_managers_and_national_administrators_start_a_cycle(world, qp2, role):
    with pytest.raises(PermissionDenied):
        _start(world, qp2, by=world.users[role])

    assert not Labelling.objects.exists()


def test_a_quality_manager_cannot_start_a_cycle_for_another_prefecture(world, qp2):
    with pytest.raises(PermissionDenied):
        _start(world, qp2, prefecture=world.foreign_prefecture, sites=[world.foreign_site])
