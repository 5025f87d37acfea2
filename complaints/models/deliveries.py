"""What left the application for the requester of a complaint or the sender of a correspondence item (an e-mail):
the answer e-mailed to them (complaints.deliveries
sends it through a Celery task fed by the outbox, retried a few times; the row records each attempt).

The recipient's address is personal data: shown only to whoever may see the requester (accounts.access
.can_see_requester), blanked with the requester's fields by complaints.retention."""

from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel, acting_user


class ReplyDelivery(TimeStampedModel):
    """One sending of the answer of a complaint to its requester, or of a correspondence item to its sender: the
    row belongs to exactly one of them (``item``)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Courriel"

    class Status(models.TextChoices):
        PENDING = "pending", "En cours d'envoi"
        SENT = "sent", "Envoyée"
        FAILED = "failed", "Échec de l'envoi"

    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="réclamation",
        null=True,
        blank=True,
    )
    correspondence = models.ForeignKey(
        "complaints.Correspondence",
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="courrier",
        null=True,
        blank=True,
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.EmailField("destinataire", blank=True)
    sent_by = acting_user("envoyée par")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    error = models.TextField("motif de l'échec", blank=True, help_text="La réponse du serveur de messagerie.")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    message_id = models.CharField("identifiant du message", max_length=255, blank=True)

    class Meta:
        verbose_name = "envoi de réponse"
        verbose_name_plural = "envois de réponse"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="reply_delivery_sent_has_date",
            ),
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, correspondence__isnull=True)
                | Q(complaint__isnull=True, correspondence__isnull=False),
                name="reply_delivery_of_one_item",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.get_status_display().lower()} ({self.item})"

    @property
    def item(self):
        """The complaint or the correspondence item whose answer this sends."""
        return self.complaint if self.complaint_id else self.correspondence
