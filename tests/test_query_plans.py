"""The big lists read their first page from an index in their order (issue 14): PostgreSQL's plan of the page
query has no Sort (nor Incremental Sort) and no Seq Scan on the list's table, and reads it with the index made
for that order and that scope, so that a change of the order, of the scope or of the indexes that loses it fails
here instead of sorting the whole scope on every page at national scale.

The page query is the one the list really runs (through the API or the page, as a national administrator and as a
prefecture's quality manager), explained with sorts and sequential scans priced out (``enable_sort``,
``enable_incremental_sort``, ``enable_seqscan`` off): with a few rows PostgreSQL would rather sort them, so the
question asked is whether a plan without a sort exists, which only the matching index gives. Site roles (a
referent, an agent) see a site's rows: scopes small enough to sort, not covered here.

PostgreSQL only (plans): the CI's PostgreSQL series runs this file."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.api.conftest import api_client, as_role, world  # noqa: F401 (the API tests' fixtures)
from tests.indicators.factories import MeasurementFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Plans de PostgreSQL (EXPLAIN) : la série PostgreSQL de la CI les vérifie.",
)

# list -> (address, whether it is a page (else the API), table, index for a prefecture, index for the nation)
LISTS = {
    "complaints API": (
        "api:complaint-list",
        False,
        "complaints_complaint",
        "complaint_pref_newest_idx",
        "complaint_newest_idx",
    ),
    "complaints page": (
        "complaint_list",
        True,
        "complaints_complaint",
        "complaint_pref_page_idx",
        "complaint_page_idx",
    ),
    "correspondences API": (
        "api:correspondence-list",
        False,
        "complaints_correspondence",
        "correspondence_pref_newest_idx",
        "correspondence_newest_idx",
    ),
    "correspondences page": (
        "correspondence_list",
        True,
        "complaints_correspondence",
        "correspondence_pref_page_idx",
        "correspondence_page_idx",
    ),
    "actions API": (
        "api:action-list",
        False,
        "engagements_action",
        "action_pref_open_first_idx",
        "action_open_first_idx",
    ),
    "actions page": ("action_list", True, "engagements_action", "action_pref_open_first_idx", "action_open_first_idx"),
    "measurements API": (
        "api:measurement-list",
        False,
        "indicators_measurement",
        "measurement_pref_newest_idx",
        "indicators_measurement_pkey",
    ),
    "audits API": ("api:audit-list", False, "audits_audit", "audit_pref_newest_idx", "audit_newest_idx"),
    "audits page": ("audit_list", True, "audits_audit", "audit_pref_newest_idx", "audit_newest_idx"),
    "findings API": ("api:finding-list", False, "audits_finding", "finding_audit_order_idx", "finding_audit_order_idx"),
    "trainings API": ("api:training-list", False, "engagements_training", "training_newest_idx", "training_newest_idx"),
}
ROLES = ("quality_manager", "national")


@pytest.fixture
def rows(world):  # noqa: F811 (the imported fixture)
    """A few rows of every list in both prefectures, open and answered, with and without a site."""
    for site in (world.site, world.sister_site, world.foreign_site):
        factories.ComplaintFactory.create_batch(2, site=site)
        factories.ComplaintFactory(site=site, answered=True)
        factories.CorrespondenceFactory.create_batch(2, site=site)
        factories.CorrespondenceFactory(site=site, answered=True)
        plan = factories.ActionPlanFactory(prefecture=site.prefecture)
        factories.ActionFactory(plan=plan, site=site)
        factories.ActionFactory(plan=plan, site=site, done=True)
        factories.ActionFactory(plan=plan, due_on=None)
        for month in (1, 2, 3):
            MeasurementFactory(site=site, period=datetime.date(2026, month, 1))
            factories.TrainingFactory(site=site, trained_on=datetime.date(2025, month, 1))
    for site in (world.site, world.foreign_site):  # one labelling cycle per prefecture
        labelling = factories.LabellingFactory(prefecture=site.prefecture, sites=[site], audited=True)
        factories.FindingFactory.create_batch(3, audit=factories.AuditFactory(labelling=labelling))
        factories.AuditFactory(labelling=labelling, internal=True)


def page_query(get, table):
    """The SQL of the page query ``get()`` runs on ``table`` (the one with a LIMIT; the count has none)."""
    with CaptureQueriesContext(connection) as queries:
        assert get().status_code == 200
    page = [
        query["sql"]
        for query in queries.captured_queries
        if f'FROM "{table}"' in query["sql"] and " ORDER BY " in query["sql"] and " LIMIT " in query["sql"]
    ]
    assert len(page) == 1, page
    return page[0]


def plan_of(sql):
    """PostgreSQL's plan of ``sql`` (its root node), with sorts and sequential scans priced out."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


def nodes(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


def assert_read_in_order(plan, table, index):
    """No sort anywhere, no sequential scan of ``table``, and ``table`` (the list's rows, not a subquery's) read
    with ``index``."""
    all_nodes = list(nodes(plan))
    sorts = [node for node in all_nodes if "Sort" in node["Node Type"]]
    assert not sorts, f"tri : {sorts[0].get('Sort Key')}"
    scans = [node for node in all_nodes if node.get("Relation Name") == table and node.get("Alias") == table]
    assert [node["Node Type"] for node in scans if node["Node Type"] == "Seq Scan"] == []
    assert [node.get("Index Name") for node in scans] == [index]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(LISTS))
def test_a_big_list_reads_its_page_from_the_index_of_its_order(name, role, rows, world, as_role, client):  # noqa: F811
    address, is_page, table, prefecture_index, national_index = LISTS[name]
    if is_page:
        client.force_login(world.users[role])
    http = client if is_page else as_role(role)
    sql = page_query(lambda: http.get(reverse(address)), table)
    assert_read_in_order(plan_of(sql), table, national_index if role == "national" else prefecture_index)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["complaints API", "correspondences API"])
def test_a_page_after_a_cursor_reads_on_from_the_index_without_offset(name, role, rows, as_role):  # noqa: F811
    """The page ``next`` leads to (qualipref.pagination.NewestFirstPagination): its position is an Index Cond of
    the index of the order, so PostgreSQL starts reading there instead of scanning the rows before it."""
    address, _, table, prefecture_index, national_index = LISTS[name]
    http = as_role(role)
    after = http.get(reverse(address), {"page_size": 2}).json()["next"]

    sql = page_query(lambda: http.get(after), table)
    plan = plan_of(sql)

    assert " OFFSET " not in sql and "count(" not in sql.lower()
    assert_read_in_order(plan, table, national_index if role == "national" else prefecture_index)
    (scan,) = [node for node in nodes(plan) if node.get("Alias") == table]
    assert "ROW(received_on, id) < ROW(" in scan["Index Cond"], scan["Index Cond"]


def _captured(run, *fragments):
    """The SQL of the queries ``run()`` sends that hold every fragment."""
    with CaptureQueriesContext(connection) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries if all(f in query["sql"] for f in fragments)]


def test_the_dashboards_count_overdue_actions_from_the_index_of_open_actions(rows, world):  # noqa: F811
    """indicators.dashboards.common.overdue_by, nationally (per prefecture) and for a prefecture (per site): the open
    actions' partial index, never a scan of every action (18 ms at 50,000 actions, 5 ms with it)."""
    from indicators.dashboards import common

    national = _captured(lambda: common.overdue_by("prefecture_id"), 'FROM "engagements_action"')
    local = _captured(lambda: common.overdue_by("site_id", prefecture=world.prefecture), 'FROM "engagements_action"')
    assert len(national) == len(local) == 1
    for sql in national + local:
        plan = list(nodes(plan_of(sql)))
        scans = [node for node in plan if node.get("Relation Name") == "engagements_action"]
        assert "Seq Scan" not in [node["Node Type"] for node in scans]
        # An Index Scan names its index, a Bitmap Heap Scan leaves it to its Bitmap Index Scan child (which PostgreSQL
        # may combine with another index's bitmap).
        used = {node["Index Name"] for node in plan if "Index Name" in node}
        if sql in national:
            assert "action_open_due_idx" in used
        else:
            # For one prefecture, its own index reads only its rows too: with a handful of rows and no statistics
            # PostgreSQL picks one or the other by the table's size, which the earlier tests' dead rows change (it
            # took the prefecture's once in CI). Either way, never every action.
            assert used & {"action_open_due_idx", "engagements_action_prefecture_id_8c826998"}, used


def test_a_board_reads_each_indicator_s_last_period_at_the_end_of_an_index(rows, world):  # noqa: F811
    """indicators.services.boards._board: the last month measured of each indicator, one index probe per indicator
    (a LIMIT 1 read backwards) instead of a MAX over every month of every site: in the rollups for the nation and a
    prefecture, in the measurements for a site."""
    from indicators.services import boards

    for build, table, index in (
        (boards.national_board, "indicators_measurementrollup", "rollup_unique_national"),
        (lambda: boards.prefecture_board(world.prefecture), "indicators_measurementrollup", "rollup_unique_prefecture"),
        (lambda: boards.site_board(world.site), "indicators_measurement", None),
    ):
        (sql,) = _captured(build, f'FROM "{table}"', "LIMIT 1")
        scans = [node for node in nodes(plan_of(sql)) if node.get("Relation Name") == table]
        assert scans and {node.get("Scan Direction") for node in scans} == {"Backward"}, scans
        assert "Seq Scan" not in [node["Node Type"] for node in scans]
        if index:
            assert {node.get("Index Name") for node in scans} == {index}


def test_the_national_and_prefecture_boards_add_up_their_rollups_read_from_their_index(rows, world):  # noqa: F811
    """indicators.services.rollups.aggregate: the months shown of the nation's rows (or the prefecture's), never
    the measurements of every site."""
    from indicators.services import boards

    for build, index in (
        (boards.national_board, "rollup_unique_national"),
        (lambda: boards.prefecture_board(world.prefecture), "rollup_unique_prefecture"),
    ):
        queries = _captured(build, 'FROM "indicators_measurement')
        assert not [sql for sql in queries if 'FROM "indicators_measurement"' in sql]
        (sql,) = [sql for sql in queries if "LIMIT 1" not in sql]
        scans = [node for node in nodes(plan_of(sql)) if node.get("Relation Name") == "indicators_measurementrollup"]
        assert scans and "Seq Scan" not in [node["Node Type"] for node in scans]
        assert index in {node.get("Index Name") for node in nodes(plan_of(sql))}


def _open_actions_of_another_plan(prefecture, count=2000):
    """Open actions of a plan off the page, then fresh statistics: as in production, the page's plans own a small
    share of the open actions, so that reading them all (by ``action_open_due_idx``) costs more than reading the
    page's plans' own. Without them the planner's choice on a few rows followed what earlier tests of the process
    had left in the table's statistics."""
    from engagements.models import Action

    other = factories.ActionPlanFactory(prefecture=prefecture)
    Action.objects.bulk_create(
        Action(plan=other, prefecture=other.prefecture, title=f"Action {n}", due_on=datetime.date(2027, 1, 1))
        for n in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE engagements_action")


@pytest.mark.parametrize("api", [True, False], ids=["API", "page"])
@pytest.mark.parametrize("role", ["national", "quality_manager"])
def test_the_plans_list_counts_its_page_s_actions_from_an_index(rows, world, as_role, client, api, role):  # noqa: F811
    """engagements.models.ActionPlanQuerySet.with_action_counts: each plan's counts read from an index (the open
    and overdue ones from ``action_plan_counts_idx`` or the plan's foreign key index; no scan of the actions' table,
    no grouping of every action in scope), and the paginator's count reads no action at all."""
    _open_actions_of_another_plan(world.foreign_site.prefecture)
    if api:
        get = as_role(role).get
        url = reverse("api:action-plan-list")
    else:
        client.force_login(world.users[role])
        get, url = client.get, reverse("action_plan_list")
    queries = _captured(lambda: get(url), 'FROM "engagements_actionplan"')
    counts = [sql for sql in queries if "COUNT(*)" in sql and '"engagements_action"' not in sql]
    (page,) = [sql for sql in queries if '"engagements_action"' in sql]
    assert counts or len(queries) == 1
    scans = [node for node in nodes(plan_of(page)) if node.get("Relation Name") == "engagements_action"]
    # Index Only Scans once the table is vacuumed (its visibility map set), Index Scans in a fresh test base, or a
    # Bitmap Heap Scan, which leaves its index to its Bitmap Index Scan child (the CI's base planned those); never a
    # sequential scan.
    assert len(scans) == 3, scans
    assert {node["Node Type"] for node in scans} <= {"Index Only Scan", "Index Scan", "Bitmap Heap Scan"}, scans
    indexes = {node["Index Name"] for scan in scans for node in nodes(scan) if "Index Name" in node}
    # Which of the two the planner takes depends on its statistics (the CI's base once chose the foreign key's for
    # all three); either reads only the page's plans' actions.
    assert indexes and all(name == "action_plan_counts_idx" or "plan_id" in name for name in indexes), indexes
    assert "Aggregate" not in {node["Node Type"] for node in nodes(plan_of(page)) if not node.get("Subplan Name")}
