"""Complaints and letters that arrive by e-mail (issue 17), read from a real IMAP server (a private Dovecot,
tests/imap.py) by the periodic task: filed on the site a rule gives, attachments checked like any upload, read
twice and recorded once, an answer quoting a reference joined to its item, an unreadable message quarantined, a
mailbox out of reach logged while the others are read."""

import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from complaints import tasks
from complaints.history import complaint_history, correspondence_history
from complaints.inbound import filing, reading
from complaints.models import Complaint, Correspondence, InboundMessage, ItemKind, Mailbox, MailboxRule
from tests.imap import message_id as new_message_id

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 64


def email_message(
    *,
    subject="Attente au guichet",
    body="Bonjour,\nJ'ai attendu deux heures.",
    to="contact@bouches-du-rhone.gouv.fr",
    sender="Amina Benali <amina.benali@exemple.fr>",
    attachments=(),
    date=None,
    message_id=None,
    **headers,
):
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.datetime(2026, 3, 2, 22, 30, tzinfo=datetime.UTC))
    message["Message-ID"] = message_id or new_message_id()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    for name, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


@pytest.fixture
def mailbox(world, contact_mailbox):
    """The « Contact » mailbox (tests/complaints/conftest.py) and its rules: Arles' address files on Arles, the
    keyword « courrier » files an e-mail item of the sister site."""
    box = contact_mailbox
    MailboxRule.objects.create(mailbox=box, position=1, recipient_contains="arles@", site=world.site)
    MailboxRule.objects.create(mailbox=box, position=2, keyword="courrier", site=world.sister_site, kind=ItemKind.EMAIL)
    return box


def test_a_message_becomes_a_complaint_of_the_rule_site_with_its_pdf_and_the_exe_refused(
    world, mailbox, imap_server, tmp_path, django_capture_on_commit_callbacks
):
    imap_server.append(
        email_message(
            to="Sous-préfecture d'Arles <arles@bouches-du-rhone.gouv.fr>",
            attachments=[
                ("ticket.pdf", PDF, "application", "pdf"),
                ("facture.exe", EXE, "application", "octet-stream"),
            ],
        )
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.read_mailboxes() == {mailbox.pk: 1}

    complaint = Complaint.objects.get()
    assert (complaint.site, complaint.channel, complaint.kind) == (world.site, "email", "complaint")
    # 22:30 UTC on 2 March is 23:30 in Paris: still the 2nd; due 15 working days later
    assert complaint.received_on == datetime.date(2026, 3, 2)
    assert complaint.due_on == datetime.date(2026, 3, 23)
    assert (complaint.requester_name, complaint.requester_email) == ("Amina Benali", "amina.benali@exemple.fr")
    assert complaint.reference.startswith("REC-13-2026-")
    assert "J'ai attendu deux heures." in complaint.description
    message = InboundMessage.objects.get()
    assert (message.status, message.complaint, message.sender_email) == ("filed", complaint, "amina.benali@exemple.fr")
    assert message.received_at == datetime.datetime(2026, 3, 2, 22, 30, tzinfo=datetime.UTC)
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type) == ("ticket.pdf", "application/pdf")
    assert attachment.file.read() == PDF
    [refused] = message.refused_attachments
    assert refused["name"] == "facture.exe"
    assert "Type de fichier non accepté (« .exe »)" in refused["reason"]
    assert len(list(tmp_path.rglob("*.exe"))) == 0  # the media root is below tmp_path (tests/conftest.py)
    [creation] = complaint_history(complaint)  # not « Formulaire public »: the history says where it came from
    assert (creation.user_display, creation.reason) == ("Qualipref", "courriel reçu dans la boîte de la préfecture")
    # acknowledged like a complaint of the public form, with its reference
    [acknowledgement] = mail.outbox
    assert complaint.reference in acknowledgement.subject
    assert acknowledgement.to == ["amina.benali@exemple.fr"]
    # read, marked seen on the server, remembered
    assert "\\Seen" in imap_server.flags()[1]
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error) == (1, "")


def test_read_twice_recorded_once(world, mailbox, imap_server):
    imap_server.append(email_message(to="arles@bouches-du-rhone.gouv.fr"))

    assert reading.read_all() == {mailbox.pk: 1}
    # the UID forgotten (a crash before it was saved, a folder renumbered): the folder is read again
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)
    assert reading.read_all() == {mailbox.pk: 0}

    assert (Complaint.objects.count(), InboundMessage.objects.count()) == (1, 1)


def test_a_reply_quoting_the_acknowledgement_lands_on_the_same_complaint(
    world, mailbox, imap_server, django_capture_on_commit_callbacks
):
    imap_server.append(email_message(to="arles@bouches-du-rhone.gouv.fr"))
    with django_capture_on_commit_callbacks(execute=True):
        reading.read_all()
    complaint = Complaint.objects.get()
    [acknowledgement] = mail.outbox

    imap_server.append(
        email_message(
            subject=f"Re: {acknowledgement.subject}",
            body="Je joins la photo du ticket.\n\n> Nous avons bien reçu votre demande",
            to="contact@bouches-du-rhone.gouv.fr",
            attachments=[("ticket.pdf", PDF, "application", "pdf")],
        )
    )
    reading.read_all()

    assert Complaint.objects.count() == 1
    answer = InboundMessage.objects.get(status="attached")
    assert answer.complaint == complaint
    assert answer.attachments.count() == 1
    # the people of the site are told, without the requester's name
    notices = Notification.objects.filter(kind="inbound_answer")
    assert {notice.recipient.username for notice in notices} == {"qm", "referent", "agent"}
    assert all("Benali" not in notice.title + notice.body for notice in notices)
    # shown on the complaint's page to whoever handles it
    page = _client_for(world, "agent").get(reverse("complaint_detail", args=[complaint.pk])).content.decode()
    assert "Messages reçus" in page
    assert "Je joins la photo du ticket." in page
    assert "ticket.pdf" in page


def test_a_message_whose_recording_fails_leaves_no_file_and_is_read_again(
    world, mailbox, imap_server, settings, monkeypatch
):
    """Its attachment was on disk when its transaction rolled back: deleted, as the reader tries it again at every
    run (a file a run otherwise)."""
    imap_server.append(email_message(to="arles@bouches-du-rhone.gouv.fr"))
    reading.read_all()
    complaint = Complaint.objects.get()
    imap_server.append(
        email_message(
            subject=f"Re: Réclamation {complaint.reference}",
            attachments=[("ticket.pdf", PDF, "application", "pdf")],
        )
    )
    media = Path(settings.MEDIA_ROOT)

    def notification_fails(message):
        raise RuntimeError("panne simulée")

    with monkeypatch.context() as patched:
        patched.setattr(filing, "notify_answer", notification_fails)  # after the attachment is stored
        assert "panne simulée" in reading.read_all()[mailbox.pk]
    assert InboundMessage.objects.count() == 1
    assert [path for path in media.rglob("*") if path.is_file()] == []

    assert reading.read_all() == {mailbox.pk: 1}
    answer = InboundMessage.objects.get(status="attached")
    assert [path.name for path in media.rglob("*") if path.is_file()] == [Path(answer.attachments.get().file.name).name]


def test_a_reference_that_does_not_exist_is_routed_as_a_new_message(world, mailbox, imap_server):
    imap_server.append(email_message(subject="Re: Réclamation REC-13-2026-99999", to="arles@bouches-du-rhone.gouv.fr"))

    reading.read_all()

    message = InboundMessage.objects.get()
    assert message.status == "filed"
    assert message.complaint.reference != "REC-13-2026-99999"


def test_a_keyword_files_an_email_of_the_correspondence(world, mailbox, imap_server):
    imap_server.append(email_message(subject="Mon courrier du 12 février", body="<p>Texte</p>"))

    reading.read_all()

    item = Correspondence.objects.get()
    assert (item.site, item.kind, item.subject) == (world.sister_site, "email", "Mon courrier du 12 février")
    assert (item.sender, item.sender_email) == ("Amina Benali", "amina.benali@exemple.fr")
    assert item.due_on == datetime.date(2026, 3, 9)  # 5 working days
    assert InboundMessage.objects.get().correspondence == item
    [creation] = correspondence_history(item)
    assert (creation.user_display, creation.reason) == ("Qualipref", "courriel reçu dans la boîte de la préfecture")


def test_no_rule_leaves_the_message_in_triage(world, mailbox, imap_server):
    html = EmailMessage()
    html["From"] = "Paul Durand <paul.durand@exemple.fr>"
    html["To"] = "contact@bouches-du-rhone.gouv.fr"
    html["Subject"] = "Question"
    html["Message-ID"] = new_message_id()
    html.set_content("<html><body><p>Bonjour,</p><p>Quels horaires&nbsp;?</p></body></html>", subtype="html")
    imap_server.append(html)

    reading.read_all()

    message = InboundMessage.objects.get()
    assert (message.status, message.item) == ("triage", None)
    assert message.body == "Bonjour,\n\nQuels horaires\xa0?"
    assert not Complaint.objects.exists()


def test_a_malformed_message_is_quarantined_with_the_reason(world, mailbox, imap_server):
    imap_server.append(b"To: contact@bouches-du-rhone.gouv.fr\r\nSubject: sans expediteur\r\n\r\nTexte\r\n")
    imap_server.append(b"From: n'importe quoi\r\nMessage-ID: <bad@exemple.fr>\r\nSubject: x\r\n\r\nTexte\r\n")

    assert reading.read_all() == {mailbox.pk: 2}
    assert reading.read_all() == {mailbox.pk: 0}

    reasons = dict(InboundMessage.objects.filter(status="quarantined").values_list("message_id", "reason"))
    assert len(reasons) == 2
    assert reasons["<bad@exemple.fr>"] == "Adresse de l'expéditeur illisible : « n'importe quoi »."
    [missing] = [reason for message_id, reason in reasons.items() if message_id != "<bad@exemple.fr>"]
    assert missing == "Expéditeur absent : le message n'a pas d'en-tête From."
    # named by their subject on the triage page, when it could be read
    subjects = set(InboundMessage.objects.filter(status="quarantined").values_list("subject", flat=True))
    assert subjects == {"sans expediteur", "x"}
    assert not Complaint.objects.exists()


def test_a_mailbox_out_of_reach_is_logged_and_the_others_still_read(world, mailbox, imap_server, caplog):
    down = Mailbox.objects.create(
        prefecture=world.foreign_prefecture,
        name="Contact 94",
        host="127.0.0.1",
        port=1,
        use_ssl=False,
        username="x",
        password_env="IMAP_PASSWORD_TEST",
    )
    no_password = Mailbox.objects.create(
        prefecture=world.prefecture,
        name="Autre",
        host=imap_server.host,
        port=imap_server.port,
        use_ssl=False,
        username=imap_server.user,
        password_env="IMAP_PASSWORD_ABSENT",
    )
    imap_server.append(email_message(to="arles@bouches-du-rhone.gouv.fr"))

    results = reading.read_all()

    assert results[mailbox.pk] == 1
    assert results[down.pk].startswith("Serveur IMAP 127.0.0.1:1 injoignable")
    assert results[no_password.pk] == "La variable d'environnement IMAP_PASSWORD_ABSENT (mot de passe) est absente."
    down.refresh_from_db()
    assert down.last_error.startswith("Serveur IMAP 127.0.0.1:1 injoignable")
    assert "non relevée" in caplog.text
    assert Complaint.objects.count() == 1


def _client_for(world, role):
    from django.test import Client

    client = Client()
    client.force_login(world.users[role])
    return client


def test_answers_to_a_correspondence_item_by_its_reference_or_by_our_reply(world, mailbox, imap_server):
    from complaints.models import ReplyDelivery
    from tests import factories

    item = factories.CorrespondenceFactory(site=world.site, email=True, reference="CHR-2026-00042")
    factories.CorrespondenceFactory(site=world.foreign_site, email=True, reference="CHR-2026-00099")
    delivery = ReplyDelivery.objects.create(
        correspondence=item, recipient="amina.benali@exemple.fr", message_id="<reponse-42@qualipref.gouv.fr>"
    )
    # the subject of our reply, quoted back (complaints.deliveries.subject_of)
    imap_server.append(email_message(subject="RE: Réponse à votre courriel CHR-2026-00042 – Préfecture"))
    # an answer that quotes nothing but replies to our e-mail
    imap_server.append(email_message(subject="Merci", In_Reply_To=delivery.message_id))
    # another prefecture's reference is not ours: routed as a new message (here, no rule: the triage)
    imap_server.append(email_message(subject="RE: Réponse à votre courriel CHR-2026-00099"))

    reading.read_all()

    attached = InboundMessage.objects.filter(status="attached")
    assert [message.correspondence for message in attached] == [item, item]
    assert InboundMessage.objects.get(subject__endswith="00099").status == "triage"
    client = _client_for(world, "agent")
    page = client.get(reverse("correspondence_detail", args=[item.pk])).content.decode()
    assert "Messages reçus" in page and "Merci" in page
    # who only reads the register does not see the person's e-mails
    manager_page = _client_for(world, "manager").get(reverse("correspondence_detail", args=[item.pk])).content.decode()
    assert "Messages reçus" not in manager_page
