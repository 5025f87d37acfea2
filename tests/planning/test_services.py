"""The programme's build (rules and labelling cycle), its idempotent rebuild, the links to what fulfils each item
and the derived status."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planning import services
from planning.models import PlannedItem, ProgrammeRule
from tests import factories
from tests.planning.conftest import TODAY, YEAR
from tests.surveys.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _build(world, today=TODAY, year=YEAR):
    return services.programme_build(prefecture=world.prefecture, year=year, today=today)


def _items(world, **filters):
    return PlannedItem.objects.for_year(world.prefecture, YEAR).filter(**filters)


def test_the_rules_plan_twelve_copils_a_clu_a_survey_an_internal_audit_and_four_quarters_per_site(world, rules):
    result = _build(world)

    assert result.created == 0  # rule_save built the year already
    items = _items(world)
    assert items.planned_count("copil") == 12
    assert items.planned_count("clu") == 1
    assert items.planned_count("survey") == 1
    assert items.planned_count("internal_audit") == 1
    assert items.planned_count("self_assessment") == 4 * 2  # Arles and Istres
    survey = items.get(kind="survey")
    assert (survey.starts_on, survey.ends_on) == (datetime.date(YEAR, 5, 1), datetime.date(YEAR, 6, 30))
    clu = items.get(kind="clu")
    assert (clu.starts_on, clu.ends_on, clu.title) == (
        datetime.date(YEAR, 4, 1),
        datetime.date(YEAR, 4, 30),
        f"Comité local des usagers {YEAR}",
    )
    assert items.get(kind="internal_audit").site == world.site


def test_the_labelling_cycle_plans_its_follow_up_and_renewal_audits(world):
    factories.LabellingFactory(
        prefecture=world.prefecture,
        granted=True,
        next_audit_due=datetime.date(YEAR, 11, 27),
        renewal_due=datetime.date(YEAR + 1, 11, 27),
    )

    _build(world)

    follow_up = _items(world).get()
    assert follow_up.kind == "follow_up_audit"
    assert follow_up.ends_on == datetime.date(YEAR, 11, 27)
    assert follow_up.starts_on == datetime.date(YEAR, 8, 29)  # 90 days before
    assert follow_up.title == "Audit de suivi (avant le 27/11/2026)"
    _build(world, year=YEAR + 1)
    assert PlannedItem.objects.for_year(world.prefecture, YEAR + 1).get().kind == "renewal_audit"


def test_a_rebuild_changes_nothing_and_keeps_links_and_manual_items(world, rules):
    meeting = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 2, 10))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])
    manual = PlannedItem.objects.create(
        prefecture=world.prefecture,
        year=YEAR,
        kind="internal_audit",
        title="Audit interne exceptionnel",
        starts_on=datetime.date(YEAR, 7, 1),
        ends_on=datetime.date(YEAR, 7, 31),
    )
    before = list(_items(world).order_by("pk").values_list("pk", "title", "starts_on", "ends_on", "fulfilment_id"))

    result = _build(world)

    assert (result.created, result.updated, result.removed, result.linked) == (0, 0, 0, 0)
    assert (
        list(_items(world).order_by("pk").values_list("pk", "title", "starts_on", "ends_on", "fulfilment_id")) == before
    )
    assert _items(world, kind="copil", fulfilment_id=meeting.pk).get().starts_on == datetime.date(YEAR, 2, 1)
    assert PlannedItem.objects.filter(pk=manual.pk).exists()


def test_a_rule_change_moves_the_future_unfulfilled_item_and_leaves_the_past(world, rules):
    qm = world.users["quality_manager"]
    clu = _items(world).get(kind="clu")

    with time_machine(TODAY):
        services.rule_save(by=qm, prefecture=world.prefecture, rule=rules["internal_audit"], month=11)
        services.rule_save(by=qm, prefecture=world.prefecture, rule=rules["clu"], month=3)

    audit = _items(world).get(kind="internal_audit")
    assert audit.starts_on == datetime.date(YEAR, 11, 1)
    # The CLU's window (April) and its new one (March) are both over on 15 May: it stays as planned, late.
    assert _items(world).get(kind="clu").starts_on == clu.starts_on
    assert rules["clu"].history.count() == 2


def test_a_deleted_rule_takes_its_future_items_and_keeps_the_past_and_fulfilled(world, rules):
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 1, 20))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])

    with time_machine(TODAY):
        services.rule_delete(by=world.users["quality_manager"], rule=rules["copil"])

    copils = _items(world, kind="copil").order_by("starts_on")
    # January (done) and February to April (late) stay; May to December go.
    assert [item.starts_on.month for item in copils] == [1, 2, 3, 4]
    assert copils[0].fulfilment_id is not None
    assert not ProgrammeRule.objects.filter(kind="copil").exists()


def test_meetings_audits_campaigns_and_self_assessments_of_the_window_fulfil_the_items(world, rules):
    copil = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 3, 12))
    second_copil_in_march = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 3, 26))
    clu = factories.MeetingFactory(prefecture=world.prefecture, clu=True, held_on=datetime.date(YEAR, 4, 16))
    campaign = CampaignFactory(
        prefecture=world.prefecture, opens_on=datetime.date(YEAR, 5, 11), closes_on=datetime.date(YEAR, 6, 12)
    )
    labelling = factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])
    internal = factories.AuditFactory(
        labelling=labelling,
        internal=True,
        start_on=datetime.date(YEAR, 10, 6),
        end_on=datetime.date(YEAR, 10, 7),
        sites=[world.site],
    )
    foreign_copil = factories.MeetingFactory(prefecture=world.foreign_prefecture, held_on=datetime.date(YEAR, 5, 8))

    linked = services.link_fulfilments(prefecture_ids=[world.prefecture.pk])

    assert linked == 4
    march = _items(world).get(kind="copil", starts_on=datetime.date(YEAR, 3, 1))
    assert (march.fulfilment, march.fulfilled_on) == (copil, datetime.date(YEAR, 3, 12))
    assert not _items(world, fulfilment_id=second_copil_in_march.pk, kind="copil").exists()  # one per item
    assert _items(world).get(kind="clu").fulfilment == clu
    assert _items(world).get(kind="survey").fulfilment == campaign
    assert _items(world).get(kind="internal_audit").fulfilment == internal
    assert not _items(world, kind="copil", starts_on=datetime.date(YEAR, 5, 1)).get().fulfilment_id
    assert not PlannedItem.objects.filter(fulfilment_id=foreign_copil.pk).exists()


def test_an_internal_audit_of_another_site_does_not_fulfil_the_sites_item(world, rules):
    labelling = factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.sister_site])
    factories.AuditFactory(
        labelling=labelling, internal=True, start_on=datetime.date(YEAR, 10, 6), end_on=datetime.date(YEAR, 10, 7)
    )

    assert services.link_fulfilments(prefecture_ids=[world.prefecture.pk]) == 0


def test_a_recorded_meeting_fulfils_its_item_when_its_transaction_commits(
    world, rules, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 6, 4))

    june = _items(world).get(kind="copil", starts_on=datetime.date(YEAR, 6, 1))
    assert june.fulfilment == meeting

    # Its date corrected to July: June is due again, July is fulfilled.
    with django_capture_on_commit_callbacks(execute=True):
        meeting.held_on = datetime.date(YEAR, 7, 2)
        meeting.save()

    june.refresh_from_db()
    assert (june.fulfilment_id, june.fulfilled_on) == (None, None)
    july = _items(world).get(kind="copil", starts_on=datetime.date(YEAR, 7, 1))
    assert (july.fulfilment, july.fulfilled_on) == (meeting, datetime.date(YEAR, 7, 2))
    # Moved within July: the same item, its new date.
    with django_capture_on_commit_callbacks(execute=True):
        meeting.held_on = datetime.date(YEAR, 7, 9)
        meeting.save()
    july.refresh_from_db()
    assert (july.fulfilment, july.fulfilled_on) == (meeting, datetime.date(YEAR, 7, 9))

    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()

    july.refresh_from_db()
    assert (july.fulfilment_id, july.fulfilled_on) == (None, None)


def test_a_started_self_assessment_fulfils_its_sites_quarter(world, rules, django_capture_on_commit_callbacks):
    from audits.services import self_assessments

    factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])
    with django_capture_on_commit_callbacks(execute=True):
        check = self_assessments.self_assessment_start(
            by=world.users["site_referent"], site=world.site, year=YEAR, quarter=1, on=TODAY
        )

    item = _items(world).get(kind="self_assessment", site=world.site, starts_on=datetime.date(YEAR, 1, 1))
    assert item.fulfilment == check
    assert not _items(world, kind="self_assessment", site=world.sister_site).exclude(fulfilment_id=None).exists()


def test_the_status_is_upcoming_current_done_or_late_the_same_in_python_and_sql(world, rules):
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 1, 15))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])

    by_month = {item.starts_on.month: item for item in _items(world, kind="copil").with_status(TODAY)}

    expected = {1: "done", 2: "late", 3: "late", 4: "late", 5: "current", 6: "upcoming"}
    assert {month: by_month[month].derived_status for month in expected} == expected
    assert {month: by_month[month].status_on(TODAY).value for month in expected} == expected
    assert _items(world, kind="copil").late(TODAY).count() == 3
    assert _items(world).fulfilled_count("copil", on=TODAY) == 1
    counts = _items(world).kind_counts(TODAY)
    assert counts["copil"] == {"planned": 12, "fulfilled": 1, "late": 3}
    assert counts["clu"] == {"planned": 1, "fulfilled": 0, "late": 1}
    # A meeting recorded ahead fulfils its item, which is done on its day only.
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 7, 2))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])
    july = _items(world).get(kind="copil", starts_on=datetime.date(YEAR, 7, 1))
    assert july.status_on(TODAY) == "upcoming"
    assert july.status_on(datetime.date(YEAR, 7, 2)) == "done"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "clu", "month": 13}, "month", "Le mois est un nombre de 1 (janvier) à 12 (décembre)."),
        ({"kind": "copil", "month": 3}, "month", "Cette règle ne prend pas de mois"),
        ({"kind": "survey", "month": 6, "end_month": 5}, "end_month", "Le mois de fin vient après le mois de début"),
        ({"kind": "clu", "month": 4, "end_month": 5}, "end_month", "Seule l'enquête de satisfaction"),
        ({"kind": "copil", "site": "site"}, "site", "Seul un audit interne vise un site"),
        (
            {"kind": "internal_audit", "month": 5, "site": "foreign_site"},
            "site",
            "Choisissez un site de la préfecture.",
        ),
        ({"kind": "exercise"}, "kind", "Choisissez la nature"),
        ({"kind": "copil", "first_year": 1999}, "first_year", "Indiquez une année entre 2000 et 2100"),
    ],
)
def test_a_wrong_rule_is_refused_with_a_french_message(world, fields, field, message):
    fields = {name: getattr(world, value) if name == "site" else value for name, value in fields.items()}

    with pytest.raises(ValidationError) as refused:
        services.rule_save(by=world.users["quality_manager"], prefecture=world.prefecture, **fields)

    assert message in " ".join(refused.value.message_dict[field])
    assert not ProgrammeRule.objects.exists()


def test_a_rule_applies_from_its_first_year_and_a_year_not_built_is_previewed_without_writing(world, rules):
    """Rules written today must not make past programmes late: « depuis 2016 » plans nothing in 2015. The review's
    outlook reads a year not built yet from the rules, without writing it."""
    qm = world.users["quality_manager"]
    services.rule_save(by=qm, prefecture=world.prefecture, rule=rules["self_assessment"], first_year=YEAR + 1)
    # a year built from then on plans none; this year's future quarters go, its past ones stay as they were planned
    _build(world, year=YEAR - 1)
    before = PlannedItem.objects.for_year(world.prefecture, YEAR - 1)
    assert before.planned_count("self_assessment") == 0 and before.planned_count("copil") == 12
    left = _items(world, kind="self_assessment")
    assert left.exists() and all(item.ends_on < timezone.localdate() for item in left)  # rule_save rebuilds on the day

    assert not PlannedItem.objects.filter(year=YEAR + 1).exists()
    with CaptureQueriesContext(connection) as queries:
        preview = services.planned_of_year(world.prefecture, YEAR + 1)
    assert len(queries) == 4  # the items (none), the rules, the sites, the cycles
    assert not PlannedItem.objects.filter(year=YEAR + 1).exists()
    kinds = [planned.kind for planned in preview]
    assert kinds.count("copil") == 12 and kinds.count("self_assessment") == 4 * 2 and kinds.count("clu") == 1
    assert [planned.starts_on for planned in preview] == sorted(planned.starts_on for planned in preview)

    # once built, the stored items are read (one query), fulfilled ones included
    services.programme_build(prefecture=world.prefecture, year=YEAR + 1, today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        stored = services.planned_of_year(world.prefecture, YEAR + 1)
    assert len(queries) == 1 and [p.slot for p in stored] == [p.slot for p in preview]


def test_a_new_rule_gets_its_default_month(world):
    clu = services.rule_save(by=world.users["quality_manager"], prefecture=world.prefecture, kind="clu")
    survey = services.rule_save(by=world.users["quality_manager"], prefecture=world.prefecture, kind="survey")

    assert (clu.month, survey.month, survey.end_month) == (4, 5, 6)
    assert survey.label == "Enquête de satisfaction en mai – juin"


@pytest.mark.parametrize("role", ["national", "manager", "site_referent", "agent"])
def test_only_the_quality_manager_writes_the_rules(world, role):
    with pytest.raises(PermissionDenied):
        services.rule_save(by=world.users[role], prefecture=world.prefecture, kind="copil")


def test_the_build_and_the_links_take_the_same_queries_for_two_sites_or_twelve(world, rules):
    def queries(year, extra_sites, meetings):
        for number in range(extra_sites):
            factories.SiteFactory(prefecture=world.prefecture, name=f"Site {number}")
        for month in range(1, meetings + 1):
            factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(year, month, 3))
        with CaptureQueriesContext(connection) as captured:
            services.programme_build(prefecture=world.prefecture, year=year, today=TODAY)
        return len(captured)

    # savepoint, rules, sites, labellings, the year's items, bulk insert, unfulfilled items, meetings, campaigns,
    # audits, self-assessments, used links, bulk update, release: 2 sites and 1 meeting or 12 sites and 12 meetings.
    assert queries(YEAR + 1, 0, 1) == queries(YEAR + 2, 10, 12) == 14


def time_machine(day):
    """Run with timezone.localdate() == ``day`` (the rule services rebuild the year of today)."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_the_daily_sweep_builds_the_year_links_what_no_signal_linked_and_from_october_the_next_year(world, rules):
    from engagements.models import Meeting

    # A meeting written without a signal (a bulk write): only the sweep links it.
    Meeting.objects.bulk_create([Meeting(prefecture=world.prefecture, kind="copil", held_on=datetime.date(YEAR, 2, 5))])
    PlannedItem.objects.filter(kind="clu").delete()
    untouched = world.foreign_prefecture  # no rule, no labelled cycle

    results = services.refresh_programmes(today=TODAY)

    assert set(results) == {(world.prefecture.pk, YEAR)}
    assert results[(world.prefecture.pk, YEAR)].created == 1  # the CLU again
    assert _items(world).get(kind="copil", starts_on=datetime.date(YEAR, 2, 1)).fulfilled_on == datetime.date(
        YEAR, 2, 5
    )
    assert not PlannedItem.objects.filter(prefecture=untouched).exists()

    results = services.refresh_programmes(today=datetime.date(YEAR, 10, 1))

    assert set(results) == {(world.prefecture.pk, YEAR), (world.prefecture.pk, YEAR + 1)}
    assert PlannedItem.objects.for_year(world.prefecture, YEAR + 1).planned_count("copil") == 12
