"""Moving a prefecture to another référentiel: the running cycle ends and stays as history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engagements.models import Labelling
from engagements.services import labellings as services
from tests import factories

D = datetime.date


@pytest.fixture
def marianne_cycle(world):
    """A Marianne label granted on 20/06/2013, on Arles and Istres."""
    return factories.LabellingFactory(
        prefecture=world.prefecture,
        referential=factories.labelling_referential("MARIANNE"),
        started_on=D(2012, 9, 3),
        granted=True,
        granted_on=D(2013, 6, 20),
        decision_on=D(2013, 6, 20),
        next_audit_due=D(2014, 12, 20),
        renewal_due=D(2016, 6, 20),
        sites=[world.site, world.sister_site],
    )


@pytest.fixture
def qp2():
    return factories.labelling_referential("QP2")


def _migrate(qm, labelling, referential, **kwargs):
    kwargs.setdefault("modules", [referential.modules.get(number=7)])
    kwargs.setdefault("started_on", D(2015, 2, 16))
    return services.labelling_migrate(by=qm, labelling=labelling, referential=referential, **kwargs)


def test_a_marianne_prefecture_moves_to_qualipref_2_and_keeps_its_marianne_cycle_as_history(
    qm, world, marianne_cycle, qp2
):
    new = _migrate(qm, marianne_cycle, qp2, note="Bascule demandée par le ministère.")

    old = Labelling.objects.get(pk=marianne_cycle.pk)
    assert (old.status, old.ended_on, old.granted_on) == ("ended", D(2015, 2, 16), D(2013, 6, 20))
    assert old.steps.get().kind == "end"
    assert "Passage au référentiel Qualipref 2.0 numérique (2.0)" in old.steps.get().note
    assert (new.status, new.referential, new.previous, new.started_on) == ("preparation", qp2, old, D(2015, 2, 16))
    assert sorted(m.number for m in new.modules.all()) == [1, 7, 8]
    assert set(new.sites.all()) == {world.site, world.sister_site}  # the perimeter of the old cycle by default
    start = new.steps.get()
    assert start.kind == "start"
    assert start.note.startswith("Suite du cycle Label Marianne")
    assert start.note.endswith("Bascule demandée par le ministère.")
    assert list(Labelling.objects.current()) == [new]
    assert old.next_cycle == new


def test_the_new_cycle_may_have_another_perimeter(qm, world, marianne_cycle, qp2):
    new = _migrate(qm, marianne_cycle, qp2, sites=[world.site])

    assert list(new.sites.all()) == [world.site]


def test_moving_to_the_same_referential_is_refused(qm, world, qp2):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site])

    with pytest.raises(ValidationError) as error:
        _migrate(qm, cycle, qp2)

    assert error.value.message_dict["referential"] == [
        "Le cycle est déjà sur le référentiel Qualipref 2.0 numérique (2.0) : choisissez une autre version."
    ]


def test_a_wrong_perimeter_leaves_the_running_cycle_untouched(qm, marianne_cycle, qp2):
    qualipref_module = factories.labelling_referential("QP").modules.get(number=4)

    with pytest.raises(ValidationError) as error:
        _migrate(qm, marianne_cycle, qp2, modules=[qualipref_module])

    assert "n'appartiennent pas au référentiel Qualipref 2.0 numérique" in error.value.message_dict["modules"][0]
    marianne_cycle.refresh_from_db()
    assert marianne_cycle.status == "granted"
    assert Labelling.objects.count() == 1
    assert not marianne_cycle.steps.exists()


def test_the_new_cycle_cannot_start_before_the_last_step_of_the_old_one(qm, marianne_cycle, qp2):
    factories.LabellingStepFactory(labelling=marianne_cycle, kind="follow_up_audit", happened_on=D(2014, 12, 1))

    with pytest.raises(ValidationError) as error:
        _migrate(qm, marianne_cycle, qp2, started_on=D(2014, 11, 1))

    assert error.value.message_dict["started_on"] == [
        "Le nouveau cycle ne peut pas précéder la dernière étape du cycle actuel (01/12/2014)."
    ]


def test_an_ended_cycle_cannot_be_moved(qm, marianne_cycle, qp2):
    services.labelling_end(by=qm, labelling=marianne_cycle, happened_on=D(2015, 1, 5))

    with pytest.raises(ValidationError) as error:
        _migrate(qm, marianne_cycle, qp2)

    assert error.value.messages == ["Ce cycle est déjà clos : démarrez un nouveau cycle sur le nouveau référentiel."]


def test_a_manager_cannot_move_the_cycle(world, marianne_cycle, qp2):
    with pytest.raises(PermissionDenied):
        _migrate(world.users["manager"], marianne_cycle, qp2)

    marianne_cycle.refresh_from_db()
    assert marianne_cycle.status == "granted"
