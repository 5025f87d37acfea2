"""The steps of a cycle, in the order of the process, with the rules the service enforces."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engagements.models import Labelling, LabellingStep
from engagements.services import labellings as services
from tests import factories

D = datetime.date


@pytest.fixture
def cycle(world):
    """Bouches-du-Rhône's Qualipref 2.0 cycle, in preparation since 16/02/2015."""
    return factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site])


def _step(qm, labelling, step, day, **fields):
    return services.labelling_transition(by=qm, labelling=labelling, step=step, happened_on=day, **fields)


def _unchanged(labelling, status, steps=0):
    labelling.refresh_from_db()
    assert labelling.status == status
    assert labelling.steps.count() == steps


def test_a_cycle_goes_from_preparation_to_the_label_and_each_step_is_on_the_timeline(qm, cycle):
    cycle = _step(qm, cycle, "internal_evaluation", D(2015, 6, 22), note="17 non-conformités")
    assert cycle.status == "internal_evaluation"
    assert cycle.internal_evaluation_on == D(2015, 6, 22)
    cycle = _step(qm, cycle, "plan_revision", D(2015, 7, 10))
    assert cycle.status == "plan_revision"
    cycle = _step(qm, cycle, "labelling_audit", D(2015, 9, 15))
    assert (cycle.status, cycle.labelling_audit_on) == ("labelling_audit", D(2015, 9, 15))
    cycle = _step(qm, cycle, "decision", D(2015, 11, 27), decision="favourable", decision_body="AFNOR Certification")

    cycle.refresh_from_db()
    assert cycle.status == "granted"
    assert (cycle.decision, cycle.decision_on, cycle.decision_body) == (
        "favourable",
        D(2015, 11, 27),
        "AFNOR Certification",
    )
    assert cycle.granted_on == D(2015, 11, 27)
    timeline = [(s.kind, s.status, s.happened_on, s.title) for s in cycle.steps.order_by("happened_on")]
    assert timeline == [
        ("internal_evaluation", "internal_evaluation", D(2015, 6, 22), "Évaluation interne"),
        ("plan_revision", "plan_revision", D(2015, 7, 10), "Révision du plan d'action"),
        ("labelling_audit", "labelling_audit", D(2015, 9, 15), "Audit de labellisation"),
        ("decision", "granted", D(2015, 11, 27), "Décision favorable"),
    ]
    assert all(step.recorded_by == qm for step in cycle.steps.all())
    assert cycle.history.count() == 5  # created by the factory, then one change per step


def test_the_internal_evaluation_needs_three_months_of_indicators_and_says_from_when(qm, cycle):
    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "internal_evaluation", D(2015, 5, 15))

    assert error.value.message_dict["happened_on"] == [
        "Il faut au moins 3 mois de suivi des indicateurs avant l'évaluation interne : le suivi a commencé le "
        "16/02/2015, l'évaluation interne est possible à partir du 16/05/2015."
    ]
    _unchanged(cycle, "preparation")
    assert _step(qm, cycle, "internal_evaluation", D(2015, 5, 16)).status == "internal_evaluation"


def test_indicators_tracked_earlier_allow_an_earlier_internal_evaluation(qm, cycle):
    cycle = _step(qm, cycle, "internal_evaluation", D(2015, 4, 1), indicators_since=D(2014, 12, 15))

    assert cycle.indicators_since == D(2014, 12, 15)


@pytest.mark.parametrize("day", [D(2015, 7, 21), D(2015, 9, 23), D(2015, 12, 1)])
def test_the_labelling_audit_is_refused_outside_one_to_three_months_after_the_internal_evaluation(qm, world, day):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, revised=True)  # internal evaluation 22/06/2015

    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "labelling_audit", day)

    assert error.value.message_dict["happened_on"] == [
        "L'évaluation interne (22/06/2015) doit avoir lieu 1 à 3 mois avant l'audit de labellisation : date "
        "d'audit possible du 22/07/2015 au 22/09/2015. Au-delà, refaites une évaluation interne."
    ]
    _unchanged(cycle, "plan_revision")


@pytest.mark.parametrize("day", [D(2015, 7, 22), D(2015, 9, 22)])
def test_one_and_three_months_exactly_are_accepted(qm, world, day):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, revised=True)

    assert _step(qm, cycle, "labelling_audit", day).labelling_audit_on == day


@pytest.mark.parametrize("status", ["preparation", "internal_evaluation", "plan_revision", "granted"])
def test_there_is_no_decision_without_a_labelling_audit(qm, world, status):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, status=status, **_dates_for(status))

    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "decision", D(2015, 11, 27), decision="favourable", decision_body="AFNOR Certification")

    assert error.value.messages[0].startswith(
        "Pas de décision sans audit de labellisation : enregistrez d'abord la date de l'audit"
    )
    _unchanged(cycle, status)


def _dates_for(status):
    if status == "granted":
        return {"granted": True}
    if status != "preparation":
        return {"internal_evaluation_on": D(2015, 6, 22)}
    return {}


@pytest.mark.parametrize("status", ["preparation", "labelling_audit", "refused"])
def test_there_is_no_follow_up_audit_before_the_label_is_granted(qm, world, status):
    extra = {"audited": True} if status != "preparation" else {}
    if status == "refused":
        extra.update(decision="unfavourable", decision_on=D(2015, 11, 27), decision_body="AFNOR Certification")
    cycle = factories.LabellingFactory(prefecture=world.prefecture, status=status, **extra)

    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "follow_up_audit", D(2016, 11, 2))

    assert error.value.messages == [
        f"Pas d'audit de suivi avant l'attribution du label : le cycle est à l'étape « {cycle.get_status_display()} »."
    ]
    _unchanged(cycle, status)


def test_a_step_out_of_order_names_the_possible_ones(qm, cycle):
    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "labelling_audit", D(2015, 9, 15))

    assert error.value.messages == [
        "Étape « Audit de labellisation » impossible : le cycle est à l'étape « Préparation » (possible maintenant : "
        "« Évaluation interne », « Clôture du cycle »)."
    ]


def test_a_step_cannot_precede_the_previous_one(qm, cycle):
    cycle = _step(qm, cycle, "internal_evaluation", D(2015, 6, 22))

    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "plan_revision", D(2015, 6, 1))

    assert error.value.message_dict["happened_on"] == [
        "La date ne peut pas précéder la dernière étape du cycle (22/06/2015)."
    ]
    _unchanged(cycle, "internal_evaluation", steps=1)


def test_a_step_cannot_be_dated_in_the_future(qm, cycle):
    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "end", D(2999, 1, 1))

    assert error.value.message_dict["happened_on"] == ["La date de clôture ne peut pas être dans le futur."]


def test_a_decision_names_its_outcome_and_its_body(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "decision", D(2015, 11, 27), decision="", decision_body=" ")

    assert error.value.message_dict == {
        "decision": ["Choisissez la décision de l'organisme : favorable ou défavorable."],
        "decision_body": ["Indiquez l'organisme qui a rendu la décision (par exemple : AFNOR Certification)."],
    }
    _unchanged(cycle, "labelling_audit")


def test_after_an_unfavourable_decision_a_new_internal_evaluation_may_start_over(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    cycle = _step(qm, cycle, "decision", D(2015, 11, 27), decision="unfavourable", decision_body="AFNOR Certification")

    assert cycle.status == "refused"
    assert (cycle.granted_on, cycle.next_audit_due, cycle.renewal_due) == (None, None, None)
    assert cycle.steps.get().title == "Décision défavorable"
    assert services.allowed_steps(cycle) == ["internal_evaluation", "end"]
    assert _step(qm, cycle, "internal_evaluation", D(2016, 1, 15)).status == "internal_evaluation"


def test_an_ended_cycle_takes_no_more_steps(qm, cycle):
    cycle = _step(qm, cycle, "end", D(2015, 3, 1), note="Démarche suspendue.")

    assert (cycle.status, cycle.ended_on) == ("ended", D(2015, 3, 1))
    assert services.allowed_steps(cycle) == []
    with pytest.raises(ValidationError) as error:
        _step(qm, cycle, "internal_evaluation", D(2015, 6, 1))
    assert error.value.messages == ["Ce cycle est clos : il n'accepte plus d'étape. Démarrez un nouveau cycle."]


def test_an_unknown_step_and_a_field_of_another_step_are_refused(qm, cycle):
    with pytest.raises(ValidationError) as unknown:
        _step(qm, cycle, "start", D(2015, 6, 22))
    with pytest.raises(ValidationError) as foreign:
        _step(qm, cycle, "internal_evaluation", D(2015, 6, 22), decision="favourable", renewal_due=None)

    assert unknown.value.message_dict == {"step": ["Étape inconnue : « start »."]}
    assert foreign.value.message_dict == {"decision": ["Ce champ ne concerne pas l'étape « Évaluation interne »."]}
    _unchanged(cycle, "preparation")


@pytest.mark.parametrize("role", ["manager", "site_referent", "agent", "auditor"])
def test_read_only_roles_cannot_move_a_cycle_forward(world, cycle, role):
    with pytest.raises(PermissionDenied):
        _step(world.users[role], cycle, "internal_evaluation", D(2015, 6, 22))

    _unchanged(cycle, "preparation")


def test_a_quality_manager_cannot_move_another_prefectures_cycle(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.foreign_prefecture)

    with pytest.raises(PermissionDenied):
        _step(qm, cycle, "internal_evaluation", D(2015, 6, 22))


def test_national_administrators_may_record_steps_for_any_prefecture(world):
    cycle = factories.LabellingFactory(prefecture=world.foreign_prefecture)

    cycle = _step(world.users["national"], cycle, "internal_evaluation", D(2015, 6, 22))

    assert cycle.status == "internal_evaluation"
    assert LabellingStep.objects.get().recorded_by == world.users["national"]
    assert Labelling.objects.get().status == "internal_evaluation"
