"""An answer whose e-mail did not arrive: the agent who sent it and the item's assignee are told (a notification
without personal data), the address is corrected and the answer sent again (« Renvoyer la réponse », page and
API), to a real SMTP server (tests/smtp.py). Nothing to send again (no failure, a sending under way, the answer
delivered) is refused in French."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from complaints import deliveries, services, tasks
from complaints.correspondence import services as correspondence_services
from complaints.models import ReplyDelivery
from tests import factories

pytestmark = pytest.mark.django_db

RESPONSE = "Amina Benali,\n\nNous avons renforcé l'accueil le matin.\n\nCordialement."
REFUSAL = "550 5.1.1 Boite aux lettres inconnue"


def _failed_answer(world, complaint, smtp_inbox, captured):
    """The complaint answered by the agent, its e-mail refused by the server until the last attempt."""
    complaint.assigned_to = world.users["site_referent"]
    complaint.save(update_fields=["assigned_to"])
    smtp_inbox.refuse = REFUSAL
    with captured(execute=True):
        services.complaint_answer(
            by=world.users["agent"], complaint=complaint, answered_on=timezone.localdate(), response=RESPONSE
        )
    delivery = ReplyDelivery.objects.get(complaint=complaint)
    assert tasks.send_reply.apply(args=[delivery.pk]).get() == "failed"
    smtp_inbox.refuse = None
    return delivery


def test_a_failed_answer_is_told_to_its_sender_and_to_the_assignee_without_personal_data(
    world, complaint, smtp_inbox, django_capture_on_commit_callbacks
):
    delivery = _failed_answer(world, complaint, smtp_inbox, django_capture_on_commit_callbacks)

    notices = Notification.objects.filter(kind=deliveries.FAILED_KIND)
    assert {notice.recipient for notice in notices} == {world.users["agent"], world.users["site_referent"]}
    notice = notices.first()
    assert notice.title == f"Réponse non remise : {complaint.reference}"
    assert notice.url == reverse("complaint_detail", kwargs={"pk": complaint.pk})
    assert "amina" not in (notice.title + notice.body).lower() and "550" not in notice.body
    # the task delivered again (a broker's redelivery) tells nobody twice
    tasks.send_reply.apply(args=[delivery.pk])
    assert notices.count() == 2


def test_the_agent_corrects_the_address_and_sends_the_answer_again_from_the_page(
    login, world, complaint, smtp_inbox, django_capture_on_commit_callbacks
):
    _failed_answer(world, complaint, smtp_inbox, django_capture_on_commit_callbacks)
    detail = reverse("complaint_detail", kwargs={"pk": complaint.pk})
    resend = reverse("complaint_resend_reply", kwargs={"pk": complaint.pk})
    assert resend not in login("manager").get(detail).content.decode()  # a reader sees the failure, no button
    client = login("agent")
    assert resend in client.get(detail).content.decode()

    services.complaint_update(by=world.users["agent"], complaint=complaint, requester_email="amina.benali@exemple.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "La réponse repart par courriel" in response.content.decode()
    first, again = ReplyDelivery.objects.filter(complaint=complaint).order_by("pk")
    assert (first.status, again.status, again.recipient) == ("failed", "pending", "amina.benali@exemple.com")
    assert again.sent_by == world.users["agent"]

    assert tasks.send_reply.apply(args=[again.pk]).get() == "sent"
    ((recipients, message),) = smtp_inbox.messages
    assert recipients == ["amina.benali@exemple.com"]
    assert "Nous avons renforcé l'accueil le matin." in message.get_body(("plain",)).get_content()
    page = client.get(detail).content.decode()
    assert resend not in page  # the last sending arrived: nothing to send again
    complaint.refresh_from_db()
    assert complaint.answered_on == timezone.localdate()


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        (None, "il n'y a rien à renvoyer"),
        ("pending", "est en cours d'envoi"),
        ("sent", "est déjà parvenue à son destinataire"),
    ],
)
def test_nothing_to_send_again_is_refused_in_french_on_the_page_and_in_the_api(
    login, as_role, world, complaint, state, refusal
):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=timezone.localdate(), response=RESPONSE
    )
    ReplyDelivery.objects.filter(complaint=complaint).delete()
    if state:
        sent_at = timezone.now() if state == "sent" else None
        ReplyDelivery.objects.create(complaint=complaint, recipient="a@exemple.fr", status=state, sent_at=sent_at)

    page = login("agent").post(reverse("complaint_resend_reply", kwargs={"pk": complaint.pk}), follow=True)
    api = as_role("agent").post(reverse("api:complaint-resend-reply", kwargs={"pk": complaint.pk}))

    assert refusal in page.content.decode().replace("&#x27;", "'")
    assert api.status_code == 400 and refusal in str(api.json())
    assert ReplyDelivery.objects.filter(complaint=complaint).count() == (1 if state else 0)


def test_an_erased_address_cannot_be_sent_to_again(world, complaint, smtp_inbox, django_capture_on_commit_callbacks):
    _failed_answer(world, complaint, smtp_inbox, django_capture_on_commit_callbacks)
    complaint.requester_email = ""
    complaint.save(update_fields=["requester_email"])

    with pytest.raises(Exception, match="Il n'y a plus d'adresse électronique"):
        deliveries.resend_reply(complaint, by=world.users["agent"])
    assert ReplyDelivery.objects.filter(complaint=complaint).count() == 1


def test_an_e_mail_of_the_correspondence_register_is_sent_again_through_the_api(
    as_role, world, smtp_inbox, django_capture_on_commit_callbacks
):
    item = factories.CorrespondenceFactory(site=world.site, email=True, sender_email="amina.benali@exemple.fr")
    smtp_inbox.refuse = REFUSAL
    with django_capture_on_commit_callbacks(execute=True):
        correspondence_services.correspondence_answer(
            by=world.users["agent"], correspondence=item, answered_on=timezone.localdate(), response=RESPONSE
        )
    failed = ReplyDelivery.objects.get(correspondence=item)
    tasks.send_reply.apply(args=[failed.pk])
    smtp_inbox.refuse = None
    url = reverse("api:correspondence-resend-reply", kwargs={"pk": item.pk})

    assert as_role("manager").post(url).status_code == 403  # reads the register, does not answer
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role("agent").post(url)
    assert response.status_code == 201
    assert response.json()["status"] == "pending" and response.json()["recipient"] == "amina.benali@exemple.fr"
    assert tasks.send_reply.apply(args=[response.json()["id"]]).get() == "sent"
    assert [recipients for recipients, _message in smtp_inbox.messages] == [["amina.benali@exemple.fr"]]
