import datetime

from django.urls import reverse

from accounts.models import Membership, Role
from tests import factories

LIST = reverse("api:membership-list")


def test_a_quality_manager_grants_a_role_on_a_site_of_their_prefecture(as_role, world):
    newcomer = factories.UserFactory(username="nouvel-agent")

    response = as_role("quality_manager").post(
        LIST,
        {"user": "nouvel-agent", "role": "agent", "site": world.sister_site.pk, "valid_from": "2026-01-01"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    membership = Membership.objects.get(user=newcomer)
    assert membership.site == world.sister_site
    assert membership.created_by == world.users["quality_manager"]
    assert response.json()["abilities"] == {"update": True, "delete": True}


def test_a_membership_ending_before_it_starts_is_refused_and_nothing_is_written(as_role, world):
    factories.UserFactory(username="nouvel-agent")

    response = as_role("quality_manager").post(
        LIST,
        {
            "user": "nouvel-agent",
            "role": "agent",
            "site": world.site.pk,
            "valid_from": "2026-06-01",
            "valid_until": "2026-05-31",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["valid_until"] == ["La date de fin doit être postérieure ou égale à la date de début."]
    assert not Membership.objects.filter(user__username="nouvel-agent").exists()


def test_a_quality_manager_cannot_grant_a_role_on_another_prefectures_site(as_role, world):
    factories.UserFactory(username="nouvel-agent")

    response = as_role("quality_manager").post(
        LIST, {"user": "nouvel-agent", "role": "agent", "site": world.foreign_site.pk}, format="json"
    )

    assert response.status_code == 400
    assert "site" in response.json()
    assert not Membership.objects.filter(user__username="nouvel-agent").exists()


def test_a_quality_manager_cannot_make_anyone_national_administrator(as_role, world):
    response = as_role("quality_manager").post(LIST, {"user": "agent", "role": "national_admin"}, format="json")

    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="agent", role=Role.NATIONAL_ADMIN).exists()


def test_a_site_role_given_on_a_prefecture_gets_a_clear_message(as_role, world):
    response = as_role("quality_manager").post(
        LIST, {"user": "manager", "role": "agent", "prefecture": world.prefecture.pk}, format="json"
    )

    assert response.status_code == 400
    assert "choisissez le site" in response.json()["prefecture"][0]


def test_the_same_role_twice_on_the_same_scope_and_period_is_refused(as_role, world):
    response = as_role("quality_manager").post(
        LIST,
        {"user": "referent", "role": "site_referent", "site": world.site.pk, "valid_from": "2026-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "déjà ce rôle" in response.json()["non_field_errors"][0]


def test_ending_a_membership_keeps_it_in_the_history_and_removes_the_access(as_role, world):
    referent = world.memberships["site_referent"]
    yesterday = datetime.date.today() - datetime.timedelta(days=1)

    response = as_role("quality_manager").post(reverse("api:membership-end", kwargs={"pk": referent.pk}))

    assert response.status_code == 200
    assert response.json()["active"] is False
    referent.refresh_from_db()
    assert referent.valid_until == yesterday
    assert referent.history.count() == 2
    as_role("site_referent")
    assert as_role("site_referent").get(reverse("api:site-list")).json()["count"] == 0


def test_the_period_of_a_membership_can_be_changed_but_not_its_role(as_role, world):
    referent = world.memberships["site_referent"]

    response = as_role("quality_manager").patch(
        reverse("api:membership-detail", kwargs={"pk": referent.pk}),
        {"role": "national_admin", "valid_until": "2030-12-31"},
        format="json",
    )

    referent.refresh_from_db()
    assert response.status_code == 200
    assert referent.role == Role.SITE_REFERENT
    assert referent.valid_until == datetime.date(2030, 12, 31)


def test_a_membership_in_the_future_gives_no_access_yet(as_role, world):
    user = factories.UserFactory()
    factories.MembershipFactory(
        user=user, agent=True, site=world.site, valid_from=datetime.date.today() + datetime.timedelta(days=3)
    )
    client = as_role("national")
    client.force_authenticate(user)

    assert client.get(reverse("api:site-list")).json()["count"] == 0


def test_memberships_are_filtered_by_prefecture_including_its_sites(as_role, world):
    results = as_role("national").get(LIST, {"prefecture": world.prefecture.pk, "page_size": 100}).json()["results"]

    assert {m["user"] for m in results} == {"qm", "referent", "agent", "manager", "auditor"}


def test_listing_memberships_costs_the_same_number_of_queries_for_few_or_many(
    as_role, world, django_assert_max_num_queries
):
    client = as_role("quality_manager")
    client.get(LIST)
    with django_assert_max_num_queries(50) as few:
        client.get(LIST)
    for _ in range(30):
        factories.MembershipFactory(agent=True, site=world.sister_site)
    with django_assert_max_num_queries(50) as many:
        response = client.get(LIST)

    assert response.json()["count"] > 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_me_lists_the_roles_and_the_dashboard_of_the_user(as_role, world):
    body = as_role("site_referent").get(reverse("api:me")).json()

    assert body["roles"] == ["site_referent"]
    assert body["dashboard"] == "site"
    assert [m["site"] for m in body["memberships"]] == [world.site.pk]
