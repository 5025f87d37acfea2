"""Demo labelling cycles: the two documented prefectures and a label for every other one as of July 2013."""

import datetime
from collections import defaultdict

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from engagements.demo import labellings as demo
from engagements.models import Labelling, LabellingStep
from engagements.services import labellings as services
from indicators.dashboards import map as france_map
from indicators.dashboards import national
from sites.models import Prefecture
from tests.checks import assert_no_new_rows

D = datetime.date


@pytest.fixture
def loaded(demo_data, db):
    demo.load()


def labelled_on(day):
    """The cycles labelled on ``day``: granted by then (their first favourable decision: a renewal moves
    ``granted_on``) and not ended."""
    granted = LabellingStep.objects.filter(kind="decision", status="granted", happened_on__lte=day)
    return Labelling.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), pk__in=granted.values("labelling"))


def test_43_prefectures_are_marianne_and_61_qualipref_on_1_july_2013(loaded):
    counts = dict(labelled_on(D(2013, 7, 1)).values_list("referential__code").annotate(n=Count("pk")))

    assert counts == {"MARIANNE": 43, "QP": 61}
    # and the sous-préfectures in their perimeters: 30 Marianne, 11 Qualipref (dossier de presse, juillet 2013)
    assert services.labelled_counts(D(2013, 7, 1)) == {
        "MARIANNE": {"prefectures": 43, "subprefectures": 30},
        "QP": {"prefectures": 61, "subprefectures": 11},
    }
    assert Prefecture.objects.count() == 104
    assert not Prefecture.objects.filter(department__code__in=["986", "987", "988"]).exists()


def test_bouches_du_rhone_is_labelled_qualipref_2_end_of_november_2015(loaded):
    cycle = Labelling.objects.current().get(prefecture__department_id="13")

    assert cycle.referential.code == "QP2"
    assert sorted(m.number for m in cycle.modules.all()) == [1, 4, 7, 8]
    assert cycle.sites.count() == 5
    assert (cycle.internal_evaluation_on, cycle.labelling_audit_on) == (D(2015, 6, 22), D(2015, 9, 15))
    granted = cycle.history.filter(granted_on=D(2015, 11, 27)).earliest("history_date")
    assert (granted.decision_body, granted.next_audit_due, granted.renewal_due) == (
        "AFNOR Certification",
        D(2016, 11, 27),
        D(2017, 6, 30),
    )
    assert cycle.previous.referential.code == "QP"
    assert cycle.previous.status == "ended"
    assert "17 non-conformités" in cycle.steps.get(kind="internal_evaluation").note


def test_bouches_du_rhone_renews_its_label_mid_2017_and_is_labelled_today(loaded):
    cycle = Labelling.objects.current().get(prefecture__department_id="13")
    steps = list(cycle.steps.filter(happened_on__gt=D(2015, 11, 27)).values_list("kind", "happened_on"))

    assert steps[:3] == [
        ("follow_up_audit", D(2016, 11, 17)),
        ("renewal_audit", D(2017, 5, 31)),
        ("decision", D(2017, 6, 20)),
    ]
    assert cycle.status in ("granted", "renewal")
    assert cycle.next_audit_due >= timezone.localdate() - datetime.timedelta(days=10)
    assert not Labelling.objects.late().filter(pk=cycle.pk).exists()


def test_val_de_marne_moves_to_qualipref_2_in_2016_and_is_labelled_today(loaded):
    cycle = Labelling.objects.current().select_related("previous").get(prefecture__department_id="94")

    assert cycle.referential.code == "QP2"
    assert sorted(m.number for m in cycle.modules.all()) == [1, 3, 4, 8]
    assert (cycle.started_on, cycle.previous.ended_on) == (D(2016, 1, 11), D(2016, 1, 11))
    assert cycle.steps.filter(kind="decision", status="granted", happened_on__year=2016).exists()
    assert cycle.is_labelled and not Labelling.objects.late().filter(pk=cycle.pk).exists()


def test_val_de_marne_has_its_2012_2013_qualipref_cycle(loaded):
    cycle = Labelling.objects.get(prefecture__department_id="94", referential__code="QP")

    assert cycle.referential.code == "QP"
    assert sorted(m.number for m in cycle.modules.all()) == [1, 3, 4]
    assert (cycle.started_on, cycle.internal_evaluation_on, cycle.labelling_audit_on) == (
        D(2012, 6, 1),
        D(2013, 5, 24),
        D(2013, 6, 25),
    )
    assert cycle.steps.filter(kind="decision", status="granted", happened_on=D(2013, 6, 28)).exists()
    assert cycle.status == "ended"
    assert "AFNOR Certification" in cycle.steps.get(kind="internal_evaluation").note


def _steps_by_cycle():
    steps = defaultdict(list)
    for step in LabellingStep.objects.order_by("labelling_id", "happened_on", "pk"):
        steps[step.labelling_id].append(step)
    return steps


def test_every_demo_cycle_follows_the_rules_of_the_service(loaded):
    assert_every_cycle_follows_the_rules_of_the_service()


def assert_every_cycle_follows_the_rules_of_the_service():
    """Replay each cycle's timeline: every step allowed where it happens, dated in order and not in the future,
    the dates of the rules kept, the due dates those of the service."""
    today, steps = timezone.localdate(), _steps_by_cycle()
    cycles = list(Labelling.objects.select_related("referential", "previous"))
    for cycle in cycles:
        timeline = steps[cycle.pk]
        assert timeline[0].kind == "start" and timeline[0].happened_on == cycle.started_on, cycle
        assert timeline[-1].status == cycle.status and timeline[-1].happened_on <= today, cycle
        status, follow_ups = timeline[0].status, 0
        for step in timeline[1:]:
            assert step.kind in services.ALLOWED_STEPS[status], (cycle, status, step.kind)
            status = step.status
            follow_ups = (
                follow_ups + 1 if step.kind == "follow_up_audit" else 0 if step.kind == "decision" else follow_ups
            )
        if cycle.previous_id:
            assert cycle.previous.ended_on == cycle.started_on and cycle.previous.status == "ended", cycle
        if cycle.labelling_audit_on:
            assert cycle.internal_evaluation_on >= services.add_months(cycle.indicators_since, 3), cycle
            assert (
                services.add_months(cycle.internal_evaluation_on, 1)
                <= cycle.labelling_audit_on
                <= services.add_months(cycle.internal_evaluation_on, 3)
            ), cycle
        if cycle.granted_on:
            decisions = [step for step in timeline if step.kind == "decision"]
            assert decisions[-1].happened_on == cycle.granted_on, cycle
            assert cycle.granted_on < cycle.next_audit_due <= cycle.renewal_due, cycle
            assert cycle.renewal_due <= services.add_months(cycle.granted_on, services.LABEL_VALIDITY_MONTHS), cycle
            # each follow-up audit since the label moved the next one by a period, counted from the label
            months = cycle.referential.follow_up_months
            expected = min(services.add_months(cycle.granted_on, (follow_ups + 1) * months), cycle.renewal_due)
            assert cycle.next_audit_due == expected, cycle
    assert sum(len(timeline) for timeline in steps.values()) > 1500
    assert len(cycles) > 200


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
    def load():
        with django_assert_max_num_queries(15):  # not one per prefecture
            demo.load()

    assert_no_new_rows(load, Prefecture.objects, Labelling.objects, LabellingStep.objects)


def test_as_of_today_most_prefectures_are_labelled_a_few_late_and_the_map_shows_every_state(loaded):
    counts = national.build().counts
    total = Prefecture.objects.count()

    assert set(counts) == set(france_map.STATUSES) and all(counts.values()), counts
    assert 5 <= counts["late"] <= 8, counts
    assert counts["labelled"] >= 0.85 * total, counts
    assert counts["in_progress"] >= 2 and counts["refused"] == 1 and counts["none"] == 1, counts
    assert counts["absent"] == 3  # the Pacific: no prefecture
    # the 13 and the 94 hold their label, their next follow-up ahead
    assert not Labelling.objects.late().filter(prefecture__department_id__in=["13", "94"]).exists()


def test_the_move_to_qualipref_2_follows_the_national_targets_late_but_plausibly(loaded):
    total = Prefecture.objects.count()

    def share(day):
        return 100 * labelled_on(day).filter(referential__code="QP2").count() / total

    assert share(D(2014, 12, 31)) == 0  # the référentiel came out in February 2015
    assert 5 <= share(D(2015, 12, 31)) <= 20  # the Bouches-du-Rhône among the first
    assert 40 <= share(D(2016, 12, 31)) <= 60
    assert share(D(2018, 12, 31)) >= 90
    # each target judged at its date, from the cycles' history (not « atteint » because 50 % are labelled today)
    progress = services.national_progress()
    assert [(row["state"], row["judged_on"]) for row in progress] == [
        ("missed", D(2014, 12, 31)),
        ("missed", D(2015, 12, 31)),
    ]
    assert [row["current"] for row in progress] == [0, round(share(D(2015, 12, 31)), 1)]
    assert [row["labelled"] for row in progress] == [
        0,
        labelled_on(D(2015, 12, 31)).filter(referential__code="QP2").count(),
    ]
