"""Demo data of the e-mails received (Bouches-du-Rhône): the prefecture's contact mailbox, not read (inactive: the
demo has no IMAP server), with a rule for Arles, and two messages waiting on the triage page (one to file, one in
quarantine), so that the page is not empty. Idempotent: the mailbox found by its name, the messages by Message-ID."""

import datetime

from django.utils import timezone

from complaints.models import InboundMessage, ItemKind, Mailbox, MailboxRule

MESSAGES = [
    {
        "message_id": "<demo-tri-1@qualipref.demo>",
        "status": InboundMessage.Status.TRIAGE,
        "sender_name": "Lucie Fabre",
        "sender_email": "lucie.fabre@exemple.fr",
        "recipients": "contact@bouches-du-rhone.gouv.fr",
        "subject": "Rendez-vous pour un titre de séjour introuvable",
        "body": (
            "Bonjour,\n\nDepuis trois semaines, aucun créneau n'est proposé pour le dépôt d'une demande de titre de "
            "séjour à Istres. Comment obtenir un rendez-vous ?\n\nCordialement,\nLucie Fabre"
        ),
    },
    {
        "message_id": "<demo-quarantaine-1@qualipref.demo>",
        "status": InboundMessage.Status.QUARANTINED,
        "reason": "Adresse de l'expéditeur illisible : « service-client ».",
        "recipients": "contact@bouches-du-rhone.gouv.fr",
        "subject": "",
        "body": "",
    },
]


def load(prefecture, sites):
    mailbox, _ = Mailbox.objects.get_or_create(
        prefecture=prefecture,
        name="Boîte de contact (démonstration)",
        defaults={
            "host": "imap.bouches-du-rhone.gouv.fr",
            "port": 993,
            "username": "contact@bouches-du-rhone.gouv.fr",
            "password_env": "IMAP_PASSWORD_13",
            "is_active": False,
        },
    )
    arles = sites.get("Sous-préfecture d'Arles")
    if arles is not None and not mailbox.rules.exists():
        MailboxRule.objects.create(
            mailbox=mailbox, position=1, recipient_contains="arles@", site=arles, kind=ItemKind.COMPLAINT
        )
    yesterday = timezone.localtime().replace(hour=9, minute=15, second=0, microsecond=0) - datetime.timedelta(days=1)
    for index, fields in enumerate(MESSAGES):
        InboundMessage.objects.get_or_create(
            prefecture=prefecture,
            message_id=fields["message_id"],
            defaults={**fields, "mailbox": mailbox, "received_at": yesterday + datetime.timedelta(minutes=37 * index)},
        )
