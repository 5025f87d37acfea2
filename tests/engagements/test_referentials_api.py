"""``referentials/``, ``modules/``, ``engagements/``: read-only reference data for every signed-in user."""

import pytest
from django.urls import reverse

from engagements.models import Engagement, Module, Referential


@pytest.fixture
def qp2(db):
    return Referential.objects.get(code="QP2")


def test_a_referential_carries_the_fields_of_the_contract(as_role, qp2):
    body = as_role("agent").get(reverse("api:referential-detail", kwargs={"pk": qp2.pk})).json()

    assert body["code"] == "QP2"
    assert body["version"] == "2.0"
    assert body["follow_up_months"] == 12
    assert body["published_on"] == "2015-02-01"
    assert body["abilities"] == {"update": False, "delete": False}


def test_national_administrators_may_manage_referentials(as_role, qp2):
    body = as_role("national").get(reverse("api:referential-detail", kwargs={"pk": qp2.pk})).json()

    assert body["abilities"] == {"update": True, "delete": False}


def test_modules_are_listed_by_referential_in_their_order(as_role, qp2):
    body = as_role("auditor").get(reverse("api:module-list"), {"referential": qp2.pk}).json()

    assert [m["number"] for m in body["results"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    first = body["results"][0]
    assert {"id", "referential", "number", "title", "mandatory", "code", "description", "abilities"} <= set(first)
    assert (first["referential"], first["code"], first["mandatory"]) == (qp2.pk, "QP2-M1", True)


def test_an_engagement_with_a_target_shows_it_as_an_object(as_role):
    engagement = Engagement.objects.get(code="QP2-M7-E01")

    body = as_role("manager").get(reverse("api:engagement-detail", kwargs={"pk": engagement.pk})).json()

    assert body["code"] == "QP2-M7-E01"
    assert body["module"] == engagement.module_id
    assert body["kind"] == "service"
    assert body["reconstructed"] is False
    assert body["target"] == {
        "indicator": "crisis_cell_activation_minutes",
        "comparison": "lt",
        "value": 60.0,
        "unit": "minutes",
        "label": "inférieur à 60 minutes",
    }


def test_an_engagement_without_a_target_has_a_null_target(as_role):
    engagement = Engagement.objects.get(code="MAR-P01")

    body = as_role("agent").get(reverse("api:engagement-detail", kwargs={"pk": engagement.pk})).json()

    assert body["target"] is None
    assert body["kind"] == "perennisation"
    assert body["reconstructed"] is True


def test_engagements_are_filtered_by_referential_module_kind_code_and_target(as_role, qp2):
    client = as_role("site_referent")
    url = reverse("api:engagement-list")
    crisis = Module.objects.get(code="QP2-M7")

    with_target = client.get(url, {"referential": qp2.pk, "has_target": "true", "page_size": 100}).json()
    without = client.get(url, {"referential": qp2.pk, "has_target": "false", "page_size": 100}).json()
    of_module = client.get(url, {"module": crisis.pk}).json()
    perennisation = client.get(url, {"referential": qp2.pk, "kind": "perennisation"}).json()
    by_code = client.get(url, {"code": "qp2-m1-e04"}).json()
    by_indicator = client.get(url, {"indicator": "lost_calls_rate"}).json()

    assert with_target["count"] == 14
    assert all(e["target"] for e in with_target["results"])
    assert with_target["count"] + without["count"] == qp2.engagements.count()
    assert [e["code"] for e in of_module["results"]] == [f"QP2-M7-E0{n}" for n in range(1, 6)]
    assert {e["kind"] for e in perennisation["results"]} == {"perennisation"}
    assert [e["code"] for e in by_code["results"]] == ["QP2-M1-E04"]
    assert {e["code"] for e in by_indicator["results"]} == {"MAR-E11", "QP-M1-E10", "QP2-M1-E10"}


def test_the_api_does_not_write_referentials(as_role, qp2):
    response = as_role("national").patch(
        reverse("api:referential-detail", kwargs={"pk": qp2.pk}), {"name": "Autre"}, format="json"
    )

    assert response.status_code == 405
    qp2.refresh_from_db()
    assert qp2.name == "Qualipref 2.0 numérique"


@pytest.mark.parametrize("name", ["api:referential-list", "api:module-list", "api:engagement-list"])
def test_listing_costs_the_same_number_of_queries_for_1_or_50_rows(as_role, django_assert_num_queries, name):
    client = as_role("quality_manager")
    url = reverse(name)
    client.get(url, {"page_size": 1})  # warm caches (the user's scope, read once per user object)
    # 2 queries: the count of the pagination, the page.
    with django_assert_num_queries(2):
        client.get(url, {"page_size": 1})
    with django_assert_num_queries(2):
        response = client.get(url, {"page_size": 50})

    assert len(response.json()["results"]) == min(50, response.json()["count"])


def test_an_engagement_is_read_in_one_query(as_role, django_assert_num_queries):
    client = as_role("agent")
    url = reverse("api:engagement-detail", kwargs={"pk": Engagement.objects.get(code="QP2-M1-E04").pk})
    client.get(url)  # warm caches
    # 1 query: the engagement (module and referential are ids, the target is on the row).
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
