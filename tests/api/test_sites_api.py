from django.urls import reverse

from sites.models import Prefecture, Site
from tests import factories


def test_sites_carry_the_fields_of_the_contract_and_the_abilities_of_the_user(as_role, world):
    response = as_role("quality_manager").get(reverse("api:site-detail", kwargs={"pk": world.site.pk}))

    body = response.json()
    assert {"id", "name", "kind", "prefecture", "department", "abilities"} <= set(body)
    assert body["department"] == "13"
    assert body["prefecture"] == world.prefecture.pk
    assert body["abilities"]["update"] is True


def test_a_referent_sees_only_their_site_and_may_not_edit_it(as_role, world):
    client = as_role("site_referent")

    listed = client.get(reverse("api:site-list")).json()
    detail = client.get(reverse("api:site-detail", kwargs={"pk": world.site.pk})).json()

    assert [site["id"] for site in listed["results"]] == [world.site.pk]
    assert detail["abilities"] == {"update": False, "delete": False, "manage_closures": True}


def test_sites_are_filtered_by_department_and_kind(as_role, world):
    client = as_role("national")

    by_department = client.get(reverse("api:site-list"), {"department": "94"}).json()
    by_kind = client.get(reverse("api:site-list"), {"kind": "annex"}).json()

    assert [site["id"] for site in by_department["results"]] == [world.foreign_site.pk]
    assert by_kind["count"] == 0


def test_listing_sites_costs_the_same_number_of_queries_for_1_or_30_sites(
    as_role, world, django_assert_max_num_queries
):
    client = as_role("quality_manager")
    url = reverse("api:site-list")
    client.get(url)  # warm caches (content types...)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for index in range(30):
        site = factories.SiteFactory(prefecture=world.prefecture, name=f"Annexe {index}")
        factories.ServiceFactory(site=site)
    with django_assert_max_num_queries(50) as many:
        response = client.get(url)

    assert response.json()["count"] == 32
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_quality_manager_edits_a_site_of_their_prefecture_and_the_change_is_in_its_history(as_role, world):
    response = as_role("quality_manager").patch(
        reverse("api:site-detail", kwargs={"pk": world.site.pk}),
        {"opening_hours": "Du lundi au vendredi, 8 h 30 – 12 h"},
        format="json",
    )

    assert response.status_code == 200
    world.site.refresh_from_db()
    assert world.site.opening_hours == "Du lundi au vendredi, 8 h 30 – 12 h"
    assert world.site.history.first().history_user == world.users["quality_manager"]


def test_a_quality_manager_cannot_move_a_site_to_another_prefecture(as_role, world):
    response = as_role("quality_manager").patch(
        reverse("api:site-detail", kwargs={"pk": world.site.pk}),
        {"prefecture": world.foreign_prefecture.pk},
        format="json",
    )

    world.site.refresh_from_db()
    assert response.status_code == 200  # read-only field, ignored
    assert world.site.prefecture == world.prefecture


def test_creating_a_site_in_a_prefecture_outside_the_scope_is_a_field_error(as_role, world):
    world.memberships["quality_manager"].delete()
    factories.MembershipFactory(national=True, user=world.users["quality_manager"])
    client = as_role("site_referent")

    response = client.post(
        reverse("api:site-list"),
        {"name": "Annexe", "kind": "annex", "prefecture": world.foreign_prefecture.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "prefecture" in response.json()
    assert not Site.objects.filter(name="Annexe").exists()


def test_an_unknown_site_kind_is_refused_with_a_field_message(as_role, world):
    response = as_role("national").post(
        reverse("api:site-list"),
        {"name": "Annexe", "kind": "chateau", "prefecture": world.prefecture.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "kind" in response.json()


def test_an_unknown_department_code_is_a_404_with_a_french_message(as_role):
    response = as_role("national").get(reverse("api:department-detail", kwargs={"code": "99"}))

    assert response.status_code == 404
    assert response.json()["detail"] == "Ressource introuvable."


def test_every_department_with_a_prefecture_is_listed_with_its_region(as_role):
    response = as_role("agent").get(reverse("api:department-list"), {"page_size": 500}).json()

    codes = {item["code"] for item in response["results"]}
    assert response["count"] == 107
    assert {"01", "2A", "2B", "95", "971", "976", "987", "988"} <= codes
    assert "20" not in codes
    corse = next(item for item in response["results"] if item["code"] == "2A")
    assert corse == {"code": "2A", "name": "Corse-du-Sud", "region": "Corse"}


def test_a_second_prefecture_for_a_department_is_refused(as_role, world):
    response = as_role("national").post(
        reverse("api:prefecture-list"), {"name": "Autre préfecture", "department": "13"}, format="json"
    )

    assert response.status_code == 400
    assert Prefecture.objects.filter(department_id="13").count() == 1


def test_a_prefecture_for_an_unknown_department_is_refused(as_role, world):
    response = as_role("national").post(
        reverse("api:prefecture-list"), {"name": "Préfecture de nulle part", "department": "99"}, format="json"
    )

    assert response.status_code == 400
    assert "department" in response.json()
