"""Pages of the register: the scoped list with its filters and remaining working days, a complaint's page,
the forms (record, edit, answer with a template, assign, close, create an action), reply templates."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from engagements.models import Action, ActionPlan
from tests import factories
from tests.complaints.form_data import letter_form

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def _rows(response):
    return list(response.context["page_obj"].object_list)


# --- the register --------------------------------------------------------------------------------------


def test_the_register_shows_the_complaints_of_the_user_sites_only(login, world):
    own = factories.ComplaintFactory(site=world.site)
    sister = factories.ComplaintFactory(site=world.sister_site)
    factories.ComplaintFactory(site=world.foreign_site)

    assert _rows(login("agent").get(reverse("complaint_list"))) == [own]
    assert set(_rows(login("manager").get(reverse("complaint_list")))) == {own, sister}
    assert _rows(login("auditor").get(reverse("complaint_list"))) == []


def test_the_register_filters_overdue_and_due_this_week(login, world):
    today = timezone.localdate()
    overdue = factories.ComplaintFactory(site=world.site, received_on=today - datetime.timedelta(days=40))
    due_soon = factories.ComplaintFactory(site=world.site, received_on=today - datetime.timedelta(days=18))
    due_soon.due_on = today + datetime.timedelta(days=2)
    due_soon.save()
    later = factories.ComplaintFactory(site=world.site, received_on=today)
    factories.ComplaintFactory(site=world.site, received_on=today - datetime.timedelta(days=60), answered=True)
    client = login("agent")

    assert _rows(client.get(reverse("complaint_list"), {"overdue": "on"})) == [overdue]
    assert _rows(client.get(reverse("complaint_list"), {"due_this_week": "on"})) == [due_soon]
    # Open ones first, the most urgent on top.
    assert _rows(client.get(reverse("complaint_list")))[:3] == [overdue, due_soon, later]


def test_the_register_filters_by_site_service_status_channel_and_category(login, world):
    wanted = factories.ComplaintFactory(
        site=world.sister_site,
        service=factories.ServiceFactory(site=world.sister_site),
        channel="web",
        category="phone",
    )
    factories.ComplaintFactory(site=world.sister_site, channel="web", category="delays")
    factories.ComplaintFactory(site=world.site, channel="web", category="phone")
    query = {
        "site": world.sister_site.pk,
        "service": wanted.service_id,
        "status": "received",
        "channel": "web",
        "category": "phone",
    }

    assert _rows(login("quality_manager").get(reverse("complaint_list"), query)) == [wanted]


def _service_options(response):
    select = re.search(r'<select[^>]*name="service".*?</select>', response.content.decode(), re.S).group(0)
    return sorted(int(value) for value in re.findall(r'<option value="(\d+)"', select))


def test_for_a_national_user_the_service_list_waits_for_a_site_and_the_filter_still_takes_any_service(login, world):
    """A national user sees 500 sites and 1,000 services at national scale: the « Service » list would weigh
    150 kB on every page. It lists the chosen site's services only; a prefecture's users keep them all."""
    own = factories.ServiceFactory(site=world.site)
    sister = factories.ServiceFactory(site=world.sister_site)
    wanted = factories.ComplaintFactory(site=world.site, service=own)
    factories.ComplaintFactory(site=world.site)
    assert {own.pk, sister.pk} <= set(_service_options(login("quality_manager").get(reverse("complaint_list"))))

    client = login("national")
    response = client.get(reverse("complaint_list"))
    assert _service_options(response) == []
    assert "Choisissez d'abord un site" in _text(response)
    on_sister = _service_options(client.get(reverse("complaint_list"), {"site": world.sister_site.pk}))
    assert sister.pk in on_sister and own.pk not in on_sister
    # A service chosen without its site (a link, the API's parameters) still filters, and stays shown as chosen.
    response = client.get(reverse("complaint_list"), {"service": own.pk})
    assert _rows(response) == [wanted] and _service_options(response) == [own.pk]


def test_each_row_shows_its_remaining_working_days(login, world):
    today = timezone.localdate()
    complaint = factories.ComplaintFactory(site=world.site, received_on=today - datetime.timedelta(days=40))

    response = login("agent").get(reverse("complaint_list"))

    (row,) = _rows(response)
    assert row == complaint
    assert row.remaining_working_days < 0
    assert "En retard" in _text(response)


def test_the_register_costs_the_same_for_1_or_50_complaints(login, world, django_assert_num_queries):
    today = timezone.localdate()
    factories.ComplaintFactory(site=world.site, assigned_to=world.users["agent"], service=world.service)
    client = login("quality_manager")
    client.get(reverse("complaint_list"))
    # session, user, scope; sites and services of the filter; the count and the page of complaints; the calendars of
    # the page's sites (sites, closures); whether the user writes reply templates; the DSFR configuration: kept
    with django_assert_num_queries(10):
        client.get(reverse("complaint_list"))
    for day in range(49):
        factories.ComplaintFactory(
            site=(world.site, world.sister_site)[day % 2],
            received_on=today - datetime.timedelta(days=day),
            assigned_to=world.users["site_referent"] if day % 3 else None,
            service=world.service if day % 2 == 0 else None,
            answered=day % 5 == 0 and day > 10,
        )
    with django_assert_num_queries(10):
        response = client.get(reverse("complaint_list"))

    assert len(_rows(response)) == 50


def test_the_register_is_paginated_by_50(login, world):
    factories.ComplaintFactory.create_batch(51, site=world.site)

    response = login("agent").get(reverse("complaint_list"))

    assert len(_rows(response)) == 50
    assert response.context["page_obj"].paginator.num_pages == 2


# --- a complaint's page --------------------------------------------------------------------------------


def test_the_page_of_a_complaint_of_another_prefecture_is_a_404(login, world):
    foreign = factories.ComplaintFactory(site=world.foreign_site)

    assert login("quality_manager").get(reverse("complaint_detail", kwargs={"pk": foreign.pk})).status_code == 404


def test_the_page_shows_its_history(login, world, complaint):
    from complaints import services

    services.complaint_reassign(
        by=world.users["quality_manager"], complaint=complaint, assigned_to=world.users["agent"]
    )

    text = _text(login("agent").get(reverse("complaint_detail", kwargs={"pk": complaint.pk})))

    assert "Agent chargé de la réponse : — → Camille" in text
    assert "Statut : Reçue → En cours de traitement" in text


def test_the_page_costs_the_same_however_long_the_history(login, world, complaint, django_assert_num_queries):
    from complaints import services

    services.complaint_reassign(
        by=world.users["quality_manager"], complaint=complaint, assigned_to=world.users["agent"]
    )
    client = login("agent")
    url = reverse("complaint_detail", kwargs={"pk": complaint.pk})
    client.get(url)
    # session, user, scope, complaint, calendar (site, closures), content type, actions,
    # history rows, users named in the history (one query per kind of object named, not per change), the e-mails
    # received for it (their attachments only when there are some); the sendings of the answer are read once it is
    # answered only; the DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(10):
        client.get(url)
    for day in range(1, 6):
        services.complaint_update(by=world.users["agent"], complaint=complaint, category=("delays", "phone")[day % 2])
        services.complaint_reassign(
            by=world.users["quality_manager"],
            complaint=complaint,
            assigned_to=(world.users["agent"], world.users["site_referent"])[day % 2],
        )
    with django_assert_num_queries(10):
        response = client.get(url)

    assert len(response.context["history"]) == 12


def test_a_manager_reads_the_page_without_buttons_nor_personal_data(login, world, complaint):
    text = _text(login("manager").get(reverse("complaint_detail", kwargs={"pk": complaint.pk})))

    assert complaint.description in text
    assert "Amina Benali" not in text
    assert "amina.benali@exemple.fr" not in text
    assert "visibles que des agents qui traitent la réclamation" in text
    assert "Répondre" not in text


# --- recording and editing -------------------------------------------------------------------------------


def test_an_agent_records_a_letter_and_gets_its_reference_and_due_date(login, world):
    response = login("agent").post(reverse("complaint_create"), letter_form(world), follow=True)

    complaint = Complaint.objects.get()
    assert complaint.assigned_to == world.users["agent"]
    assert response.redirect_chain[-1][0] == reverse("complaint_detail", kwargs={"pk": complaint.pk})
    assert "Réclamation REC-13-2026-00001 enregistrée : réponse attendue au plus tard le 23/03/2026." in _text(response)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"site": "999999"}, "site"),
        ({"site": "sister"}, "site"),
        ({"site": "foreign"}, "site"),
        ({"service": "foreign"}, "service"),
        ({"received_on": "2026-02-30"}, "received_on"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_input_on_the_form_writes_nothing(login, world, overrides, field):
    values = {"sister": world.sister_site.pk, "foreign": world.foreign_site.pk}
    overrides = {
        key: (world.foreign_service.pk if key == "service" and value == "foreign" else values.get(value, value))
        for key, value in overrides.items()
    }

    response = login("agent").post(reverse("complaint_create"), letter_form(world, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Complaint.objects.exists()


def test_readers_do_not_open_the_recording_form(login, world):
    for role in ("manager", "national", "auditor"):
        assert login(role).get(reverse("complaint_create")).status_code == 403


def test_editing_the_date_of_receipt_moves_the_due_date(login, world, complaint):
    data = letter_form(world, received_on="2026-03-09")
    data.pop("assign_to_me")

    login("agent").post(reverse("complaint_edit", kwargs={"pk": complaint.pk}), data)

    complaint.refresh_from_db()
    assert complaint.due_on == datetime.date(2026, 3, 30)


# --- answering, assigning, closing, actions ------------------------------------------------------------------


def test_the_answer_form_is_filled_with_a_template_of_the_prefecture(login, world, complaint):
    template = factories.ReplyTemplateFactory(prefecture=world.prefecture)
    factories.ReplyTemplateFactory(prefecture=world.foreign_prefecture, title="Modèle du Val-de-Marne")
    url = reverse("complaint_answer", kwargs={"pk": complaint.pk})

    response = login("agent").get(url, {"modele": template.pk})

    assert "Modèle du Val-de-Marne" not in _text(response)
    assert response.context["form"].initial["response"] == (
        f"Amina Benali,\n\nNous avons bien reçu le 02/03/2026 votre réclamation {complaint.reference} "
        "concernant Sous-préfecture d'Arles."
    )


def test_answering_on_the_page_shows_whether_it_came_in_time(login, world, complaint):
    response = login("agent").post(
        reverse("complaint_answer", kwargs={"pk": complaint.pk}),
        {"answered_on": "2026-03-12", "response": "Nous avons renforcé l'accueil."},
        follow=True,
    )

    assert f"Réponse enregistrée pour {complaint.reference} : 8 jours ouvrés, dans les délais." in _text(response)


def test_an_answer_dated_before_receipt_is_refused_on_the_page(login, world, complaint):
    response = login("agent").post(
        reverse("complaint_answer", kwargs={"pk": complaint.pk}), {"answered_on": "2026-02-27", "response": "R"}
    )

    assert response.context["form"].errors["answered_on"] == [
        "La date de réponse ne peut pas précéder la date de réception (02/03/2026)."
    ]
    complaint.refresh_from_db()
    assert complaint.answered_on is None


def test_assigning_then_closing_on_the_pages(login, world, complaint):
    client = login("site_referent")
    client.post(reverse("complaint_reassign", kwargs={"pk": complaint.pk}), {"assigned_to": world.users["agent"].pk})
    complaint.refresh_from_db()
    assert complaint.assigned_to == world.users["agent"]

    response = client.post(reverse("complaint_close", kwargs={"pk": complaint.pk}), follow=True)
    assert "seule une réclamation répondue se clôt" in _text(response)

    client.post(
        reverse("complaint_answer", kwargs={"pk": complaint.pk}), {"answered_on": "2026-03-05", "response": "Réponse."}
    )
    client.post(reverse("complaint_close", kwargs={"pk": complaint.pk}))
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED


def test_the_referent_turns_a_complaint_into_an_action(login, world, complaint):
    ActionPlan.objects.create(prefecture=world.prefecture, title="Plan d'action 2026")
    client = login("site_referent")
    detail = reverse("complaint_detail", kwargs={"pk": complaint.pk})
    assert "Créer une action" in _text(client.get(detail))
    assert "Créer une action" not in _text(login("agent").get(detail))

    client = login("site_referent")
    client.post(
        reverse("complaint_action_create", kwargs={"pk": complaint.pk}), {"title": "Afficher les heures d'affluence"}
    )

    action = Action.objects.get()
    assert (action.title, action.site, action.source_id) == (
        "Afficher les heures d'affluence",
        world.site,
        complaint.pk,
    )
    assert "Afficher les heures d'affluence" in _text(client.get(detail))


def test_without_an_action_plan_the_action_form_says_so(login, world, complaint):
    response = login("quality_manager").post(
        reverse("complaint_action_create", kwargs={"pk": complaint.pk}), {"title": "Afficher les heures d'affluence"}
    )

    assert "le responsable qualité doit en créer un" in _text(response)
    assert not Action.objects.exists()


# --- reply templates ---------------------------------------------------------------------------------------


def test_the_quality_manager_writes_a_template_and_an_unknown_placeholder_is_refused(login, world):
    client = login("quality_manager")
    bad = client.post(
        reverse("reply_template_create"), {"prefecture": world.prefecture.pk, "title": "T", "body": "{x}"}
    )
    assert "Variable inconnue {x}" in _text(bad)

    client.post(
        reverse("reply_template_create"),
        {"prefecture": world.prefecture.pk, "title": "Réponse type", "body": "{nom}", "is_active": "on"},
    )
    assert world.prefecture.reply_templates.get().title == "Réponse type"
