"""Computed indicators: what each computation counts, the idempotent upsert (a second run writes nothing), the
incremental run from the changes since the last one, and the command."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership
from complaints.models import Complaint
from indicators.models import ComputeRun, Measurement
from indicators.services import compute
from surveys.models import AggregatedResult
from tests import factories
from tests.indicators.conftest import TODAY
from tests.surveys.factories import CampaignFactory, add_responses

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def _values(code, **filters):
    return {
        (m.site_id, m.period): (m.value, m.numerator, m.denominator)
        for m in Measurement.objects.filter(indicator__code=code, **filters)
    }


def _complaints_of_march(site):
    factories.ComplaintFactory(site=site, answered=True)  # answered in a week: in time
    factories.ComplaintFactory(site=site, answered_late=True)  # answered 40 days later: late
    factories.ComplaintFactory(site=site)  # unanswered, due on 23 March: late
    factories.ComplaintFactory(site=site, received_on=datetime.date(2026, 3, 31))  # due after today: left out


def test_complaints_in_time_counts_late_the_unanswered_past_due_and_leaves_out_those_not_yet_due(world):
    _complaints_of_march(world.site)

    compute.compute(codes=["complaints_in_time"], today=TODAY)

    assert _values("complaints_in_time") == {(world.site.pk, MARCH): (Decimal("33.33"), 1, 3)}
    measurement = Measurement.objects.get()
    assert (measurement.source, measurement.prefecture, measurement.entered_by) == ("computed", world.prefecture, None)


def test_the_mean_answer_delay_is_weighted_by_the_complaints_answered(world):
    _complaints_of_march(world.site)

    compute.compute(codes=["complaints_answer_delay"], today=TODAY)

    (value, numerator, denominator) = _values("complaints_answer_delay")[(world.site.pk, MARCH)]
    delays = list(Complaint.objects.exclude(answer_delay=None).values_list("answer_delay", flat=True))
    assert (denominator, numerator) == (2, None)
    assert value == Decimal(sum(delays)) / 2


def test_letters_and_emails_in_time_count_the_correspondence_of_their_kind(world):
    factories.CorrespondenceFactory(site=world.site, answered=True)
    factories.CorrespondenceFactory(site=world.site)  # unanswered, past due
    factories.CorrespondenceFactory(site=world.site, email=True, answered=True)

    compute.compute(codes=["letters_in_time", "emails_in_time"], today=TODAY)

    assert _values("letters_in_time") == {(world.site.pk, MARCH): (Decimal("50.00"), 1, 2)}
    assert _values("emails_in_time") == {(world.site.pk, MARCH): (Decimal("100.00"), 1, 1)}


def test_actions_on_time_per_site_and_for_the_whole_prefecture(world):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    due = datetime.date(2026, 3, 20)
    for completed_on in (datetime.date(2026, 3, 19), datetime.date(2026, 3, 25)):  # on time, late
        factories.ActionFactory(
            plan=plan, site=world.site, due_on=due, status="done", progress=100, completed_on=completed_on
        )
    factories.ActionFactory(plan=plan, site=world.site, due_on=due, status="in_progress")  # open, past due: late
    factories.ActionFactory(plan=plan, site=world.site, due_on=due, abandoned=True)  # left out
    factories.ActionFactory(plan=plan, site=world.site, due_on=datetime.date(2026, 4, 30))  # not yet due
    factories.ActionFactory(plan=plan, site=None, due_on=due, status="done", progress=100, completed_on=due)

    compute.compute(codes=["actions_on_time"], today=TODAY)

    assert _values("actions_on_time") == {
        (world.site.pk, MARCH): (Decimal("33.33"), 1, 3),
        (None, MARCH): (Decimal("100.00"), 1, 1),
    }


def test_agents_trained_in_the_last_4_years_at_the_end_of_each_month(world):
    agent = world.users["agent"]  # agent of Arles since 2020
    newcomer = factories.MembershipFactory(agent=True, site=world.site).user
    factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2022, 3, 15))
    factories.TrainingFactory(person=newcomer, site=world.site, trained_on=datetime.date(2026, 3, 10))

    compute.compute(
        codes=["agents_trained_4y"], first=datetime.date(2026, 2, 1), last=datetime.date(2026, 4, 1), today=TODAY
    )

    assert _values("agents_trained_4y") == {
        (world.site.pk, datetime.date(2026, 2, 1)): (Decimal("50.00"), 1, 2),  # the newcomer not trained yet
        (world.site.pk, MARCH): (Decimal("50.00"), 1, 2),  # the agent's training is 4 years old on 15 March
        (world.site.pk, datetime.date(2026, 4, 1)): (Decimal("50.00"), 1, 2),
    }


def test_agents_trained_in_the_last_4_years_count_people_without_an_account(world):
    from engagements.models import Trainee
    from tests.indicators.test_rollups import assert_rollups_are_the_aggregates

    agent = world.users["agent"]  # agent of Arles since 2020, never trained
    trained = Trainee.objects.create(
        site=world.site, first_name="Nadia", last_name="Haddad", started_on=datetime.date(2025, 1, 6)
    )
    factories.TrainingFactory(person=None, trainee=trained, site=world.site, trained_on=datetime.date(2026, 3, 10))
    Trainee.objects.create(  # not a reception agent: not counted
        site=world.site,
        first_name="Claire",
        last_name="Vidal",
        started_on=datetime.date(2020, 1, 6),
        reception_agent=False,
    )
    Trainee.objects.create(  # left in February: counted in January only
        site=world.site,
        first_name="Thomas",
        last_name="Blanc",
        started_on=datetime.date(2010, 1, 6),
        left_on=datetime.date(2026, 2, 15),
    )
    factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2021, 1, 10))

    compute.compute(
        codes=["agents_trained_4y"], first=datetime.date(2026, 1, 1), last=datetime.date(2026, 4, 1), today=TODAY
    )

    assert _values("agents_trained_4y") == {
        # the agent's 2021 training counts until 10 January 2026; Nadia's training is of March
        (world.site.pk, datetime.date(2026, 1, 1)): (Decimal("0.00"), 0, 3),
        (world.site.pk, datetime.date(2026, 2, 1)): (Decimal("0.00"), 0, 2),
        (world.site.pk, MARCH): (Decimal("50.00"), 1, 2),
        (world.site.pk, datetime.date(2026, 4, 1)): (Decimal("50.00"), 1, 2),
    }
    assert_rollups_are_the_aggregates()


def test_clu_meetings_over_the_last_12_months_per_prefecture(world):
    factories.MeetingFactory(prefecture=world.prefecture, kind="clu", held_on=datetime.date(2025, 4, 16))

    compute.compute(codes=["clu_meetings_per_year"], first=MARCH, last=datetime.date(2026, 4, 1), today=TODAY)

    assert _values("clu_meetings_per_year") == {
        (None, MARCH): (Decimal("1.00"), None, None),
        (None, datetime.date(2026, 4, 1)): (Decimal("0.00"), None, None),  # a year has passed: red light
    }


def test_satisfaction_per_dimension_from_the_responses_and_from_a_past_campaign_s_rates(world):
    campaign = CampaignFactory(
        prefecture=world.prefecture,
        sites=[world.site],
        status="closed",
        opens_on=datetime.date(2026, 2, 2),
        closes_on=datetime.date(2026, 3, 27),
    )
    add_responses(campaign, world.site, "waiting_time", [4, 3, 2, 1, None], answered_on=datetime.date(2026, 3, 2))
    past = CampaignFactory(prefecture=world.prefecture, aggregated=True)
    AggregatedResult.objects.create(campaign=past, site=world.sister_site, question_code="waiting_time", rate=57)

    compute.compute(codes=["satisfaction_waiting_time", "satisfaction_surveys_per_year"], today=TODAY)

    assert _values("satisfaction_waiting_time") == {
        (world.site.pk, MARCH): (Decimal("50.00"), 2, 4),  # « sans avis » left out
        (world.sister_site.pk, datetime.date(2015, 6, 1)): (Decimal("57.00"), None, None),
    }
    surveys = _values("satisfaction_surveys_per_year")
    assert surveys[(None, MARCH)] == (Decimal("1.00"), None, None)
    assert surveys[(None, datetime.date(2016, 6, 1))] == (Decimal("0.00"), None, None)


def test_running_the_computation_twice_writes_nothing_the_second_time(world):
    _complaints_of_march(world.site)
    first = compute.run_full(today=TODAY)
    stamps = dict(Measurement.objects.values_list("pk", "updated_at"))

    second = compute.run_full(today=TODAY)

    assert first.created > 0 and first.state == "succeeded"
    assert (second.created, second.updated, second.deleted, second.unchanged) == (0, 0, 0, first.created)
    assert dict(Measurement.objects.values_list("pk", "updated_at")) == stamps


def test_a_measurement_whose_source_is_gone_is_deleted_and_a_changed_one_updated(world):
    _complaints_of_march(world.site)
    compute.run_full(today=TODAY)
    Complaint.objects.filter(answered_on__isnull=True).delete()

    run = compute.run_full(today=TODAY)

    assert _values("complaints_in_time") == {(world.site.pk, MARCH): (Decimal("50.00"), 1, 2)}
    assert run.updated >= 1


def test_the_incremental_run_computes_what_changed_since_the_last_run(world):
    _complaints_of_march(world.site)
    compute.run_full(today=TODAY)
    # The run and everything before it happened a while ago.
    long_ago = timezone.now() - datetime.timedelta(days=2)
    ComputeRun.objects.update(started_at=long_ago + datetime.timedelta(hours=1))
    for model in (Complaint, Membership):
        model.objects.update(updated_at=long_ago)
    factories.ComplaintFactory(site=world.sister_site, received_on=datetime.date(2026, 2, 2), answered=True)

    run = compute.run_changes(today=TODAY)

    assert run.kind == "changes" and (run.created, run.updated, run.deleted) == (2, 0, 0)  # Istres in February
    assert _values("complaints_in_time", site=world.sister_site) == {
        (world.sister_site.pk, datetime.date(2026, 2, 1)): (Decimal("100.00"), 1, 1)
    }
    # Only the prefecture and the month touched were computed again.
    assert run.scope == "complaints_in_time 2026-02→2026-02 (1); complaints_answer_delay 2026-02→2026-02 (1)"


def test_without_any_earlier_run_the_incremental_run_computes_everything(world):
    _complaints_of_march(world.site)

    run = compute.run_changes(today=TODAY)

    assert run.scope == "premier calcul : complet" and Measurement.objects.exists()


def test_a_run_that_dies_midway_is_recorded_and_the_next_run_reads_the_same_changes(world, monkeypatch):
    compute.run_full(today=TODAY)
    ComputeRun.objects.update(started_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    watermark = compute.watermark()
    factories.ComplaintFactory(site=world.site)

    def die(*args, **kwargs):
        raise RuntimeError("worker tué")

    monkeypatch.setattr(compute, "upsert", die)
    with pytest.raises(RuntimeError):
        compute.run_changes(today=TODAY)
    monkeypatch.undo()

    failed = ComputeRun.objects.get(state="failed")
    assert "worker tué" in failed.error and compute.watermark() == watermark
    assert compute.run_changes(today=TODAY).created == 1


def test_the_command_computes_one_month_or_everything(world):
    _complaints_of_march(world.site)
    out = io.StringIO()

    call_command("compute_indicators", "--period", "2026-03", stdout=out)
    assert "Un mois (à la demande) (2026-03)" in out.getvalue()
    call_command("compute_indicators", stdout=out)
    call_command("compute_indicators", stdout=out)
    assert ": 0 mesure(s) créée(s), 0 modifiée(s), 0 supprimée(s)" in out.getvalue().splitlines()[-1]


def test_the_command_refuses_a_wrong_month_in_french(world):
    with pytest.raises(CommandError, match="AAAA-MM"):
        call_command("compute_indicators", "--period", "mars-2026", stdout=io.StringIO())
