"""The registers' lists (``complaints/``, ``correspondences/``) page by number as every list, and walk by keyset
through ``next`` (qualipref.pagination.NewestFirstPagination, issue 14): the same rows in the same order, none
repeated nor skipped when rows come and go between two pages, within the user's scope and filters, at a steady
cost without COUNT(*); a cursor that is not one is a 400. Its PostgreSQL plan: tests/test_query_plans.py."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.utils.urls import replace_query_param

from complaints.models import Complaint, Correspondence
from qualipref.pagination import NewestFirstPagination
from tests import factories
from tests.checks import assert_steady

LISTS = {
    "complaints": (Complaint, factories.ComplaintFactory),
    "correspondences": (Correspondence, factories.CorrespondenceFactory),
}
BAD_CURSOR = {
    "after": [
        "Curseur invalide : reprenez le lien « next » d'une page de cette liste, ou repartez de la première page."
    ]
}
MONDAY = datetime.date(2026, 3, 2)


def _url(name):
    return reverse(f"api:{name[:-1]}-list")


def _rows(name, sites, days=(0, 0, 1, 3, 3, 7, 8)):
    """Rows received on ``days`` before Monday 02/03/2026 (ties on a date: the id orders them), on ``sites`` in
    turn; returned in the list's order."""
    model, factory = LISTS[name]
    for number, days_before in enumerate(days):
        factory(site=sites[number % len(sites)], received_on=MONDAY - datetime.timedelta(days=days_before))
    return list(model.objects.order_by("-received_on", "-id").values_list("id", flat=True))


def _walk(client, url):
    """Every answer met following ``next`` from ``url``."""
    answers = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        answers.append(response.json())
        url = answers[-1]["next"]
    return answers


def _ids(answers):
    return [row["id"] for answer in answers for row in answer["results"]]


@pytest.mark.parametrize("name", LISTS)
def test_following_next_walks_every_row_once_in_the_order_of_the_numbered_pages(as_role, world, name):
    order = _rows(name, [world.site, world.foreign_site])
    client = as_role("national")
    numbered = [client.get(_url(name), {"page": page, "page_size": 3}).json() for page in (1, 2, 3)]

    walked = _walk(client, f"{_url(name)}?page_size=3")

    assert _ids(walked) == _ids(numbered) == order
    assert [answer["count"] for answer in walked] == [7, 7, 7]
    assert "after=" in walked[0]["next"] and "page=" not in walked[0]["next"]
    assert [answer["previous"] for answer in walked[1:]] == [None, None]


@pytest.mark.parametrize("name", LISTS)
def test_page_numbers_answer_as_before(as_role, world, name):
    order = _rows(name, [world.site])
    client = as_role("national")

    second = client.get(_url(name), {"page": 2, "page_size": 3}).json()
    last = client.get(_url(name), {"page": "last", "page_size": 3}).json()

    assert (second["count"], [row["id"] for row in second["results"]]) == (7, order[3:6])
    assert second["previous"] == f"http://testserver{_url(name)}?page_size=3"
    assert [row["id"] for row in last["results"]] == order[6:]
    assert (last["next"], last["previous"].endswith("page=2&page_size=3")) == (None, True)
    assert client.get(_url(name), {"page": 4, "page_size": 3}).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_rows_added_or_deleted_between_two_pages_are_neither_repeated_nor_skipped(as_role, world, name):
    model, factory = LISTS[name]
    order = _rows(name, [world.site], days=(0, 1, 1, 2, 3, 4))
    client = as_role("national")
    first = client.get(_url(name), {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == order[:2]

    # By page number, the next page would now start on order[0] again.
    newest = factory.create_batch(2, site=world.site, received_on=MONDAY + datetime.timedelta(days=1))
    model.objects.filter(pk__in=[order[1], order[3]]).delete()  # the cursor's own row, and one further on
    oldest = factory(site=world.site, received_on=MONDAY - datetime.timedelta(days=30))
    walked = _walk(client, first["next"])

    assert _ids(walked) == [order[2], order[4], order[5], oldest.pk]
    assert not {row.pk for row in newest} & set(_ids(walked))
    assert {answer["count"] for answer in walked} == {6}  # the count of the walk's first page, carried


@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_only_positions_within_the_user_s_scope(as_role, world, name):
    order = _rows(name, [world.foreign_site, world.site, world.sister_site], days=(0, 1, 2, 3, 4, 5))
    own = list(LISTS[name][0].objects.filter(prefecture=world.prefecture).values_list("id", flat=True))
    national_next = as_role("national").get(_url(name), {"page_size": 1}).json()["next"]  # after a foreign row

    walked = _walk(as_role("quality_manager"), national_next)

    assert _ids(walked) == [pk for pk in order if pk in own]
    assert {answer["count"] for answer in walked} == {len(own)}  # counted for this user: not the national 6


@pytest.mark.parametrize("name", LISTS)
def test_filters_apply_after_a_cursor_and_their_count_is_exact(as_role, world, name):
    _rows(name, [world.site, world.foreign_site])
    client = as_role("national")
    url = f"{_url(name)}?page_size=2&prefecture={world.prefecture.pk}"
    own = list(LISTS[name][0].objects.filter(prefecture=world.prefecture).order_by("-received_on", "-id"))

    walked = _walk(client, url)
    changed = client.get(replace_query_param(walked[0]["next"], "prefecture", world.foreign_prefecture.pk)).json()

    assert _ids(walked) == [row.pk for row in own]
    assert {answer["count"] for answer in walked} == {4}
    assert {row["id"] for row in changed["results"]} <= set(
        LISTS[name][0].objects.filter(prefecture=world.foreign_prefecture).values_list("id", flat=True)
    )
    assert changed["count"] == 3  # another search than the cursor's: counted again


def _cursor(url):
    return parse_qs(urlsplit(url).query)["after"][0]


def _signed(name, value):
    model = LISTS[name][0]
    return signing.Signer(salt=f"qualipref.pagination.after.{model._meta.label_lower}", sep=".").sign_object(value)


@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_that_is_not_one_of_this_list_is_a_400_in_french(as_role, world, name):
    _rows(name, [world.site])
    client = as_role("national")
    good = _cursor(client.get(_url(name), {"page_size": 2}).json()["next"])
    other = "complaints" if name == "correspondences" else "correspondences"
    _rows(other, [world.site])
    foreign = _cursor(client.get(_url(other), {"page_size": 2}).json()["next"])
    payload, signature = good.split(".")
    cursors = [
        "",
        "abc",
        "1' OR 1=1 --",
        payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature,  # tampered
        payload + "." + signature[::-1],
        foreign,
        _signed(name, ["2026-02-30", 12, 7, "x"]),  # well signed, not a date
        _signed(name, [1, 2]),
        _signed(name, 5),
    ]

    for cursor in cursors:
        response = client.get(_url(name), {"after": cursor})
        assert (cursor, response.status_code, response.json()) == (cursor, 400, BAD_CURSOR)


@pytest.mark.parametrize("name", LISTS)
def test_a_page_after_a_cursor_costs_the_same_few_queries_for_1_or_many_rows(
    as_role, world, name, django_assert_num_queries
):
    _rows(name, [world.site, world.sister_site], days=(0, 1))
    client = as_role("quality_manager")
    after = replace_query_param(client.get(_url(name), {"page_size": 1}).json()["next"], "page_size", 50)

    def older_rows():
        _rows(name, [world.site, world.sister_site], days=range(10, 40))

    # 3 queries: the page (no COUNT, no OFFSET), the calendars of the page's sites (sites, closures).
    response = assert_steady(django_assert_num_queries, 3, lambda: client.get(after), older_rows)
    assert len(response.json()["results"]) == 31
    # 4 queries by page number: the count of the pagination, then the same.
    assert_steady(
        django_assert_num_queries, 4, lambda: client.get(_url(name), {"page": 2, "page_size": 5}), lambda: None
    )


def test_the_schema_documents_the_cursor_and_its_count():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    for name, component in (
        ("complaints", "PaginatedComplaintList"),
        ("correspondences", "PaginatedCorrespondenceList"),
    ):
        parameters = {p["name"]: p for p in schema["paths"][f"/api/v1/{name}/"]["get"]["parameters"]}
        assert {"page", "page_size", "after"} <= set(parameters)
        assert "next" in parameters["after"]["description"]
        count = schema["components"]["schemas"][component]["properties"]["count"]
        assert "première page du parcours" in count["description"]


@pytest.mark.parametrize("order", [("received_on", "-id"), ("-answered_on", "-id"), (F("received_on").desc(), "-id")])
def test_only_an_order_of_non_null_descending_columns_is_walked_by_cursor(order):
    request = Request(APIRequestFactory().get("/"))

    with pytest.raises(ImproperlyConfigured):
        NewestFirstPagination().paginate_queryset(Correspondence.objects.order_by(*order), request)
