"""The registers' count (qualipref.pagination.EstimatingPaginator, issue 14): exact up to ``exact_up_to`` rows,
PostgreSQL's planner estimate beyond (an exact COUNT(*) of 500,000 letters costs 35 ms on every page), never below
what was counted; the API walks every row by ``next`` whatever the estimate says, and the page says « environ »."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Correspondence
from qualipref.pagination import EstimatingPaginator, planned_rows
from sites.models import Department
from tests import factories

POSTGRESQL = connection.vendor == "postgresql"
on_postgresql = pytest.mark.skipif(not POSTGRESQL, reason="Estimation du planificateur : PostgreSQL (CI).")


def _count(queryset):
    paginator = EstimatingPaginator(queryset, 10)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    return count, paginator.estimated, len(queries)


@pytest.mark.django_db
def test_a_list_up_to_the_bound_is_counted_exactly_in_one_query(monkeypatch):
    departments = Department.objects.order_by("code")
    total = departments.count()
    monkeypatch.setattr(EstimatingPaginator, "exact_up_to", total)
    assert _count(departments) == (total, False, 1)
    assert _count(departments.filter(code__startswith="1")) == (
        Department.objects.filter(code__startswith="1").count(),
        False,
        1,
    )


@pytest.fixture
def bound(db, monkeypatch):
    """``bound(n)``: counts exact up to n rows, the departments' statistics fresh for the planner (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sites_department")
    return lambda rows: monkeypatch.setattr(EstimatingPaginator, "exact_up_to", rows)


def test_beyond_the_bound_postgresql_estimates_from_its_statistics_and_sqlite_counts(bound):
    bound(20)
    total = Department.objects.count()
    assert total > 21
    # PostgreSQL: the capped count, then the planner's estimate (exact here: fresh statistics); SQLite: COUNT(*).
    expected = (total, True, 2) if POSTGRESQL else (total, False, 1)
    assert _count(Department.objects.order_by("code")) == expected


@on_postgresql
def test_an_estimate_is_never_below_what_was_counted(bound):
    bound(3)
    first = list(Department.objects.order_by("code")[:10])
    # Two conditions that select the same ten rows: the planner multiplies their selectivities (about one row).
    few = Department.objects.filter(code__in=[d.code for d in first], name__in=[d.name for d in first])
    assert planned_rows(few) < 4
    assert _count(few.order_by("code")) == (4, True, 2)


def _letters(world, number):
    monday = datetime.date(2026, 3, 2)
    for day in range(number):
        factories.CorrespondenceFactory(site=world.site, received_on=monday - datetime.timedelta(days=day % 9))


def test_following_next_reaches_every_row_whatever_the_estimate(monkeypatch, as_role, world):
    """An estimate below the real count must not end the walk early: a full page has a next one."""
    _letters(world, 23)
    monkeypatch.setattr(EstimatingPaginator, "exact_up_to", 5)
    client = as_role("national")
    url, seen, counts = f"{reverse('api:correspondence-list')}?page_size=5", [], set()
    while url:
        answer = client.get(url).json()
        seen += [row["id"] for row in answer["results"]]
        counts.add(answer["count"])
        url = answer["next"]
    assert seen == list(Correspondence.objects.order_by("-received_on", "-id").values_list("id", flat=True))
    assert len(counts) == 1 and counts.pop() >= (6 if POSTGRESQL else 23)


def test_the_register_page_says_about_when_its_count_is_an_estimate(monkeypatch, login, world):
    _letters(world, 8)
    client = login("national")
    exact = client.get(reverse("correspondence_list")).content.decode()
    assert "8 courriers" in " ".join(exact.split()) and "environ" not in exact
    monkeypatch.setattr(EstimatingPaginator, "exact_up_to", 5)
    caption = " ".join(client.get(reverse("correspondence_list")).content.decode().split())
    if POSTGRESQL:
        assert "environ " in caption
    else:
        assert "8 courriers" in caption and "environ" not in caption
