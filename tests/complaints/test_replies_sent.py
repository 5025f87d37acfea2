"""The answer of a complaint leaves the application: e-mailed to the requester (HTML and text) by a Celery task fed
by the outbox, received by a real SMTP server (aiosmtpd, tests/smtp.py); recorded on the complaint (sent when, to
whom, by whom, attempts, the server's refusal in French), retried a limited number of times, shown on its page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from complaints import deliveries, retention, services, tasks
from complaints.models import ReplyDelivery
from qualipref.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

RESPONSE = "Amina Benali,\n\nNous avons renforcé l'accueil le matin.\n\nCordialement."


def _answer(login, complaint, captured, response=RESPONSE):
    with captured(execute=True):
        return login("agent").post(
            reverse("complaint_answer", kwargs={"pk": complaint.pk}),
            {"answered_on": "2026-03-12", "response": response},
        )


def test_the_answer_arrives_in_the_requester_inbox(
    login,
    world,
    complaint,
    smtp_inbox,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://qualipref.example.gouv.fr"
    page = login("agent").get(reverse("complaint_answer", kwargs={"pk": complaint.pk})).content.decode()
    assert "sera envoyée par courriel à amina.benali@exemple.fr" in page
    _answer(login, complaint, django_capture_on_commit_callbacks)

    delivery = ReplyDelivery.objects.get()
    assert (delivery.status, delivery.recipient, delivery.sent_by) == (
        "pending",
        "amina.benali@exemple.fr",
        world.users["agent"],
    )
    # recorded with the answer, in its transaction, and handed to the broker once committed
    message = OutboxMessage.objects.get(key=f"complaints.ReplyDelivery:{delivery.pk}")
    assert (message.task, message.args, message.sent_at is not None) == (deliveries.TASK, [delivery.pk], True)

    assert tasks.send_reply.apply(args=[delivery.pk]).get() == "sent"  # what the worker runs

    ((recipients, received),) = smtp_inbox.messages
    assert recipients == ["amina.benali@exemple.fr"]
    assert received["To"] == "amina.benali@exemple.fr"
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received["Subject"].strip() == (
        f"Réponse à votre réclamation {complaint.reference} – Préfecture des Bouches-du-Rhône"
    )
    assert received["X-Qualipref-Reference"] == complaint.reference
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Nous avons renforcé l'accueil le matin." in text
    assert f"Réclamation {complaint.reference} du 02/03/2026" in text
    assert "Préfecture des Bouches-du-Rhône" in text
    assert "https://qualipref.example.gouv.fr/e-reclamation/suivi/" in text
    assert "Liberté Égalité Fraternité" in html
    assert "Préfecture des Bouches-du-Rhône" in html
    assert "Nous avons renforcé l&#x27;accueil le matin." in html
    assert complaint.reference in html

    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1 and delivery.error == ""
    assert delivery.sent_at is not None
    assert delivery.message_id == received["Message-ID"]
    # a second delivery of the task message sends nothing more
    assert tasks.send_reply.apply(args=[delivery.pk]).get() == "sent"
    assert len(smtp_inbox.messages) == 1
    # the answer is dated the day its e-mail left, not the day the agent typed: the person received it today, after
    # the due date (received 02/03/2026), so it no longer counts as answered in time
    complaint.refresh_from_db()
    assert complaint.answered_on == timezone.localdate(delivery.sent_at) != datetime.date(2026, 3, 12)
    assert complaint.answered_in_time is False
    assert complaint.answer_delay > 15
    assert complaint.history.first().history_user == world.users["agent"]


def test_the_page_shows_the_sending_and_hides_the_address_from_readers(
    login,
    world,
    complaint,
    smtp_inbox,
    django_capture_on_commit_callbacks,
):
    _answer(login, complaint, django_capture_on_commit_callbacks)
    tasks.send_reply.apply(args=[ReplyDelivery.objects.get().pk])
    detail = reverse("complaint_detail", kwargs={"pk": complaint.pk})

    handler = login("agent").get(detail).content.decode()
    reader = login("manager").get(detail).content.decode()

    assert "Courriel : envoyée" in handler and "à amina.benali@exemple.fr" in handler
    assert "Courriel : envoyée" in reader and "amina.benali@exemple.fr" not in reader


def test_a_refusal_of_the_mail_server_is_recorded_in_french_and_retried(
    login,
    world,
    complaint,
    smtp_inbox,
    django_capture_on_commit_callbacks,
):
    smtp_inbox.refuse = "550 5.1.1 Boite aux lettres inconnue"
    _answer(login, complaint, django_capture_on_commit_callbacks)
    delivery = ReplyDelivery.objects.get()

    # one attempt: refused, written on the delivery, another attempt a minute later
    deliveries.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.error == "Le serveur de messagerie a refusé le message (550 5.1.1 Boite aux lettres inconnue)."
    assert deliveries.retry_delay(delivery) == 60

    # the task retries (eager here: at once) until the last attempt, then the delivery is failed
    tasks.send_reply.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("failed", deliveries.MAX_ATTEMPTS, None)
    assert smtp_inbox.refused == deliveries.MAX_ATTEMPTS
    assert smtp_inbox.messages == []
    page = login("agent").get(reverse("complaint_detail", kwargs={"pk": complaint.pk})).content.decode()
    assert "Courriel : échec de l&#x27;envoi" in page
    assert "3 tentatives" in page
    assert "a refusé le message (550 5.1.1 Boite aux lettres inconnue)" in page


def test_a_mail_server_out_of_reach_is_said_in_french(world, complaint, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )

    delivery = deliveries.deliver(ReplyDelivery.objects.get().pk)

    assert delivery.status == "pending"
    assert delivery.error.startswith("Le serveur de messagerie est injoignable (ConnectionRefusedError")


def test_an_answer_with_a_passage_left_to_write_cannot_be_sent(
    login, world, complaint, django_capture_on_commit_callbacks
):
    for unfinished in ("{nom},\n\nNous avons bien reçu…", "Bonjour,\n\n[préciser la suite donnée]"):
        response = _answer(login, complaint, django_capture_on_commit_callbacks, response=unfinished)
        assert "remplacez ce passage" in response.content.decode()
    assert not ReplyDelivery.objects.exists()

    # recorded somehow all the same (an import, the admin): checked again before it leaves, never sent
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )
    complaint.__class__.objects.filter(pk=complaint.pk).update(response="{nom}, voici notre réponse.")
    delivery = deliveries.deliver(ReplyDelivery.objects.get().pk)
    assert delivery.status == "failed"
    assert delivery.error.startswith("La réponse contient encore « {nom} »")


def test_no_e_mail_for_a_requester_without_an_address(world):
    complaint = factories.ComplaintFactory(site=world.site, requester_address="12 allée des Pins, 13800 Istres")

    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=complaint.received_on, response="Réponse."
    )

    assert not ReplyDelivery.objects.exists()


def test_the_retention_job_erases_the_address_it_was_sent_to(world, complaint):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )
    ReplyDelivery.objects.update(error="550 amina.benali@exemple.fr inconnue")

    retention.anonymise_complaints(complaint.__class__.objects.filter(pk=complaint.pk))

    assert ReplyDelivery.objects.values_list("recipient", "error").get() == ("", "")
    assert deliveries.deliver(ReplyDelivery.objects.get().pk).error == deliveries.NO_ADDRESS


def test_a_delivery_left_pending_is_sent_again_then_failed(world, complaint, settings):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )
    delivery = ReplyDelivery.objects.get()
    later = delivery.updated_at + datetime.timedelta(hours=1)

    def sweep(hours):
        OutboxMessage.objects.update(sent_at=later)  # the broker took the task, the worker never finished it
        return deliveries.sweep_stale_deliveries(before=later + datetime.timedelta(hours=hours))

    assert sweep(0) == 1  # 2 sends now
    assert OutboxMessage.objects.filter(key=f"complaints.ReplyDelivery:{delivery.pk}").count() == 2
    sweep(1)  # 3 sends
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    sweep(2)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.error == "L'envoi n'a pas abouti après 3 tentatives (service d'envoi indisponible)."
    # the agent who sent it learns that it did not arrive, as after the mail server's refusals
    (notice,) = Notification.objects.filter(kind=deliveries.FAILED_KIND)
    assert (notice.recipient, notice.title) == (world.users["agent"], f"Réponse non remise : {complaint.reference}")


def test_the_api_lists_the_sendings_and_hides_the_address_from_readers(
    as_role, world, complaint, smtp_inbox, django_assert_num_queries
):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )
    smtp_inbox.refuse = "550 5.1.1 Boite aux lettres inconnue"
    deliveries.deliver(ReplyDelivery.objects.get().pk)
    url = reverse("api:complaint-deliveries", kwargs={"pk": complaint.pk})

    # one query: the deliveries joined with who asked for them (the page and the API list them so)
    with django_assert_num_queries(1):
        assert deliveries.deliveries_of(complaint)[0].sent_by.username == world.users["agent"].username
    (handled,) = as_role("agent").get(url).json()
    (read,) = as_role("manager").get(url).json()

    assert handled["status"] == "pending" and handled["attempts"] == 1 and handled["sent_at"] is None
    assert handled["recipient"] == "amina.benali@exemple.fr"
    assert handled["error"].startswith("Le serveur de messagerie a refusé le message (550")
    assert handled["sent_by"] == world.users["agent"].username
    assert (read["recipient"], read["error"], read["status"]) == (None, None, "pending")
