"""The referent's action pages: the filtered list (filters in the URL, sorting, overdue rows), inline edits in one
round trip (htmx), bulk status changes, the forms, an action's page with its history, the plans."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action, ActionPlan
from tests import factories
from tests.permissions.actions import action_objects

TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/qualite/actions/?overdue=true"}


@pytest.fixture
def objects(world):
    return action_objects(world)


def _as(client, world, role):
    client.force_login(world.users[role])
    return client


def _row_ids(response):
    return [int(pk) for pk in re.findall(r'<tr id="action-(\d+)"', response.content.decode())]


def _inline(client, action, **data):
    return client.post(reverse("action_inline_update", kwargs={"pk": action.pk}), data, **HTMX)


# --- the list -------------------------------------------------------------------------------------


def test_the_referent_sees_their_sites_actions_and_the_prefecture_wide_ones(client, world, objects):
    response = _as(client, world, "site_referent").get(reverse("action_list"))

    assert response.status_code == 200
    assert set(_row_ids(response)) == {objects.own.pk, objects.owned.pk, objects.shared.pk, objects.old.pk}


def test_filters_live_in_the_url_so_a_view_can_be_bookmarked(client, world, objects):
    overdue = factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True)
    client = _as(client, world, "quality_manager")

    assert _row_ids(client.get(reverse("action_list"), {"overdue": "true"})) == [overdue.pk]
    assert set(_row_ids(client.get(reverse("action_list"), {"site": world.sister_site.pk}))) == {objects.sister.pk}
    assert set(_row_ids(client.get(reverse("action_list"), {"plan": objects.old_plan.pk}))) == {objects.old.pk}
    assert set(_row_ids(client.get(reverse("action_list"), {"status": ["in_progress"]}))) == {overdue.pk}
    assert _row_ids(client.get(reverse("action_list"), {"q": "chevalets"})) == [objects.owned.pk]


def test_my_actions_are_those_i_own(client, world, objects):
    response = _as(client, world, "agent").get(reverse("action_list"), {"mine": "true"})
    assert _row_ids(response) == [objects.owned.pk]


def test_due_this_month_keeps_the_actions_due_in_the_current_month(client, world, objects):
    this_month = factories.ActionFactory(plan=objects.plan, site=world.site, due_on=TODAY.replace(day=1))
    Action.objects.exclude(pk=this_month.pk).update(due_on=TODAY.replace(day=1) - datetime.timedelta(days=1))

    response = _as(client, world, "quality_manager").get(reverse("action_list"), {"due_this_month": "true"})

    assert _row_ids(response) == [this_month.pk]


def test_overdue_rows_are_highlighted_with_a_badge(client, world, objects):
    overdue = factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True)
    html = _as(client, world, "site_referent").get(reverse("action_list")).content.decode()

    row = re.search(rf'<tr id="action-{overdue.pk}"\s+class="([^"]+)">(.*?)</tr>', html, re.S)
    assert "qp-action-row--overdue" in row.group(1)
    assert "En retard" in row.group(2)
    own_row = re.search(rf'<tr id="action-{objects.own.pk}"\s+class="([^"]+)"', html)
    assert "overdue" not in own_row.group(1)


def test_column_headers_sort_the_list_and_reverse_on_a_second_click(client, world, objects):
    client = _as(client, world, "quality_manager")
    first = client.get(reverse("action_list"), {"ordering": "title", "site": world.site.pk})
    reverse_order = client.get(reverse("action_list"), {"ordering": "-title", "site": world.site.pk})

    titles = sorted([objects.own.title, objects.owned.title, objects.old.title])
    by_pk = {
        objects.own.pk: objects.own.title,
        objects.owned.pk: objects.owned.title,
        objects.old.pk: objects.old.title,
    }
    assert [by_pk[pk] for pk in _row_ids(first)] == titles
    assert [by_pk[pk] for pk in _row_ids(reverse_order)] == titles[::-1]
    html = first.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "ordering=-title" in html  # the header now reverses the order, filters kept
    assert f"site={world.site.pk}" in html


def test_the_list_is_paginated_by_50_and_keeps_its_filters_across_pages(client, world, objects):
    for index in range(55):
        factories.ActionFactory(plan=objects.plan, site=world.site, title=f"Action {index:02d}")
    response = _as(client, world, "quality_manager").get(reverse("action_list"), {"site": world.site.pk})

    assert len(_row_ids(response)) == 50
    assert f"site={world.site.pk}&amp;page=2" in response.content.decode()


def test_empty_states_invite_to_create_or_to_widen_the_filters(client, world):
    client = _as(client, world, "quality_manager")
    empty = client.get(reverse("action_list")).content.decode()
    filtered = client.get(reverse("action_list"), {"overdue": "true"}).content.decode()

    assert "Aucune action pour l’instant" in empty
    assert reverse("action_create") in empty
    assert "Aucune action ne correspond à ces critères" in filtered


def test_a_manager_sees_the_list_without_any_edit_control(client, world, objects):
    html = _as(client, world, "manager").get(reverse("action_list")).content.decode()

    assert objects.own.title in html
    assert "hx-post" not in html
    assert 'id="bulk-form"' not in html
    assert "Nouvelle action" not in html


def test_the_exports_keep_the_filters_of_the_page(client, world, objects):
    html = _as(client, world, "quality_manager").get(reverse("action_list"), {"overdue": "true", "page": 1})
    factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True)
    html = _as(client, world, "quality_manager").get(reverse("action_list"), {"overdue": "true"}).content.decode()
    assert f"{reverse('action_export_xlsx')}?overdue=true" in html


def test_the_list_of_a_prefecture_with_5000_actions_costs_the_same_queries_for_1_row_as_for_50(
    client, world, django_assert_max_num_queries
):
    """Queries: session, user, memberships, count, page, owners of the editable rows, and the choices of the
    filters (prefectures, plans, sites, owners, modules, engagements) — none per row."""
    plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action national")
    qp2 = factories.labelling_referential("QP2")
    engagements = list(qp2.engagements.select_related("module")[:10])
    owners = [world.users["site_referent"], world.users["agent"], world.users["quality_manager"], None]
    Action.objects.bulk_create(
        Action(
            plan=plan,
            prefecture=world.prefecture,
            site=world.site if index % 3 else world.sister_site,
            engagement=engagements[index % 10],
            module=engagements[index % 10].module,
            owner=owners[index % 4] if index % 3 else world.users["quality_manager"],
            title=f"Action n° {index}",
            status="in_progress" if index % 2 else "todo",
            progress=index % 100,
            due_on=TODAY + datetime.timedelta(days=index % 400 - 100),
        )
        for index in range(5000)
    )
    single = factories.ActionFactory(plan=plan, site=world.site, title="L'unique action qui correspond", overdue=True)
    client = _as(client, world, "quality_manager")
    url = reverse("action_list")
    client.get(url, {"q": "unique action"})  # warm caches (content types, templates)

    with django_assert_max_num_queries(40) as one:
        one_row = client.get(url, {"q": "unique action"})
    with django_assert_max_num_queries(40) as fifty:
        fifty_rows = client.get(url, {"q": "action n°"})

    assert _row_ids(one_row) == [single.pk]
    assert len(_row_ids(fifty_rows)) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)


# --- inline edits ---------------------------------------------------------------------------------


def test_an_inline_edit_answers_the_row_in_one_round_trip(client, world, objects):
    response = _inline(_as(client, world, "site_referent"), objects.own, field="progress", progress="35")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<tr")
    assert f'id="action-{objects.own.pk}-edit"' in html  # back to reading, with its « Modifier »
    assert "35 %" in html
    assert 'data-qp-announce="Modification enregistrée."' in html
    objects.own.refresh_from_db()
    assert objects.own.progress == 35


def test_the_list_shows_rows_to_read_and_modifier_opens_one_rows_controls(client, world, objects):
    client = _as(client, world, "site_referent")
    listed = client.get(reverse("action_list")).content.decode()
    opened = client.get(reverse("action_inline_update", kwargs={"pk": objects.own.pk}), **HTMX).content.decode()
    without_js = client.get(reverse("action_inline_update", kwargs={"pk": objects.own.pk}))
    listed_open = client.get(reverse("action_list") + f"?overdue=&modifier={objects.own.pk}").content.decode()

    assert f'id="action-{objects.own.pk}-status"' not in listed  # no control to browse by mistake
    assert f'id="action-{objects.own.pk}-edit"' in listed
    for name in ("owner", "due_on", "status", "progress"):
        assert f'id="action-{objects.own.pk}-{name}"' in opened
        assert f'id="action-{objects.own.pk}-{name}"' in listed_open
    assert f'form="action-{objects.own.pk}-form"' in opened
    assert without_js.status_code == 302
    assert without_js["Location"].endswith(f"?modifier={objects.own.pk}#action-{objects.own.pk}")
    assert "correspondent à ces critères" not in listed_open  # « modifier » is not a filter


def _queries_of(client, url, data=None):
    """The response and the SQL queries it ran (an execute wrapper: Django empties its query log as each request
    starts, which a capture begun before the request does not expect)."""
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: (queries.append(sql), execute(sql, *args))[1]):
        response = client.get(url, data)
    return response, queries


def test_only_the_row_opened_by_modifier_reads_the_owners_and_statuses_it_offers(client, world, objects):
    """The list's other rows show no control: their owners (one query for the page's prefectures) and statuses are
    not computed; the opened row offers them as its inline edit does."""
    client = _as(client, world, "site_referent")
    url = reverse("action_list")
    client.get(url)  # warm caches (content types, templates)
    listed, reading = _queries_of(client, url)
    listed_open, editing = _queries_of(client, url, {"modifier": objects.own.pk})
    opened = client.get(reverse("action_inline_update", kwargs={"pk": objects.own.pk}), **HTMX).content.decode()

    assert len(editing) == len(reading) + 1  # the owners of the opened row
    assert _row_ids(listed) == _row_ids(listed_open)
    listed, listed_open = listed.content.decode(), listed_open.content.decode()
    for name in ("owner", "status"):
        select = f'id="action-{objects.own.pk}-{name}"'
        assert select not in listed
        offered = re.search(select + r".*?</select>", listed_open, re.S).group(0)
        assert offered == re.search(select + r".*?</select>", opened, re.S).group(0)
        assert offered.count("<option") > 1


def test_an_inline_status_change_goes_through_the_service_and_its_history(client, world, objects):
    _inline(_as(client, world, "site_referent"), objects.own, field="status", status="in_progress")

    objects.own.refresh_from_db()
    assert objects.own.status == "in_progress"
    assert objects.own.history.first().history_user == world.users["site_referent"]


def test_a_refused_inline_edit_shows_the_french_message_next_to_the_field(client, world, objects):
    response = _inline(_as(client, world, "site_referent"), objects.own, field="progress", progress="150")

    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert "L'avancement est un pourcentage entier compris entre 0 et 100." in html
    assert 'aria-invalid="true"' in html
    assert 'value="150"' in html  # what was typed stays in the field
    objects.own.refresh_from_db()
    assert objects.own.progress == 0


def test_abandoning_inline_asks_for_the_reason_in_place(client, world, objects):
    client = _as(client, world, "site_referent")

    asked = _inline(client, objects.own, field="status", status="abandoned")
    done = _inline(client, objects.own, field="status", status="abandoned", abandon_reason="Doublon avec le COPIL")

    assert asked.status_code == 422
    reason = re.search(r'<div class="qp-status-input"\s+data-qp-status="abandoned"([^>]*)>', asked.content.decode())
    assert "hidden" not in reason.group(1)
    assert 'name="abandon_reason"' in asked.content.decode()
    assert done.status_code == 200
    objects.own.refresh_from_db()
    assert (objects.own.status, objects.own.abandon_reason) == ("abandoned", "Doublon avec le COPIL")


def test_an_inline_due_date_and_owner_change(client, world, objects):
    client = _as(client, world, "quality_manager")

    _inline(client, objects.own, field="due_on", due_on="2030-03-31")
    _inline(client, objects.own, field="owner", owner=str(world.users["agent"].pk))
    refused = _inline(client, objects.own, field="due_on", due_on="31/02/2030")

    objects.own.refresh_from_db()
    assert objects.own.due_on == datetime.date(2030, 3, 31)
    assert objects.own.owner == world.users["agent"]
    assert refused.status_code == 422
    assert "Date incomplète ou invalide" in unescape(refused.content.decode())


def _row(client, action, **data):
    """The row's form, as « Enregistrer » posts it: every control of the row."""
    action.refresh_from_db()
    posted = {
        "field": "row",
        "owner": str(action.owner_id or ""),
        "due_on": action.due_on.isoformat() if action.due_on else "",
        "status": action.status,
        "progress": str(action.progress),
    }
    posted.update(data)
    return _inline(client, action, **posted)


def test_an_empty_due_date_is_refused_and_the_saved_one_stays(client, world, objects):
    """A date input whose value is partial or malformed posts "": it never passes for « no due date »."""
    client = _as(client, world, "site_referent")
    objects.own.due_on = datetime.date(2030, 4, 30)
    objects.own.save()
    history_before = objects.own.history.count()

    refused = _row(client, objects.own, due_on="", progress="40")
    single = _inline(client, objects.own, field="due_on", due_on="")

    assert (refused.status_code, single.status_code) == (422, 422)
    html = unescape(refused.content.decode())
    assert "L’échéance est vide : saisissez une date (JJ/MM/AAAA) ou cochez « Sans échéance »" in html
    assert 'aria-invalid="true"' in html
    assert 'value="40"' in html  # the other values typed in the row are still there
    objects.own.refresh_from_db()
    assert (objects.own.due_on, objects.own.progress) == (datetime.date(2030, 4, 30), 0)
    assert objects.own.history.count() == history_before


def test_sans_echeance_clears_the_due_date_on_purpose(client, world, objects):
    client = _as(client, world, "site_referent")
    objects.own.due_on = datetime.date(2030, 4, 30)
    objects.own.save()

    response = _row(client, objects.own, due_on="", due_on_clear="1")

    assert response.status_code == 200
    objects.own.refresh_from_db()
    assert objects.own.due_on is None


def test_the_row_saves_its_fields_together_and_a_new_status_keeps_its_own_progress(client, world, objects):
    client = _as(client, world, "site_referent")
    _inline(client, objects.own, field="status", status="in_progress")

    response = _row(client, objects.own, status="done", due_on="2030-06-30")

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Statut de « " in html and "En cours → Réalisée, avancement 100 %" in html
    assert f'id="action-{objects.own.pk}-undo"' in html
    objects.own.refresh_from_db()
    assert (objects.own.status, objects.own.progress, objects.own.due_on) == (
        "done",
        100,
        datetime.date(2030, 6, 30),
    )
    assert objects.own.history.count() == 3  # creation, « en cours », then one row for the whole save


def test_the_author_of_a_status_change_takes_it_back_with_its_history(client, world, objects):
    client = _as(client, world, "site_referent")
    _row(client, objects.own, status="in_progress", progress="60")
    _row(client, objects.own, status="done")
    objects.own.refresh_from_db()
    change = objects.own.history.first()

    response = client.post(
        reverse("action_status_undo", kwargs={"pk": objects.own.pk}), {"history_id": change.history_id}, **HTMX
    )

    assert response.status_code == 200
    assert "est de nouveau « En cours »" in unescape(response.content.decode())
    objects.own.refresh_from_db()
    assert (objects.own.status, objects.own.progress, objects.own.completed_on) == ("in_progress", 60, None)
    latest = objects.own.history.first()
    assert latest.history_user == world.users["site_referent"]
    assert latest.history_change_reason == "Annulation d'un changement de statut"


def test_a_status_change_cannot_be_taken_back_by_another_late_or_after_a_later_change(client, world, objects):
    from engagements.services import actions as services

    referent = _as(client, world, "site_referent")
    _row(referent, objects.own, status="in_progress")
    objects.own.refresh_from_db()
    change = objects.own.history.first()

    assert services.status_change_to_undo(by=world.users["quality_manager"], action=objects.own) is None
    late = change.history_date + datetime.timedelta(seconds=services.STATUS_UNDO_SECONDS + 1)
    assert services.status_change_to_undo(by=world.users["site_referent"], action=objects.own, now=late) is None
    _row(referent, objects.own, progress="30")
    refused = referent.post(
        reverse("action_status_undo", kwargs={"pk": objects.own.pk}), {"history_id": change.history_id}, **HTMX
    )

    assert refused.status_code == 422
    assert "ne peut plus être annulé" in unescape(refused.content.decode())
    objects.own.refresh_from_db()
    assert (objects.own.status, objects.own.progress) == ("in_progress", 30)


def test_the_owner_select_offers_the_people_of_the_site_and_the_quality_manager(client, world, objects):
    client = _as(client, world, "quality_manager")
    html = client.get(reverse("action_inline_update", kwargs={"pk": objects.own.pk}), **HTMX).content.decode()
    select = re.search(r'<select[^>]*name="owner".*?</select>', html, re.S).group(0)

    for role in ("quality_manager", "site_referent", "agent"):
        assert f'value="{world.users[role].pk}"' in select
    assert f'value="{world.users["manager"].pk}"' not in select


def test_a_manager_posting_an_inline_edit_gets_403(client, world, objects):
    response = _inline(_as(client, world, "manager"), objects.own, field="progress", progress="35")
    assert response.status_code == 403
    objects.own.refresh_from_db()
    assert objects.own.progress == 0


def test_without_javascript_an_inline_form_redirects_back_with_a_message(client, world, objects):
    client = _as(client, world, "site_referent")
    response = client.post(
        reverse("action_inline_update", kwargs={"pk": objects.own.pk}),
        {"field": "progress", "progress": "20", "next": "/qualite/actions/?overdue=true"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/qualite/actions/?overdue=true"


# --- bulk -----------------------------------------------------------------------------------------


def test_a_bulk_status_change_from_the_list(client, world, objects):
    client = _as(client, world, "quality_manager")
    response = client.post(
        reverse("action_bulk_status"),
        {"actions": [objects.own.pk, objects.sister.pk], "status": "in_progress", "next": "/qualite/actions/?site=1"},
        follow=True,
    )

    assert "2 actions passées à « En cours »." in response.content.decode()
    assert set(Action.objects.filter(pk__in=[objects.own.pk, objects.sister.pk]).values_list("status", flat=True)) == {
        "in_progress"
    }


def test_a_refused_bulk_change_changes_nothing_and_says_why(client, world, objects):
    started = factories.ActionFactory(plan=objects.plan, site=world.site, in_progress=True)
    response = _as(client, world, "quality_manager").post(
        reverse("action_bulk_status"), {"actions": [objects.own.pk, started.pk], "status": "done"}, follow=True
    )
    html = response.content.decode()
    assert "Aucune action n’a été modifiée" in html
    started.refresh_from_db()
    assert started.status == "in_progress"


# --- forms and the action's page ------------------------------------------------------------------


def test_a_referent_creates_an_action_from_the_form(client, world, objects):
    client = _as(client, world, "site_referent")
    form = client.get(reverse("action_create")).content.decode()
    response = client.post(
        reverse("action_create"),
        {
            "plan": objects.plan.pk,
            "title": "Signaler la fontaine à eau",
            "site": world.site.pk,
            "source": "survey",
            "priority": "normal",
            "due_on": "2030-05-31",
            "owner": world.users["agent"].pk,
        },
    )

    site_select = re.search(r'<select[^>]*name="site".*?</select>', form, re.S).group(0)
    assert f'value="{world.sister_site.pk}"' not in site_select  # only their own site
    assert f'value="{world.site.pk}"' in site_select
    action = Action.objects.get(title="Signaler la fontaine à eau")
    assert response.status_code == 302
    assert response["Location"] == reverse("action_detail", kwargs={"pk": action.pk})
    assert (action.site, action.owner, action.source) == (world.site, world.users["agent"], "survey")


def test_the_forms_link_an_engagement_and_its_module_and_edit_an_action(client, world, objects):
    engagement = factories.labelling_referential("QP2").engagements.get(code="QP2-M1-E05")
    client = _as(client, world, "quality_manager")
    form = client.get(reverse("action_edit", kwargs={"pk": objects.own.pk})).content.decode()
    assert "<optgroup" in form and "QP2-M1-E05" in form  # engagements grouped by module

    response = client.post(
        reverse("action_edit", kwargs={"pk": objects.own.pk}),
        {
            "title": "Renouveler toute la signalétique du hall",
            "site": world.site.pk,
            "engagement": engagement.pk,
            "source": "survey",
            "priority": "high",
            "due_on": objects.own.due_on.isoformat(),
        },
    )

    assert response.status_code == 302
    objects.own.refresh_from_db()
    assert (objects.own.title, objects.own.engagement, objects.own.module, objects.own.priority) == (
        "Renouveler toute la signalétique du hall",
        engagement,
        engagement.module,
        "high",
    )


def _edit_data(action, **changes):
    data = {"title": action.title, "source": action.source, "priority": action.priority, "due_on": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize("typed", ["", "31/02/2027", "2027-04"])
def test_the_edit_page_never_takes_an_empty_or_malformed_due_date_for_no_due_date(client, world, objects, typed):
    """A partial date in the browser's date input posts an empty value: the recorded due date stays, in French."""
    recorded = objects.own.due_on
    assert recorded is not None
    url = reverse("action_edit", kwargs={"pk": objects.own.pk})
    client = _as(client, world, "quality_manager")
    assert 'name="due_on_clear"' in client.get(url).content.decode()

    response = client.post(url, _edit_data(objects.own, title="Titre changé", due_on=typed))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    expected = "cochez « Sans échéance »" if typed == "" else "Date incomplète ou invalide"
    assert expected in html and "L’échéance enregistrée est conservée." in html
    objects.own.refresh_from_db()
    assert objects.own.due_on == recorded and objects.own.title != "Titre changé"  # nothing saved


def test_the_edit_page_clears_a_due_date_only_when_sans_echeance_is_ticked(client, world, objects):
    url = reverse("action_edit", kwargs={"pk": objects.own.pk})
    client = _as(client, world, "quality_manager")

    response = client.post(url, _edit_data(objects.own, due_on_clear="on"))

    assert response.status_code == 302
    objects.own.refresh_from_db()
    assert objects.own.due_on is None
    # Without a due date there is nothing to remove: no checkbox, and an empty date is simply « no due date ».
    assert 'name="due_on_clear"' not in client.get(url).content.decode()
    assert client.post(url, _edit_data(objects.own, title="Sans date")).status_code == 302
    objects.own.refresh_from_db()
    assert (objects.own.title, objects.own.due_on) == ("Sans date", None)


def test_the_creation_form_shows_the_services_refusal_on_its_field(client, world, objects):
    response = _as(client, world, "quality_manager").post(
        reverse("action_create"),
        {"plan": objects.plan.pk, "title": "Chaises", "source": "other", "priority": "normal", "due_on": "2015-05-31"},
    )
    assert response.status_code == 200
    assert "L&#x27;échéance ne peut pas être antérieure à la date de création" in response.content.decode()
    assert not Action.objects.filter(title="Chaises").exists()


def test_the_status_page_verifies_an_action_with_its_effectiveness(client, world, objects):
    done = factories.ActionFactory(plan=objects.plan, site=world.site, done=True)
    client = _as(client, world, "quality_manager")
    response = client.post(
        reverse("action_status", kwargs={"pk": done.pk}), {"status": "verified", "effectiveness": "2"}
    )

    assert response.status_code == 302
    done.refresh_from_db()
    assert (done.status, done.effectiveness, done.verified_by) == ("verified", 2, world.users["quality_manager"])


def test_the_action_page_shows_comments_evidence_and_the_history_old_to_new(client, world, objects):
    client = _as(client, world, "site_referent")
    _inline(client, objects.own, field="progress", progress="40")
    client.post(reverse("action_comment_create", kwargs={"pk": objects.own.pk}), {"text": "Devis reçu."})

    html = client.get(reverse("action_detail", kwargs={"pk": objects.own.pk})).content.decode()

    assert "Devis reçu." in html
    assert "preuve.pdf" in html
    history = html[html.index("Historique des modifications") :]
    assert "Avancement (%)" in history
    assert re.search(r"<td>0 %</td>\s*<td>40 %</td>", history)
    assert world.users["site_referent"].get_full_name() in history


def test_a_manager_sees_the_action_page_without_edit_controls(client, world, objects):
    html = _as(client, world, "manager").get(reverse("action_detail", kwargs={"pk": objects.own.pk})).content.decode()
    assert "Changer le statut" not in html
    assert reverse("action_edit", kwargs={"pk": objects.own.pk}) not in html
    assert "Ajouter le commentaire" not in html


def test_the_action_page_costs_the_same_queries_with_many_comments_and_changes(
    client, world, objects, django_assert_max_num_queries
):
    client = _as(client, world, "site_referent")
    url = reverse("action_detail", kwargs={"pk": objects.own.pk})
    _inline(client, objects.own, field="owner", owner=str(world.users["agent"].pk))
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for index in range(12):
        _inline(client, objects.own, field="progress", progress=str(index * 5))
        _inline(
            client, objects.own, field="owner", owner=str(world.users["site_referent" if index % 2 else "agent"].pk)
        )
        factories.ActionCommentFactory(action=objects.own, author=world.users["quality_manager"])
    with django_assert_max_num_queries(40) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)


# --- plans ----------------------------------------------------------------------------------------


def test_the_quality_manager_creates_a_plan_and_carries_open_actions_over(client, world, objects):
    client = _as(client, world, "quality_manager")
    client.post(reverse("action_plan_create"), {"prefecture": world.prefecture.pk, "title": "Plan d'action 2017"})
    plan = ActionPlan.objects.get(title="Plan d'action 2017")

    response = client.post(reverse("action_plan_copy", kwargs={"pk": plan.pk}), {"from_plan": objects.plan.pk})

    assert response.status_code == 302
    assert set(plan.actions.values_list("title", flat=True)) == {
        objects.own.title,
        objects.owned.title,
        objects.sister.title,
        objects.shared.title,
    }


def test_the_plans_page_counts_open_and_overdue_actions(client, world, objects):
    factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True)
    html = _as(client, world, "manager").get(reverse("action_plan_list")).content.decode()
    assert f"?plan={objects.plan.pk}&amp;overdue=true" in html
    assert "Reprendre des actions" not in html
