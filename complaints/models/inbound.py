"""Complaints and letters that arrive by e-mail (issue 17): a prefecture's mailboxes, read over IMAP by a periodic
task (complaints.inbound), and what became of each message.

- ``Mailbox``: where and how to read (host, port, SSL, user, folder) and the *name* of the environment variable that
  holds the password: the password itself is never stored. ``last_uid`` (with ``uid_validity``) remembers how far
  the folder was read.
- ``MailboxRule``: « the recipient address contains … » or « the subject or the text contains … » → a site and a
  kind of item (a complaint, or an e-mail of the correspondence tracking). No rule matches: the prefecture's triage.
- ``InboundMessage``: one message read, once per Message-ID in a prefecture (read twice, recorded once): filed as a
  new item, attached to an existing item it quotes the reference of (the person's answer to our e-mail), waiting in
  triage, quarantined (unreadable: the reason says why) or discarded from the triage. Its attachments accepted by the
  upload checks are stored (``InboundAttachment``); the refused ones are listed by name with the reason.

The sender (name, address), the subject and the text are personal data (``MESSAGE_PERSONAL_FIELDS``): no history
table holds them, the triage shows them to the register's handlers only, and complaints.retention erases them with
the item they belong to (or, for a message never filed, the same period after it arrived).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from qualipref.lib.dates import short_datetime
from qualipref.lib.models import TimeStampedModel, acting_user, value_in
from sites.models import Prefecture, Site

MESSAGE_PERSONAL_FIELDS = ("sender_name", "sender_email", "subject", "body")
ENV_NAME_PATTERN = r"^[A-Z_][A-Z0-9_]*$"


class ItemKind(models.TextChoices):
    """What a message becomes in the registers."""

    COMPLAINT = "complaint", "Réclamation"
    EMAIL = "email", "Courriel (suivi des courriers)"


class MailboxQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_inbound(self, user)


class Mailbox(TimeStampedModel):
    """A prefecture's mailbox read over IMAP; its password is read from the environment (``password_env``)."""

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="mailboxes", verbose_name="préfecture"
    )
    name = models.CharField("nom", max_length=100, help_text="Par exemple : « Boîte de contact ».")
    host = models.CharField("serveur IMAP", max_length=200)
    port = models.PositiveIntegerField("port", default=993)
    use_ssl = models.BooleanField("connexion chiffrée (IMAPS)", default=True)
    username = models.CharField("identifiant", max_length=200)
    password_env = models.CharField(
        "variable d'environnement du mot de passe",
        max_length=100,
        help_text="Le nom de la variable (par exemple IMAP_PASSWORD_13), jamais le mot de passe.",
        validators=[
            RegexValidator(ENV_NAME_PATTERN, "Majuscules, chiffres et soulignés, par exemple IMAP_PASSWORD_13.")
        ],
    )
    folder = models.CharField("dossier", max_length=200, default="INBOX")
    is_active = models.BooleanField("relevée", default=True)
    # How far the folder was read: messages above last_uid are new, while the folder keeps its UIDVALIDITY.
    uid_validity = models.PositiveBigIntegerField("UIDVALIDITY du dossier", null=True, blank=True, editable=False)
    last_uid = models.PositiveBigIntegerField("dernier UID lu", default=0, editable=False)
    last_read_at = models.DateTimeField("dernière relève", null=True, blank=True, editable=False)
    last_error = models.TextField("dernière erreur", blank=True, editable=False)

    objects = MailboxQuerySet.as_manager()

    class Meta:
        verbose_name = "boîte aux lettres relevée"
        verbose_name_plural = "boîtes aux lettres relevées"
        ordering = ["prefecture", "name"]
        constraints = [models.UniqueConstraint(fields=["prefecture", "name"], name="mailbox_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.username})"


class MailboxRule(TimeStampedModel):
    """Where a message of a mailbox goes: the first rule (by position) whose condition holds."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="rules", verbose_name="boîte")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    recipient_contains = models.CharField(
        "l'adresse du destinataire contient", max_length=200, blank=True, help_text="Par exemple : arles@"
    )
    keyword = models.CharField("l'objet ou le texte contient", max_length=100, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    kind = models.CharField("devient", max_length=10, choices=ItemKind.choices, default=ItemKind.COMPLAINT)

    class Meta:
        verbose_name = "règle de tri"
        verbose_name_plural = "règles de tri"
        ordering = ["mailbox", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(recipient_contains="") | ~Q(keyword=""), name="mailbox_rule_has_condition"
            ),
        ]

    def __str__(self):
        condition = self.recipient_contains or self.keyword
        return f"« {condition} » → {self.get_kind_display()}"


class InboundMessageQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_inbound(self, user)

    def waiting(self):
        """What the triage page lists: messages to file by hand, and the quarantined ones."""
        return self.filter(status__in=InboundMessage.WAITING_STATUSES)


class InboundMessage(TimeStampedModel):
    """One e-mail read from a prefecture's mailbox, recorded once (its Message-ID), and what it became."""

    class Status(models.TextChoices):
        FILED = "filed", "Enregistré"
        ATTACHED = "attached", "Joint à un dossier existant"
        TRIAGE = "triage", "À trier"
        QUARANTINED = "quarantined", "En quarantaine"
        DISCARDED = "discarded", "Écarté"

    WAITING_STATUSES = (Status.TRIAGE, Status.QUARANTINED)

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="inbound_messages", verbose_name="préfecture"
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages", verbose_name="boîte"
    )
    # The sender's Message-ID; for a message without one, an id made of the folder's UIDVALIDITY and the UID.
    message_id = models.CharField("identifiant du message", max_length=255)
    received_at = models.DateTimeField("reçu le", help_text="L'en-tête Date, sinon la date de dépôt dans la boîte.")
    sender_name = models.CharField("nom de l'expéditeur", max_length=200, blank=True)
    sender_email = models.EmailField("adresse de l'expéditeur", max_length=254, blank=True)
    recipients = models.CharField("destinataires", max_length=500, blank=True)
    subject = models.CharField("objet", max_length=300, blank=True)
    body = models.TextField("texte", blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices)
    reason = models.CharField("motif", max_length=300, blank=True, help_text="Pourquoi le message est en quarantaine.")
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name="réclamation",
    )
    correspondence = models.ForeignKey(
        "complaints.Correspondence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name="courrier",
    )
    refused_attachments = models.JSONField(
        "pièces jointes refusées", default=list, blank=True, help_text="[{« name », « reason »}]"
    )
    handled_by = acting_user("trié par")
    handled_at = models.DateTimeField("trié le", null=True, blank=True)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel reçu"
        verbose_name_plural = "courriels reçus"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["prefecture", "status", "-received_at"], name="inbound_pref_status_idx")]
        constraints = [
            # Read twice, recorded once.
            models.UniqueConstraint(fields=["prefecture", "message_id"], name="inbound_unique_message_id"),
            models.CheckConstraint(
                condition=Q(complaint__isnull=True) | Q(correspondence__isnull=True), name="inbound_one_item"
            ),
            models.CheckConstraint(
                condition=~Q(status="quarantined") | ~Q(reason=""), name="inbound_quarantine_has_reason"
            ),
        ]

    def __str__(self):
        return f"Courriel reçu le {short_datetime(self.received_at)}"

    is_waiting = value_in("status", WAITING_STATUSES)

    @property
    def item(self):
        return self.complaint or self.correspondence


class InboundAttachment(TimeStampedModel):
    """An attachment of a message accepted by the upload checks (qualipref.lib.uploads), kept with the item."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name="courriel"
    )
    file = models.FileField("fichier", upload_to="courriels/%Y/%m/")
    name = models.CharField("nom du fichier", max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    content_type = models.CharField("type de fichier", max_length=100)

    class Meta:
        verbose_name = "pièce jointe d'un courriel"
        verbose_name_plural = "pièces jointes des courriels"
        ordering = ["message", "pk"]

    def __str__(self):
        return self.name


__all__ = [
    "MESSAGE_PERSONAL_FIELDS",
    "InboundAttachment",
    "InboundMessage",
    "ItemKind",
    "Mailbox",
    "MailboxRule",
]
