"""The answer of a complaint greets the requester by name, however the name got there (a template's {nom}, typed by
hand): it is personal data, read only by those who may see the requester, on the page, in the API and in the
admin. A reply template is signed by whoever answers, names the site with its article, and an answer that still
holds a passage to write (« [préciser la suite donnée] ») is refused in French on the page, by the service and in
the API. The services of a register form are labelled with their site and marked with it for the filter."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import access
from complaints import replies, services
from complaints.models import Complaint
from tests import factories
from tests.complaints.api_reads import detail_and_row

pytestmark = pytest.mark.django_db

HANDLERS = ("quality_manager", "site_referent", "agent")
READERS = ("manager", "national")
ANSWER = "Amina Benali,\n\nNous vous répondrons au 12 allée des Pins ou à amina.benali@exemple.fr."


@pytest.fixture
def answered(world, complaint):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 9), response=ANSWER
    )
    return complaint


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_the_answer_on_the_page_is_read_only_by_those_who_see_the_requester(login, world, answered, role):
    text = login(role).get(reverse("complaint_detail", kwargs={"pk": answered.pk})).content.decode()

    assert ("Amina Benali" in text) is (role in HANDLERS)
    assert ("12 allée des Pins" in text) is (role in HANDLERS)
    assert ("n’est visible que des agents qui traitent la réclamation" in text) is (role in READERS)
    assert access.can_see_response(world.users[role], answered) is (role in HANDLERS)


@pytest.mark.parametrize("role", HANDLERS + READERS)
def test_the_answer_in_the_api_is_null_for_those_who_may_not_see_the_requester(as_role, world, answered, role):
    for data in detail_and_row(as_role(role), answered):
        assert data["response"] == (ANSWER if role in HANDLERS else None)
        assert data["abilities"]["see_response"] is (role in HANDLERS)
        assert ("Amina Benali" in str(data)) is (role in HANDLERS)


def test_the_admin_of_national_administrators_leaves_the_answer_out(client, world, answered):
    world.users["national"].is_staff = world.users["national"].is_superuser = True
    world.users["national"].save()
    client.force_login(world.users["national"])

    text = client.get(reverse("admin:complaints_complaint_change", args=[answered.pk])).content.decode()

    assert answered.reference in text
    assert "Amina Benali" not in text


def test_the_retention_job_anonymises_the_answer(world, answered):
    from complaints import retention

    retention.erase_complaints(by=world.users["quality_manager"], queryset=Complaint.objects.filter(pk=answered.pk))

    answered.refresh_from_db()
    assert "Amina" not in answered.response


# --- templates: signature, article --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "function"),
    [
        ("agent", "Agent d'accueil"),
        ("site_referent", "Référent qualité de site"),
        ("quality_manager", "Responsable qualité de préfecture"),
    ],
)
def test_a_template_is_signed_by_whoever_answers(login, world, complaint, role, function):
    template = factories.ReplyTemplateFactory(
        prefecture=world.prefecture, body="{nom},\n\nAccueil {du_site}.\n\n{signataire}\n{fonction}\n{prefecture}"
    )
    user = world.users[role]
    user.first_name, user.last_name = "Sophie", "Roux"
    user.save()

    response = login(role).get(reverse("complaint_answer", kwargs={"pk": complaint.pk}), {"modele": template.pk})

    assert response.context["form"].initial["response"] == (
        "Amina Benali,\n\nAccueil de la sous-préfecture d'Arles.\n\n"
        f"Sophie Roux\n{function}\nPréfecture des Bouches-du-Rhône"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sous-préfecture d'Istres", "de la sous-préfecture d'Istres"),
        ("Préfecture des Bouches-du-Rhône", "de la préfecture des Bouches-du-Rhône"),
        ("Marseille – Peytral", "de Marseille – Peytral"),
        ("Antenne de Vitrolles", "de l'antenne de Vitrolles"),
        ("Centre d'accueil de Fos", "du centre d'accueil de Fos"),
        ("Aix-en-Provence – Mignet", "d'Aix-en-Provence – Mignet"),
    ],
)
def test_the_site_is_named_with_its_article(name, expected):
    assert replies.of_site(name) == expected


# --- a passage still to write -------------------------------------------------------------------------------

UNFINISHED = "Madame,\n\nAprès examen de votre demande, [préciser la suite donnée].\n\nCordialement."
MESSAGE = "La réponse contient encore « [préciser la suite donnée] »"


def test_the_service_refuses_an_answer_with_a_passage_still_to_write(world, complaint):
    with pytest.raises(ValidationError) as error:
        services.complaint_answer(
            by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 9), response=UNFINISHED
        )

    assert error.value.message_dict["response"][0].startswith(MESSAGE)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED and complaint.response == ""


@pytest.mark.parametrize("text", ["Bonjour {nom},", "[à compléter]", "Réponse : [NOM DU DEMANDEUR]"])
def test_an_unfilled_placeholder_is_refused_too(world, complaint, text):
    with pytest.raises(ValidationError):
        services.complaint_answer(
            by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 9), response=text
        )


def test_brackets_of_a_quotation_or_a_number_are_accepted(world, complaint):
    services.complaint_answer(
        by=world.users["agent"],
        complaint=complaint,
        answered_on=datetime.date(2026, 3, 9),
        response="Vous écriviez « j'ai attendu [sic] trois heures […] » (article [2]).",
    )

    assert complaint.status == Complaint.Status.ANSWERED


def test_the_answer_page_refuses_a_passage_still_to_write_and_keeps_the_text(login, world, complaint):
    response = login("agent").post(
        reverse("complaint_answer", kwargs={"pk": complaint.pk}), {"answered_on": "2026-03-09", "response": UNFINISHED}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["response"][0].startswith(MESSAGE)
    assert "Après examen de votre demande, [préciser la suite donnée]." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.answered_on is None


def test_the_api_refuses_a_passage_still_to_write(as_role, world, complaint):
    response = as_role("agent").post(
        reverse("api:complaint-answer", kwargs={"pk": complaint.pk}),
        {"answered_on": "2026-03-09", "response": UNFINISHED},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["response"][0].startswith(MESSAGE)
    complaint.refresh_from_db()
    assert complaint.answered_on is None


# --- services of a register form ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["complaint_create", "correspondence_create"])
def test_the_services_of_a_new_item_are_labelled_with_their_site_and_marked_for_the_filter(login, world, url):
    sister_service = factories.ServiceFactory(site=world.sister_site, name="Accueil général")

    text = login("quality_manager").get(reverse(url)).content.decode()

    assert f'data-site="{world.site.pk}"' in text and f'data-site="{world.sister_site.pk}"' in text
    assert "Accueil général – Sous-préfecture d&#x27;Arles" in text
    assert "Accueil général – Sous-préfecture d&#x27;Istres" in text
    assert f'value="{sister_service.pk}" data-site="{world.sister_site.pk}"' in text
    assert 'data-services-of="site"' in text
    assert "complaints/services" in text  # the static script, no inline one
