"""The answer of a correspondence item leaves the application like a complaint's: an e-mail item's answer is
e-mailed to its sender through the same deliveries (outbox, Celery task, a real SMTP server: aiosmtpd,
tests/smtp.py), a letter's answer prints as the same PDF letter (read back with pdftotext); reply templates fill
it; the sender's contact and the answer are personal data (hidden from readers, erased by the retention job)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import deliveries, retention, tasks
from complaints.correspondence import services
from complaints.models import Correspondence, ReplyDelivery, ReplyTemplate
from qualipref.models import OutboxMessage
from tests import factories
from tests.complaints.letters import assert_letter_to_amina_benali
from tests.pdf_pages import needs_poppler

pytestmark = pytest.mark.django_db

RESPONSE = "Madame Benali,\n\nLe guichet des cartes grises ouvre à 8 h 30.\n\nCordialement."
EMAIL_INVALID = "Saisissez une adresse électronique valide (nom@exemple.fr)."


@pytest.fixture
def email_item(world):
    return factories.CorrespondenceFactory(
        site=world.site, email=True, sender="Amina Benali", sender_email="amina.benali@exemple.fr"
    )


@pytest.fixture
def letter_item(world):
    return factories.CorrespondenceFactory(
        site=world.site, sender="Amina Benali", sender_address="12 allée des Pins\n13800 Istres"
    )


def _answer_page(login, item, captured, response=RESPONSE, role="agent"):
    with captured(execute=True):
        return login(role).post(
            reverse("correspondence_answer", kwargs={"pk": item.pk}),
            {"answered_on": "2026-03-05", "response": response},
        )


def test_the_answer_to_an_e_mail_arrives_in_the_sender_inbox(
    login, world, email_item, smtp_inbox, settings, django_capture_on_commit_callbacks
):
    page = login("agent").get(reverse("correspondence_answer", kwargs={"pk": email_item.pk})).content.decode()
    assert "sera envoyée par courriel à amina.benali@exemple.fr" in page

    assert _answer_page(login, email_item, django_capture_on_commit_callbacks).status_code == 302

    delivery = ReplyDelivery.objects.get()
    assert (delivery.correspondence, delivery.complaint, delivery.status, delivery.recipient, delivery.sent_by) == (
        email_item,
        None,
        "pending",
        "amina.benali@exemple.fr",
        world.users["agent"],
    )
    message = OutboxMessage.objects.get(key=f"complaints.ReplyDelivery:{delivery.pk}")
    assert (message.task, message.args, message.sent_at is not None) == (deliveries.TASK, [delivery.pk], True)

    assert tasks.send_reply.apply(args=[delivery.pk]).get() == "sent"  # the complaints' task, the same worker

    ((recipients, received),) = smtp_inbox.messages
    assert recipients == ["amina.benali@exemple.fr"]
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received["Subject"].strip() == (
        f"Réponse à votre courriel {email_item.reference} – Préfecture des Bouches-du-Rhône"
    )
    assert received["X-Qualipref-Reference"] == email_item.reference
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Le guichet des cartes grises ouvre à 8 h 30." in text
    assert f"Courriel {email_item.reference} du 02/03/2026 (Sous-préfecture d'Arles)" in text
    assert "suivi" not in text  # « Suivre ma demande » knows complaints only
    assert "Liberté Égalité Fraternité" in html and "Le guichet des cartes grises" in html

    email_item.refresh_from_db()
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.message_id == received["Message-ID"]
    # answered the day the e-mail left (the agent typed 05/03/2026)
    assert (email_item.answered_on, email_item.response, email_item.answered_by) == (
        timezone.localdate(delivery.sent_at),
        RESPONSE,
        world.users["agent"],
    )

    detail = reverse("correspondence_detail", kwargs={"pk": email_item.pk})
    handler = login("agent").get(detail).content.decode()
    reader = login("manager").get(detail).content.decode()
    assert "Courriel : envoyée" in handler and "à amina.benali@exemple.fr" in handler
    assert "Le guichet des cartes grises" in handler
    assert "Courriel : envoyée" in reader
    assert "amina.benali@exemple.fr" not in reader and "Le guichet des cartes grises" not in reader
    # no letter to print for an e-mail
    assert reverse("correspondence_letter_pdf", kwargs={"pk": email_item.pk}) not in handler


def test_a_refusal_of_the_mail_server_is_recorded_and_retried_like_a_complaint(
    login, email_item, smtp_inbox, django_capture_on_commit_callbacks
):
    smtp_inbox.refuse = "550 5.1.1 Boite aux lettres inconnue"
    _answer_page(login, email_item, django_capture_on_commit_callbacks)

    tasks.send_reply.apply(args=[ReplyDelivery.objects.get().pk])

    delivery = ReplyDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", deliveries.MAX_ATTEMPTS)
    assert delivery.error == "Le serveur de messagerie a refusé le message (550 5.1.1 Boite aux lettres inconnue)."
    assert smtp_inbox.refused == deliveries.MAX_ATTEMPTS
    page = login("agent").get(reverse("correspondence_detail", kwargs={"pk": email_item.pk})).content.decode()
    assert "Courriel : échec de l&#x27;envoi" in page and "3 tentatives" in page


def test_a_reply_template_fills_the_answer_and_an_unfilled_placeholder_is_refused_in_french(
    login, world, email_item, django_capture_on_commit_callbacks
):
    template = ReplyTemplate.objects.create(
        prefecture=world.prefecture,
        title="Horaires",
        body="Bonjour {nom},\n\nVotre courriel {reference} du {date_reception} : [préciser les horaires].",
    )
    url = reverse("correspondence_answer", kwargs={"pk": email_item.pk})

    page = login("agent").get(url, {"modele": template.pk}).content.decode()

    assert f"Bonjour Amina Benali,\n\nVotre courriel {email_item.reference} du 02/03/2026 :" in page
    template.refresh_from_db()
    assert "{nom}" in template.body  # filled in the answer only, never in the template the others read
    for unfinished, passage in (
        (f"Bonjour {{nom}},\n\nVotre courriel {email_item.reference}.", "{nom}"),
        ("Bonjour Amina Benali,\n\n[préciser les horaires].", "[préciser les horaires]"),
    ):
        response = _answer_page(login, email_item, django_capture_on_commit_callbacks, response=unfinished)
        assert response.status_code == 200
        assert f"La réponse contient encore « {passage} » : remplacez ce passage" in response.content.decode()
    email_item.refresh_from_db()
    assert email_item.answered_on is None and email_item.response == ""
    assert not ReplyDelivery.objects.exists()


def test_an_answer_without_text_sends_nothing(world, email_item):
    services.correspondence_answer(
        by=world.users["agent"], correspondence=email_item, answered_on=datetime.date(2026, 3, 5)
    )

    email_item.refresh_from_db()
    assert email_item.answered_on == datetime.date(2026, 3, 5) and email_item.response == ""
    assert not ReplyDelivery.objects.exists()


def test_a_malformed_sender_address_is_refused_in_french(login, as_role, world, email_item):
    edit = reverse("correspondence_edit", kwargs={"pk": email_item.pk})
    form = {
        "kind": "email",
        "site": world.site.pk,
        "received_on": "2026-03-02",
        "sender": "Amina Benali",
        "sender_email": "amina.benali@",
    }

    page = login("agent").post(edit, form)

    assert page.status_code == 200 and EMAIL_INVALID in page.content.decode()
    api = as_role("agent").patch(
        reverse("api:correspondence-detail", kwargs={"pk": email_item.pk}), {"sender_email": "pas une adresse"}
    )
    assert api.status_code == 400
    assert api.json()["sender_email"] == [EMAIL_INVALID]
    with pytest.raises(ValidationError, match="nom@exemple.fr"):
        services.correspondence_update(by=world.users["agent"], correspondence=email_item, sender_email="a@b@c")
    email_item.refresh_from_db()
    assert email_item.sender_email == "amina.benali@exemple.fr"


@needs_poppler
def test_the_answer_to_a_letter_prints_on_the_prefecture_letterhead(login, world, letter_item, tmp_path):
    agent = world.users["agent"]
    url = reverse("correspondence_letter_pdf", kwargs={"pk": letter_item.pk})
    assert login("agent").get(url).status_code == 404  # not answered yet
    services.correspondence_answer(
        by=agent, correspondence=letter_item, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )
    assert not ReplyDelivery.objects.exists()  # a letter is not e-mailed
    client = login("agent")
    assert (
        f'href="{url}"' in client.get(reverse("correspondence_detail", kwargs={"pk": letter_item.pk})).content.decode()
    )

    response = client.get(url)

    assert_letter_to_amina_benali(
        response,
        tmp_path,
        reference=letter_item.reference,
        subject="Objet : réponse à votre courrier du 02/03/2026",
        paragraph="Le guichet des cartes grises ouvre à 8 h 30.",
        agent=agent,
    )
    # it names the sender: not for readers
    assert login("manager").get(url).status_code == 403


def test_a_letter_answered_without_text_has_no_letter_to_print(login, world, letter_item):
    services.correspondence_answer(
        by=world.users["agent"], correspondence=letter_item, answered_on=datetime.date(2026, 3, 12)
    )

    assert login("agent").get(reverse("correspondence_letter_pdf", kwargs={"pk": letter_item.pk})).status_code == 404


def test_the_retention_job_erases_the_contact_the_answer_and_the_address_it_was_sent_to(world, email_item):
    services.correspondence_answer(
        by=world.users["agent"], correspondence=email_item, answered_on=datetime.date(2026, 3, 5), response=RESPONSE
    )
    Correspondence.objects.filter(pk=email_item.pk).update(sender_address="12 allée des Pins")
    ReplyDelivery.objects.update(error="550 amina.benali@exemple.fr inconnue")

    retention.anonymise_correspondences(
        Correspondence.objects.filter(pk=email_item.pk), today=datetime.date(2028, 4, 1)
    )

    email_item.refresh_from_db()
    assert (email_item.sender, email_item.sender_email, email_item.sender_address) == ("", "", "")
    assert email_item.response == "[Texte effacé le 01/04/2028 : données personnelles anonymisées.]"
    assert ReplyDelivery.objects.values_list("recipient", "error").get() == ("", "")
    assert deliveries.deliver(ReplyDelivery.objects.get().pk).error == deliveries.NO_ADDRESS
    # never in the history
    history = email_item.history.first()
    assert not hasattr(history, "response") and not hasattr(history, "sender_email")


def test_the_api_answers_with_a_text_and_lists_the_sendings(
    as_role, world, email_item, smtp_inbox, django_capture_on_commit_callbacks, django_assert_num_queries
):
    answer = reverse("api:correspondence-answer", kwargs={"pk": email_item.pk})
    refused = as_role("agent").post(answer, {"answered_on": "2026-03-05", "response": "{nom}, voici."}, format="json")
    assert refused.status_code == 400
    assert refused.json()["response"] == [
        "La réponse contient encore « {nom} » : remplacez ce passage par le texte à envoyer au demandeur avant "
        "d'enregistrer la réponse."
    ]

    with django_capture_on_commit_callbacks(execute=True):
        answered = as_role("agent").post(answer, {"answered_on": "2026-03-05", "response": RESPONSE}, format="json")
    assert answered.status_code == 200
    assert answered.json()["response"] == RESPONSE
    assert answered.json()["sender_email"] == "amina.benali@exemple.fr"
    tasks.send_reply.apply(args=[ReplyDelivery.objects.get().pk])
    assert len(smtp_inbox.messages) == 1

    # one query: the deliveries joined with who asked for them
    with django_assert_num_queries(1):
        assert deliveries.deliveries_of(email_item)[0].sent_by == world.users["agent"]
    url = reverse("api:correspondence-deliveries", kwargs={"pk": email_item.pk})
    (handled,) = as_role("agent").get(url).json()
    (read,) = as_role("manager").get(url).json()
    assert (handled["status"], handled["recipient"], handled["sent_by"]) == (
        "sent",
        "amina.benali@exemple.fr",
        world.users["agent"].username,
    )
    assert (read["status"], read["recipient"], read["error"]) == ("sent", None, None)
    detail = as_role("manager").get(reverse("api:correspondence-detail", kwargs={"pk": email_item.pk})).json()
    assert not {"sender", "sender_email", "sender_address", "response"} & set(detail)


def test_the_admin_never_shows_the_contact_nor_the_answer_but_finds_the_exact_address(client, world, email_item):
    Correspondence.objects.filter(pk=email_item.pk).update(response=RESPONSE, sender_address="12 allée des Pins")
    client.force_login(world.users["national"])

    change = client.get(reverse("admin:complaints_correspondence_change", args=[email_item.pk])).content.decode()
    found = client.get(reverse("admin:complaints_correspondence_changelist"), {"q": "amina.benali@exemple.fr"})

    assert "amina.benali@exemple.fr" not in change
    assert "12 allée des Pins" not in change and "Le guichet des cartes grises" not in change
    assert email_item.reference in found.content.decode()
