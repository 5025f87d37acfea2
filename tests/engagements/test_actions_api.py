"""The action plans and actions of the API: the contract of docs/api.md, filters, writes through the services,
the history of an action, bulk status changes, copies, and constant query counts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from engagements.models import Action
from tests import factories
from tests.permissions.actions import action_objects

TODAY = timezone.localdate()
CONTRACT = {"id", "title", "prefecture", "site", "engagement", "source", "owner", "due_on", "status", "progress"}


def _ids(response):
    return sorted(item["id"] for item in response.json()["results"])


def test_an_action_carries_the_fields_of_the_contract_and_the_abilities_of_the_user(as_role, world):
    objects = action_objects(world)

    body = as_role("site_referent").get(reverse("api:action-detail", kwargs={"pk": objects.own.pk})).json()

    assert CONTRACT | {"module", "priority", "description", "completed_on", "abilities"} <= set(body)
    assert body["prefecture"] == world.prefecture.pk
    assert body["site"] == world.site.pk
    assert (body["status"], body["progress"], body["source"]) == ("todo", 0, "other")
    assert body["due_on"] == objects.own.due_on.isoformat()
    assert body["abilities"] == {
        "update": True,
        "delete": False,
        "comment": True,
        "add_evidence": True,
        "verify": False,
        "reopen": False,
    }


def test_a_manager_reads_actions_and_may_change_none(as_role, world):
    objects = action_objects(world)
    client = as_role("manager")

    body = client.get(reverse("api:action-detail", kwargs={"pk": objects.own.pk})).json()
    response = client.patch(
        reverse("api:action-detail", kwargs={"pk": objects.own.pk}), {"progress": 50}, format="json"
    )

    assert body["abilities"]["update"] is False
    assert response.status_code == 403
    objects.own.refresh_from_db()
    assert objects.own.progress == 0


def test_the_list_is_scoped_to_what_the_user_sees(as_role, world):
    objects = action_objects(world)

    referent = _ids(as_role("site_referent").get(reverse("api:action-list")))
    national = as_role("national").get(reverse("api:action-list")).json()["count"]

    assert referent == sorted([objects.own.pk, objects.owned.pk, objects.shared.pk, objects.old.pk])
    assert national == Action.objects.count()


def test_actions_are_filtered_as_the_contract_says(as_role, world):
    objects = action_objects(world)
    overdue = factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True, owner=world.users["agent"])
    qp2 = factories.labelling_referential("QP2")
    engagement = qp2.engagements.get(code="QP2-M1-E05")
    with_engagement = factories.ActionFactory(plan=objects.plan, engagement=engagement, module=engagement.module)
    client = as_role("national")
    url = reverse("api:action-list")

    assert _ids(client.get(url, {"prefecture": world.foreign_prefecture.pk})) == [objects.foreign.pk]
    assert _ids(client.get(url, {"site": world.sister_site.pk})) == [objects.sister.pk]
    assert _ids(client.get(url, {"overdue": "true"})) == [overdue.pk]
    assert _ids(client.get(url, {"status": "in_progress"})) == [overdue.pk]
    assert _ids(client.get(url, {"owner": world.users["agent"].pk})) == sorted([objects.owned.pk, overdue.pk])
    assert _ids(client.get(url, {"engagement": engagement.pk})) == [with_engagement.pk]
    assert _ids(client.get(url, {"due_before": "2017-01-01"})) == [overdue.pk]
    assert _ids(
        client.get(url, {"status": ["todo", "in_progress"], "site": world.site.pk, "overdue": "false"})
    ) == sorted([objects.own.pk, objects.owned.pk, objects.old.pk])


def test_a_foreign_site_in_a_filter_is_refused_like_an_unknown_one(as_role, world):
    response = as_role("site_referent").get(reverse("api:action-list"), {"site": world.foreign_site.pk})
    assert response.status_code == 400
    assert "site" in response.json()


def test_actions_are_sorted_by_the_ordering_parameter(as_role, world):
    objects = action_objects(world)
    late = factories.ActionFactory(plan=objects.plan, site=world.site, due_on=TODAY + datetime.timedelta(days=300))
    factories.ActionFactory(plan=objects.plan, site=world.site, due_on=None)

    body = as_role("quality_manager").get(reverse("api:action-list"), {"ordering": "-due_on"}).json()

    assert body["results"][0]["id"] == late.pk
    assert body["results"][-1]["due_on"] is None  # no due date last, either way


def test_creating_an_action_goes_through_the_service_with_its_french_messages(as_role, world):
    objects = action_objects(world)
    client = as_role("site_referent")
    url = reverse("api:action-list")

    created = client.post(
        url,
        {"plan": objects.plan.pk, "title": "Plastifier les affiches", "site": world.site.pk, "due_on": "2030-01-31"},
        format="json",
    )
    refused = client.post(
        url,
        {"plan": objects.plan.pk, "title": "Plastifier les affiches", "site": world.site.pk, "due_on": "2015-01-31"},
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "todo"
    assert created.json()["abilities"]["update"] is True
    assert refused.status_code == 400
    assert refused.json() == {"due_on": ["L'échéance ne peut pas être antérieure à la date de création de l'action."]}


def test_a_new_action_may_not_arrive_with_a_status(as_role, world):
    objects = action_objects(world)
    response = as_role("quality_manager").post(
        reverse("api:action-list"), {"plan": objects.plan.pk, "title": "Chaises", "status": "done"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_an_invalid_transition_answers_400_in_french_and_changes_nothing(as_role, world):
    objects = action_objects(world)
    response = as_role("quality_manager").patch(
        reverse("api:action-detail", kwargs={"pk": objects.own.pk}),
        {"status": "verified", "effectiveness": 3, "progress": 100},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["status"][0].startswith("Une action « À lancer » ne peut pas passer à « Vérifiée efficace »")
    objects.own.refresh_from_db()
    assert (objects.own.status, objects.own.progress) == ("todo", 0)


def test_progress_outside_0_100_answers_400(as_role, world):
    objects = action_objects(world)
    response = as_role("quality_manager").patch(
        reverse("api:action-detail", kwargs={"pk": objects.own.pk}), {"progress": 120}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"progress": ["L'avancement est un pourcentage entier compris entre 0 et 100."]}


def test_the_history_lists_who_changed_what_and_when(as_role, world):
    objects = action_objects(world)
    client = as_role("quality_manager")
    url = reverse("api:action-detail", kwargs={"pk": objects.own.pk})
    client.patch(url, {"status": "in_progress", "progress": 40}, format="json")
    client.patch(url, {"due_on": "2030-06-30"}, format="json")

    history = client.get(reverse("api:action-history", kwargs={"pk": objects.own.pk})).json()

    assert [entry["kind"] for entry in history] == ["modification", "modification", "creation"]
    latest = history[0]
    assert {"date", "user", "changes"} <= set(latest)
    assert latest["user"] == world.users["quality_manager"].get_full_name()
    assert latest["changes"] == [
        {
            "field": "due_on",
            "label": "échéance",
            "old": objects.own.due_on.isoformat(),
            "new": "2030-06-30",
            "old_display": objects.own.due_on.strftime("%d/%m/%Y"),
            "new_display": "30/06/2030",
        }
    ]
    assert {(c["field"], c["old"], c["new"]) for c in history[1]["changes"]} == {
        ("status", "todo", "in_progress"),
        ("progress", 0, 40),
    }


def test_a_bulk_status_change_answers_the_changed_actions(as_role, world):
    objects = action_objects(world)
    response = as_role("quality_manager").post(
        reverse("api:action-bulk-status"),
        {"actions": [objects.own.pk, objects.sister.pk], "status": "in_progress"},
        format="json",
    )
    assert response.status_code == 200
    assert sorted(response.json()["updated"]) == sorted([objects.own.pk, objects.sister.pk])


def test_a_plan_lists_its_counts_and_copies_open_actions_from_another_plan(as_role, world):
    objects = action_objects(world)
    client = as_role("quality_manager")
    factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True)

    plan = client.get(reverse("api:action-plan-detail", kwargs={"pk": objects.plan.pk})).json()
    copied = client.post(
        reverse("api:action-plan-copy-open-actions", kwargs={"pk": objects.plan.pk}),
        {"from_plan": objects.old_plan.pk},
        format="json",
    )

    assert (plan["actions_count"], plan["open_count"], plan["overdue_count"]) == (5, 5, 1)
    assert plan["abilities"] == {"update": True, "delete": False}
    assert copied.status_code == 201
    assert [item["title"] for item in copied.json()] == [objects.old.title]


def test_listing_actions_costs_the_same_number_of_queries_for_1_or_50_actions(
    as_role, world, django_assert_max_num_queries
):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    qp2 = factories.labelling_referential("QP2")
    engagement = qp2.engagements.get(code="QP2-M1-E05")
    factories.ActionFactory(plan=plan, site=world.site, owner=world.users["agent"], engagement=engagement)
    client = as_role("quality_manager")
    url = reverse("api:action-list")
    client.get(url)  # warm caches (content types...)
    with django_assert_max_num_queries(30) as one:
        assert client.get(url).json()["count"] == 1
    for index in range(60):
        factories.ActionFactory(
            plan=plan,
            site=world.site if index % 2 else world.sister_site,
            owner=world.users["quality_manager"],
            engagement=engagement,
            module=engagement.module,
        )
    with django_assert_max_num_queries(30) as many:
        assert len(client.get(url).json()["results"]) == 50

    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_history_costs_the_same_number_of_queries_for_few_or_many_changes(
    as_role, world, django_assert_max_num_queries
):
    objects = action_objects(world)
    client = as_role("quality_manager")
    url = reverse("api:action-detail", kwargs={"pk": objects.own.pk})
    history_url = reverse("api:action-history", kwargs={"pk": objects.own.pk})
    client.patch(url, {"owner": world.users["site_referent"].pk, "site": world.site.pk}, format="json")
    client.get(history_url)
    with django_assert_max_num_queries(30) as few:
        client.get(history_url)
    for progress in range(10, 90, 10):
        client.patch(url, {"progress": progress, "owner": world.users["quality_manager"].pk}, format="json")
    with django_assert_max_num_queries(30) as many:
        assert len(client.get(history_url).json()) == 10

    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_of_plans_counts_each_plan_s_actions_open_and_overdue_ones_on_the_page_and_in_the_api(
    as_role, login, world
):
    busy = factories.ActionPlanFactory(prefecture=world.prefecture, title="Plan chargé")
    for trait in ("in_progress", "overdue", "overdue", "done", "abandoned"):
        factories.ActionFactory(plan=busy, site=world.site, **{trait: True})
    factories.ActionFactory(plan=busy, site=world.site)  # à lancer, due in a month
    empty = factories.ActionPlanFactory(prefecture=world.prefecture, title="Plan vide")

    listed = {
        plan["id"]: plan for plan in as_role("quality_manager").get(reverse("api:action-plan-list")).json()["results"]
    }
    page = login("quality_manager").get(reverse("action_plan_list")).context["page_obj"].object_list

    expected = {busy.pk: (6, 4, 2), empty.pk: (0, 0, 0)}
    for pk, counts in expected.items():
        assert (listed[pk]["actions_count"], listed[pk]["open_count"], listed[pk]["overdue_count"]) == counts
    assert {plan.pk: (plan.actions_count, plan.open_count, plan.overdue_count) for plan in page} == expected
