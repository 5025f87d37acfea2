"""Due dates of a labelled cycle: computed once by the service, stored, moved by follow-up audits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.models import Labelling
from engagements.services import labellings as services
from tests import factories

D = datetime.date


def _decide(qm, labelling, day, **kwargs):
    kwargs.setdefault("decision", "favourable")
    kwargs.setdefault("decision_body", "AFNOR Certification")
    return services.labelling_record_decision(by=qm, labelling=labelling, happened_on=day, **kwargs)


def test_a_qualipref_label_is_followed_up_every_12_months_and_renewed_after_3_years(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    cycle = _decide(qm, cycle, D(2015, 11, 27))

    cycle.refresh_from_db()
    assert (cycle.granted_on, cycle.next_audit_due, cycle.renewal_due) == (
        D(2015, 11, 27),
        D(2016, 11, 27),
        D(2018, 11, 27),
    )


def test_a_marianne_label_is_followed_up_every_18_months(qm, world):
    marianne = factories.labelling_referential("MARIANNE")
    cycle = factories.LabellingFactory(prefecture=world.prefecture, referential=marianne, audited=True)

    cycle = _decide(qm, cycle, D(2015, 11, 27))

    assert cycle.next_audit_due == D(2017, 5, 27)


def test_the_body_may_set_an_earlier_renewal_audit(qm, world):
    """Bouches-du-Rhône: labelled end of November 2015, renewal audit « mi-2017 »."""
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    cycle = _decide(qm, cycle, D(2015, 11, 27), renewal_due=D(2017, 6, 30))

    assert (cycle.next_audit_due, cycle.renewal_due) == (D(2016, 11, 27), D(2017, 6, 30))


def test_the_next_audit_is_never_later_than_the_renewal_audit(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    cycle = _decide(qm, cycle, D(2015, 11, 27), renewal_due=D(2016, 6, 30))

    assert cycle.next_audit_due == cycle.renewal_due == D(2016, 6, 30)


@pytest.mark.parametrize("renewal_due", [D(2015, 11, 27), D(2018, 11, 28)])
def test_a_renewal_date_outside_the_three_years_of_the_label_is_refused(qm, world, renewal_due):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    with pytest.raises(ValidationError) as error:
        _decide(qm, cycle, D(2015, 11, 27), renewal_due=renewal_due)

    assert error.value.message_dict["renewal_due"] == [
        "L'audit de renouvellement a lieu après l'attribution du label et au plus tard 3 ans après : entre le "
        "28/11/2015 et le 27/11/2018."
    ]
    cycle.refresh_from_db()
    assert (cycle.status, cycle.granted_on) == ("labelling_audit", None)


def test_a_follow_up_audit_moves_the_next_one_by_the_follow_up_interval(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True)  # next audit 27/11/2016

    cycle = services.labelling_record_follow_up_audit(by=qm, labelling=cycle, happened_on=D(2016, 11, 3))
    assert cycle.next_audit_due == D(2017, 11, 27)
    cycle = services.labelling_record_follow_up_audit(by=qm, labelling=cycle, happened_on=D(2017, 11, 20))
    assert cycle.next_audit_due == D(2018, 11, 27)  # the renewal date: the next audit is the renewal audit
    assert [s.kind for s in cycle.steps.all()] == ["follow_up_audit", "follow_up_audit"]


def test_a_late_follow_up_audit_keeps_the_anniversary_of_the_label(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True)

    cycle = services.labelling_record_follow_up_audit(by=qm, labelling=cycle, happened_on=D(2017, 2, 15))

    assert cycle.next_audit_due == D(2017, 11, 27)


def test_a_follow_up_audit_cannot_precede_the_label(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True)
    factories.LabellingStepFactory(labelling=cycle, kind="decision", happened_on=D(2015, 11, 27))

    with pytest.raises(ValidationError) as error:
        services.labelling_record_follow_up_audit(by=qm, labelling=cycle, happened_on=D(2015, 11, 1))

    assert error.value.message_dict["happened_on"] == [
        "La date ne peut pas précéder la dernière étape du cycle (27/11/2015)."
    ]


def test_a_favourable_renewal_grants_the_label_again_from_the_new_decision(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True)

    cycle = services.labelling_record_renewal_audit(by=qm, labelling=cycle, happened_on=D(2018, 10, 2))
    assert cycle.status == "renewal"
    assert cycle.is_labelled  # the label stays valid until the decision
    assert services.allowed_steps(cycle) == ["decision", "end"]
    cycle = _decide(qm, cycle, D(2018, 11, 5))

    assert cycle.status == "granted"
    assert (cycle.granted_on, cycle.next_audit_due, cycle.renewal_due) == (
        D(2018, 11, 5),
        D(2019, 11, 5),
        D(2021, 11, 5),
    )


def test_an_unfavourable_renewal_withdraws_the_label_and_its_due_dates(qm, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True)
    cycle = services.labelling_record_renewal_audit(by=qm, labelling=cycle, happened_on=D(2018, 10, 2))

    cycle = _decide(qm, cycle, D(2018, 11, 5), decision="unfavourable")

    assert cycle.status == "refused"
    assert (cycle.granted_on, cycle.next_audit_due, cycle.renewal_due) == (None, None, None)


def test_a_labelled_cycle_whose_next_audit_is_past_is_late(world):
    today = timezone.localdate()
    late = factories.LabellingFactory(prefecture=world.prefecture, granted=True)
    on_time = factories.LabellingFactory(
        prefecture=world.foreign_prefecture, granted=True, next_audit_due=today, renewal_due=today
    )

    assert late.is_late and not on_time.is_late
    assert list(Labelling.objects.late()) == [late]
    assert list(Labelling.objects.late(on=D(2016, 11, 27))) == []


def test_a_cycle_not_yet_labelled_is_never_late(world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True, next_audit_due=D(2000, 1, 1))

    assert not cycle.is_late
    assert not Labelling.objects.late().exists()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2015, 11, 27), 12, D(2016, 11, 27)),
        (D(2015, 1, 31), 1, D(2015, 2, 28)),
        (D(2016, 1, 31), 1, D(2016, 2, 29)),
        (D(2015, 8, 31), 18, D(2017, 2, 28)),
        (D(2015, 3, 31), -4, D(2014, 11, 30)),
    ],
)
def test_months_are_added_on_the_calendar(day, months, expected):
    assert services.add_months(day, months) == expected
