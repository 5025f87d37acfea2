"""The national targets judged at their dates from the cycles' history, and the sous-préfectures labelled."""

import datetime

import pytest

from engagements.services import labellings as services
from sites.models import Department, Site
from tests import factories

D = datetime.date
TODAY = D(2026, 12, 7)


def _prefectures(count):
    """``count`` prefectures, in the order of the département codes."""
    departments = list(Department.objects.order_by("code")[:count])
    for index in range(len(departments), count):
        departments.append(factories.DepartmentFactory(code=f"{900 + index}", name=f"Département {index}"))
    return [factories.PrefectureFactory(department=department) for department in departments]


def _labelled(prefecture, *, granted_on, code="QP2", sites=(), ended_on=None, lost_on=None):
    """A cycle of ``prefecture`` granted on ``granted_on`` (its decision step), labelled today unless it ended on
    ``ended_on`` (its end step) or lost its label at a renewal on ``lost_on`` (an unfavourable decision)."""
    referential = factories.labelling_referential(code)
    started_on = granted_on - datetime.timedelta(days=200)
    cycle = factories.LabellingFactory(
        prefecture=prefecture,
        referential=referential,
        granted=True,
        started_on=started_on,
        decision_on=granted_on,
        granted_on=granted_on,
        sites=list(sites),
        **({"status": "ended", "ended_on": ended_on} if ended_on else {}),
        **({"status": "refused"} if lost_on else {}),
    )
    factories.LabellingStepFactory(labelling=cycle, kind="start", status="preparation", happened_on=started_on)
    factories.LabellingStepFactory(labelling=cycle, kind="decision", status="granted", happened_on=granted_on)
    if ended_on:
        factories.LabellingStepFactory(labelling=cycle, kind="end", status="ended", happened_on=ended_on)
    if lost_on:
        factories.LabellingStepFactory(labelling=cycle, kind="renewal_audit", status="renewal", happened_on=lost_on)
        factories.LabellingStepFactory(labelling=cycle, kind="decision", status="refused", happened_on=lost_on)
    return cycle


def _states(progress):
    return [(row["deadline"], row["labelled"], row["current"], row["state"]) for row in progress]


@pytest.mark.django_db
def test_the_december_2014_target_is_not_reached_by_cycles_labelled_after_qualipref_2_came_out():
    """Every prefecture is labelled Qualipref 2.0 today: the 50 % of 31/12/2014 were missed all the same (the
    référentiel came out in February 2015), the 100 % of 31/12/2015 too (one prefecture was labelled in 2016)."""
    first, second = _prefectures(2)
    _labelled(first, granted_on=D(2015, 11, 27))
    _labelled(second, granted_on=D(2016, 6, 30))

    assert _states(services.national_progress(on=TODAY)) == [
        (D(2014, 12, 31), 0, 0, "missed"),
        (D(2015, 12, 31), 1, 50, "missed"),
    ]


@pytest.mark.django_db
def test_a_referential_not_yet_published_at_the_target_date_does_not_count():
    """A Qualipref 2.0 decision dated before the référentiel's publication (a data entry error) counts for nothing
    on 31/12/2014; from the publication on it counts."""
    (prefecture,) = _prefectures(1)
    _labelled(prefecture, granted_on=D(2014, 10, 1))

    assert _states(services.national_progress(on=TODAY)) == [
        (D(2014, 12, 31), 0, 0, "missed"),
        (D(2015, 12, 31), 1, 100, "reached"),
    ]


@pytest.mark.django_db
def test_the_december_2015_target_is_judged_at_its_date_and_reached_when_everyone_was_labelled_by_then():
    first, second = _prefectures(2)
    _labelled(first, granted_on=D(2015, 3, 2))
    _labelled(second, granted_on=D(2015, 12, 31))  # the day of the target counts

    assert _states(services.national_progress(on=TODAY)) == [
        (D(2014, 12, 31), 0, 0, "missed"),
        (D(2015, 12, 31), 2, 100, "reached"),
    ]


@pytest.mark.django_db
def test_a_target_still_ahead_shows_the_current_progress_en_cours_even_when_the_share_is_there():
    first, second = _prefectures(2)
    _labelled(first, granted_on=D(2015, 3, 2))
    _labelled(second, granted_on=D(2015, 5, 4))

    progress = services.national_progress(on=D(2015, 6, 1))

    assert _states(progress) == [
        (D(2014, 12, 31), 0, 0, "missed"),
        (D(2015, 12, 31), 2, 100, "pending"),  # not « atteint » before its date
    ]
    assert [row["judged_on"] for row in progress] == [D(2014, 12, 31), D(2015, 6, 1)]


@pytest.mark.django_db
def test_a_cycle_granted_then_ended_or_refused_at_renewal_before_the_date_does_not_count():
    first, second, third = _prefectures(3)
    _labelled(first, granted_on=D(2015, 3, 2), ended_on=D(2015, 10, 1))
    _labelled(second, granted_on=D(2015, 3, 2), lost_on=D(2015, 11, 2))
    _labelled(third, granted_on=D(2015, 3, 2), ended_on=D(2016, 1, 15))  # ended after the date: it counts

    assert _states(services.national_progress(on=TODAY))[1] == (D(2015, 12, 31), 1, 33.3, "missed")
    assert services.labelled_counts(D(2015, 6, 1))["QP2"]["prefectures"] == 3


@pytest.mark.django_db
def test_the_sous_prefectures_in_the_perimeter_of_labelled_cycles_are_counted_per_referential():
    first, second, third = _prefectures(3)

    def sites(prefecture, *kinds):
        return [factories.SiteFactory(prefecture=prefecture, kind=kind) for kind in kinds]

    sub, pref, annex = Site.Kind.SUBPREFECTURE, Site.Kind.PREFECTURE, Site.Kind.ANNEX
    _labelled(first, code="MARIANNE", granted_on=D(2012, 1, 10), sites=sites(first, pref, sub, sub, annex))
    _labelled(second, code="QP", granted_on=D(2013, 7, 1), sites=sites(second, pref, sub))
    factories.SiteFactory(prefecture=second, kind=sub)  # outside the perimeter
    _labelled(third, code="MARIANNE", granted_on=D(2012, 5, 2), sites=sites(third, sub), ended_on=D(2013, 3, 1))
    qp2 = _labelled(third, granted_on=D(2015, 11, 27), sites=sites(third, pref, sub))

    assert services.labelled_counts(D(2013, 7, 1)) == {
        "MARIANNE": {"prefectures": 1, "subprefectures": 2},
        "QP": {"prefectures": 1, "subprefectures": 1},
    }
    assert services.labelled_counts(D(2013, 1, 1)) == {"MARIANNE": {"prefectures": 2, "subprefectures": 3}}
    progress = services.national_progress(on=TODAY)
    assert [row["subprefectures_labelled"] for row in progress] == [0, 1]
    assert qp2.sites.filter(kind=sub).count() == 1


@pytest.mark.django_db
def test_the_progress_costs_the_same_queries_for_two_prefectures_and_for_thirty(django_assert_num_queries):
    for prefecture in _prefectures(2):
        _labelled(prefecture, granted_on=D(2015, 11, 27), sites=[factories.SiteFactory(prefecture=prefecture)])

    # the number of prefectures, then one grouped count per date judged (31/12/2014, 31/12/2015)
    with django_assert_num_queries(3):
        services.national_progress(on=TODAY)
    for prefecture in _prefectures(30)[2:]:
        _labelled(prefecture, granted_on=D(2015, 6, 1), sites=[factories.SiteFactory(prefecture=prefecture)])
    with django_assert_num_queries(3):
        progress = services.national_progress(on=TODAY)
    assert (progress[1]["labelled"], progress[1]["subprefectures_labelled"]) == (30, 30)
    # a target ahead: the two dates judged are 31/12/2014 and today
    with django_assert_num_queries(3):
        services.national_progress(on=D(2015, 7, 1))
