"""The triage of the e-mails received (complaints.inbound): what no rule placed, and the quarantined messages, filed
by hand on a site of their prefecture as a complaint or an e-mail item, or discarded, from the page and from the
API; scoped to the prefecture's handlers; refused with French messages; lists at a steady query count."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from complaints import retention
from complaints.inbound import reading
from complaints.models import Complaint, Correspondence, InboundAttachment, InboundMessage
from tests import factories
from tests.checks import assert_steady
from tests.complaints.test_inbound_mail import PDF, email_message

pytestmark = pytest.mark.django_db


def waiting(prefecture, *, status="triage", **fields):
    values = {
        "message_id": f"<{InboundMessage.objects.count()}.{timezone.now().timestamp()}@exemple.fr>",
        "received_at": datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC),
        "sender_name": "Paul Durand",
        "sender_email": "paul.durand@exemple.fr",
        "subject": "Question sur les horaires",
        "body": "Bonjour,\nQuels sont vos horaires ?",
        "status": status,
        "reason": "Adresse de l'expéditeur illisible." if status == "quarantined" else "",
        **fields,
    }
    return InboundMessage.objects.create(prefecture=prefecture, **values)


def test_no_rule_then_filed_from_the_page(world, login, imap_server, contact_mailbox):
    """End to end: a message no rule places waits in the triage, then an agent files it as a complaint of Arles."""
    imap_server.append(email_message(attachments=[("ticket.pdf", PDF, "application", "pdf")]))
    reading.read_all()
    message = InboundMessage.objects.get(status="triage")

    page = login("agent").get(reverse("inbound_list")).content.decode()
    assert "Attente au guichet" in page
    assert "amina.benali@exemple.fr" in page
    assert "ticket.pdf" in page

    response = login("agent").post(
        reverse("inbound_file", args=[message.pk]),
        {f"message-{message.pk}-site": world.site.pk, f"message-{message.pk}-kind": "complaint"},
        follow=True,
    )

    complaint = Complaint.objects.get()
    assert (complaint.site, complaint.channel, complaint.created_by) == (world.site, "email", world.users["agent"])
    assert complaint.received_on == datetime.date(2026, 3, 2)
    assert f"Courriel enregistré (réclamation {complaint.reference}, Sous-préfecture d" in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.complaint, message.handled_by) == ("filed", complaint, world.users["agent"])
    assert "Aucun courriel à trier" in response.content.decode()
    # its attachment is now with the complaint, served to its handlers
    attachment = message.attachments.get()
    assert login("agent").get(reverse("inbound_attachment", args=[attachment.pk])).status_code == 200
    assert login("manager").get(reverse("inbound_attachment", args=[attachment.pk])).status_code == 404


def test_filed_from_the_api_as_an_email_of_the_correspondence(world, as_role):
    message = waiting(world.prefecture)

    response = as_role("quality_manager").post(
        reverse("api:inbound-message-file", args=[message.pk]), {"site": world.sister_site.pk, "kind": "email"}
    )

    assert response.status_code == 200, response.json()
    item = Correspondence.objects.get()
    assert (item.site, item.kind, item.sender_email, item.subject) == (
        world.sister_site,
        "email",
        "paul.durand@exemple.fr",
        "Question sur les horaires",
    )
    assert item.due_on == datetime.date(2026, 3, 9)
    assert (response.json()["status"], response.json()["correspondence"]) == ("filed", item.pk)
    # filed once: the second time is refused in French
    again = as_role("quality_manager").post(
        reverse("api:inbound-message-file", args=[message.pk]), {"site": world.site.pk}
    )
    assert again.status_code == 400
    assert "déjà été trié" in str(again.json())


def test_another_prefecture_site_or_a_site_of_another_agent_is_refused(world, as_role, login):
    message = waiting(world.prefecture)

    foreign = as_role("quality_manager").post(
        reverse("api:inbound-message-file", args=[message.pk]), {"site": world.foreign_site.pk}
    )
    sister = as_role("agent").post(
        reverse("api:inbound-message-file", args=[message.pk]), {"site": world.sister_site.pk}
    )
    unknown = as_role("agent").post(reverse("api:inbound-message-file", args=[message.pk]), {"site": 999999})
    page = login("agent").post(
        reverse("inbound_file", args=[message.pk]), {f"message-{message.pk}-site": world.foreign_site.pk}, follow=True
    )

    for response in (foreign, sister, unknown):
        assert response.status_code == 400
        assert "Choisissez un site de la préfecture du courriel" in str(response.json())
    assert "Le courriel n’a pas été enregistré" in page.content.decode()
    assert not Complaint.objects.exists() and not Correspondence.objects.exists()
    assert InboundMessage.objects.get().status == "triage"


def test_another_prefecture_user_sees_nothing(world, as_role, login, api_client):
    own = waiting(world.prefecture, subject="Message des Bouches-du-Rhône")
    foreign = waiting(world.foreign_prefecture, subject="Message du Val-de-Marne")
    qm94 = world.users["quality_manager"].__class__.objects.get(username="qm94")

    page = login("quality_manager").get(reverse("inbound_list")).content.decode()
    assert "Message des Bouches-du-Rhône" in page and "Message du Val-de-Marne" not in page
    listed = as_role("agent").get(reverse("api:inbound-message-list")).json()
    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert as_role("agent").get(reverse("api:inbound-message-detail", args=[foreign.pk])).status_code == 404
    # national administrators and managers read the registers, not the senders' e-mails
    assert as_role("national").get(reverse("api:inbound-message-list")).json()["results"] == []
    assert login("manager").get(reverse("inbound_list")).status_code == 403
    api_client.force_authenticate(qm94)
    listed = api_client.get(reverse("api:inbound-message-list")).json()
    assert [row["id"] for row in listed["results"]] == [foreign.pk]


def test_quarantine_is_listed_with_its_reason_and_discarded(world, login, as_role):
    quarantined = waiting(world.prefecture, status="quarantined", sender_email="", sender_name="")
    spam = waiting(world.prefecture, subject="Gagnez un téléphone")

    page = login("quality_manager").get(reverse("inbound_list")).content.decode()
    assert "En quarantaine" in page
    assert "Motif : Adresse de l" in page
    # a message without a readable sender cannot become an item: no form to file it, and the API refuses it
    refused = as_role("quality_manager").post(
        reverse("api:inbound-message-file", args=[quarantined.pk]), {"site": world.site.pk}
    )
    assert refused.status_code == 400
    assert "n'a pas d'expéditeur lisible" in str(refused.json())

    login("quality_manager").post(reverse("inbound_discard", args=[spam.pk]))
    assert (
        as_role("quality_manager").post(reverse("api:inbound-message-discard", args=[quarantined.pk])).status_code
        == 200
    )

    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"discarded"}
    assert "Aucun courriel à trier" in login("quality_manager").get(reverse("inbound_list")).content.decode()
    filtered = as_role("quality_manager").get(reverse("api:inbound-message-list") + "?status=discarded").json()
    assert len(filtered["results"]) == 2
    bad = as_role("quality_manager").get(reverse("api:inbound-message-list") + "?status=perdu")
    assert bad.status_code == 400 and "État inconnu" in str(bad.json())


def _many(world, count):
    for _ in range(count):
        message = waiting(world.prefecture)
        InboundAttachment.objects.create(
            message=message, file=ContentFile(PDF, name="a.pdf"), name="a.pdf", size=len(PDF), content_type="x"
        )


def test_the_triage_page_costs_the_same_with_many_messages(world, login, django_assert_num_queries, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _many(world, 2)
    client = login("quality_manager")
    # session, user, memberships; count, page of messages, their attachments, the user's sites; the DSFR
    # configuration is no longer read (kept by the process: qualipref.site_config)
    assert_steady(django_assert_num_queries, 7, lambda: client.get(reverse("inbound_list")), lambda: _many(world, 20))


def test_the_api_list_costs_the_same_with_many_messages(world, as_role, django_assert_num_queries, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _many(world, 2)
    client = as_role("quality_manager")
    # count, page of messages, their attachments
    assert_steady(
        django_assert_num_queries,
        3,
        lambda: client.get(reverse("api:inbound-message-list")),
        lambda: _many(world, 20),
    )


def test_retention_erases_the_messages_with_their_item(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    complaint = factories.ComplaintFactory(site=world.site, with_requester=True, answered=True)
    message = waiting(world.prefecture, status="filed", complaint=complaint)
    InboundAttachment.objects.create(
        message=message, file=ContentFile(PDF, name="a.pdf"), name="a.pdf", size=len(PDF), content_type="x"
    )
    left_aside = waiting(world.prefecture, status="discarded")
    InboundMessage.objects.filter(pk=left_aside.pk).update(received_at=timezone.now() - datetime.timedelta(days=800))
    recent = waiting(world.prefecture)

    with django_capture_on_commit_callbacks(execute=True):
        retention.erase_complaints(by=world.users["quality_manager"], queryset=Complaint.objects.all())
        retention.enforce_retention()

    for erased in (message, left_aside):
        erased.refresh_from_db()
        assert (erased.sender_name, erased.sender_email, erased.body) == ("", "", "")
        assert erased.subject.startswith("[Effacé le")
    assert not message.attachments.exists()
    assert not list(tmp_path.rglob("*.pdf"))
    recent.refresh_from_db()
    assert recent.sender_email == "paul.durand@exemple.fr"
