"""Demo labelling cycles: the two documented prefectures and a label for every other one as of July 2013."""

import datetime

import pytest
from django.db.models import Count, Q

from engagements.demo import labellings as demo
from engagements.models import Labelling, LabellingStep
from engagements.services import labellings as services
from sites.models import Prefecture

D = datetime.date


@pytest.fixture
def loaded(demo_data, db):
    demo.load()


def test_43_prefectures_are_marianne_and_61_qualipref_on_1_july_2013(loaded):
    as_of = Labelling.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=D(2013, 7, 1)), granted_on__lte=D(2013, 7, 1)
    )
    counts = dict(as_of.values_list("referential__code").annotate(n=Count("pk")))

    assert counts == {"MARIANNE": 43, "QP": 61}
    assert Prefecture.objects.count() == 104
    assert not Prefecture.objects.filter(department__code__in=["986", "987", "988"]).exists()


def test_bouches_du_rhone_is_labelled_qualipref_2_end_of_november_2015(loaded):
    cycle = Labelling.objects.current().get(prefecture__department_id="13")

    assert cycle.referential.code == "QP2"
    assert sorted(m.number for m in cycle.modules.all()) == [1, 4, 7, 8]
    assert cycle.sites.count() == 5
    assert (cycle.internal_evaluation_on, cycle.labelling_audit_on) == (D(2015, 6, 22), D(2015, 9, 15))
    assert (cycle.granted_on, cycle.decision_body) == (D(2015, 11, 27), "AFNOR Certification")
    assert (cycle.next_audit_due, cycle.renewal_due) == (D(2016, 11, 27), D(2017, 6, 30))
    assert cycle.previous.referential.code == "QP"
    assert cycle.previous.status == "ended"
    assert "17 non-conformités" in cycle.steps.get(kind="internal_evaluation").note


def test_val_de_marne_has_its_2012_2013_qualipref_cycle(loaded):
    cycle = Labelling.objects.get(prefecture__department_id="94")

    assert cycle.referential.code == "QP"
    assert sorted(m.number for m in cycle.modules.all()) == [1, 3, 4]
    assert (cycle.started_on, cycle.internal_evaluation_on, cycle.labelling_audit_on) == (
        D(2012, 6, 1),
        D(2013, 5, 24),
        D(2013, 6, 25),
    )
    assert cycle.status == "granted"
    assert "AFNOR Certification" in cycle.steps.get(kind="internal_evaluation").note


def test_every_demo_cycle_follows_the_rules_of_the_service(loaded):
    for cycle in Labelling.objects.exclude(internal_evaluation_on=None).select_related("referential"):
        assert cycle.internal_evaluation_on >= services.add_months(cycle.indicators_since, 3), cycle
        assert (
            services.add_months(cycle.internal_evaluation_on, 1)
            <= cycle.labelling_audit_on
            <= services.add_months(cycle.internal_evaluation_on, 3)
        ), cycle
        if cycle.granted_on:
            assert cycle.granted_on < cycle.next_audit_due <= cycle.renewal_due, cycle
            assert cycle.steps.filter(kind="decision", happened_on=cycle.granted_on).exists(), cycle
    dates = LabellingStep.objects.values_list("labelling_id", "happened_on").order_by(
        "labelling_id", "happened_on", "pk"
    )
    assert len(dates) > 500


def test_the_other_prefectures_have_french_names(loaded):
    names = dict(Prefecture.objects.values_list("department_id", "name"))

    assert names["01"] == "Préfecture de l'Ain"
    assert names["59"] == "Préfecture du Nord"
    assert names["40"] == "Préfecture des Landes"
    assert names["80"] == "Préfecture de la Somme"
    assert names["28"] == "Préfecture d'Eure-et-Loir"
    assert names["75"] == "Préfecture de Paris"
    assert names["974"] == "Préfecture de La Réunion"


def test_loading_again_changes_nothing_in_a_few_queries(loaded, django_assert_max_num_queries):
    counts = (Prefecture.objects.count(), Labelling.objects.count(), LabellingStep.objects.count())

    with django_assert_max_num_queries(15):  # not one per prefecture
        demo.load()

    assert (Prefecture.objects.count(), Labelling.objects.count(), LabellingStep.objects.count()) == counts
