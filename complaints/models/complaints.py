"""The register of complaints and suggestions (réclamations et suggestions) and the prefectures' reply templates.

Dates of deadlines are computed by complaints.services (with complaints.deadlines), stored, and recomputed only
there. The requester's personal data (``REQUESTER_FIELDS``) is shown only to whoever handles the complaint
(accounts.access.can_see_requester) and is kept out of the history tables, with the answer that names them, so that
anonymising a record erases it (complaints.retention: retention period and right to erasure; it also blanks the
description, in the record and in its history rows).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history, value_in
from sites.models import Department, Prefecture, Service, Site

from .register import RegisterItem, RegisterItemQuerySet, register_constraints, register_indexes

# Personal data of the requester: optional, shown to the handlers only, never kept in the history.
REQUESTER_FIELDS = (
    "requester_name",
    "requester_email",
    "requester_address",
    "requester_postcode",
    "requester_phone",
)

POSTCODE_IN_ADDRESS = re.compile(r"(?<!\d)\d{5}(?!\d)")

# How long the requester's personal data is kept after the complaint is closed (the retention job reads it).
DEFAULT_RETENTION_MONTHS = 24


def retention_months():
    """How long personal data is kept after a complaint is closed (settings: PERSONAL_DATA_RETENTION_MONTHS)."""
    return int(getattr(settings, "QUALIPREF_COMPLAINTS_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS))


class ComplaintQuerySet(RegisterItemQuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_complaints(self, user)

    def open(self):
        return self.filter(status__in=Complaint.OPEN_STATUSES)


class Complaint(RegisterItem):
    """A complaint (réclamation) or a suggestion of a user about a site, answered within 15 working days."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Réclamation"
        SUGGESTION = "suggestion", "Suggestion"

    class Channel(models.TextChoices):
        BOX = "box", "Urne"
        WEB = "web", "E-réclamation"
        EMAIL = "email", "Courriel"
        LETTER = "letter", "Courrier"
        COUNTER = "counter", "Guichet"
        PHONE = "phone", "Téléphone"

    class Status(models.TextChoices):
        RECEIVED = "received", "Reçue"
        IN_PROGRESS = "in_progress", "En cours de traitement"
        ANSWERED = "answered", "Répondue"
        CLOSED = "closed", "Close"

    class Category(models.TextChoices):
        RECEPTION = "reception", "Accueil"
        DELAYS = "delays", "Délais"
        PHONE = "phone", "Téléphone"
        SIGNAGE = "signage", "Signalétique"
        OPENING_HOURS = "opening_hours", "Horaires"
        COMFORT = "comfort", "Confort"
        ONLINE_PROCEDURES = "online_procedures", "Démarches en ligne"
        OTHER = "other", "Autre"

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)
    ANSWERED_STATUSES = (Status.ANSWERED, Status.CLOSED)

    reference = models.CharField(
        "référence", max_length=24, unique=True, editable=False, help_text="Par exemple : REC-13-2026-00042."
    )
    kind = models.CharField("nature", max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    # Denormalised from the site: lists are scoped and rules answered without a join.
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="complaints", verbose_name="préfecture"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="complaints", verbose_name="site")
    service = optional_fk(Service, related_name="complaints", verbose_name="service")
    channel = models.CharField("canal de réception", max_length=10, choices=Channel.choices)
    received_on = models.DateField("reçue le")
    category = models.CharField("thème", max_length=20, choices=Category.choices, default=Category.OTHER)
    engagement = optional_fk("engagements.Engagement", related_name="complaints", verbose_name="engagement concerné")
    description = models.TextField("description")
    requester_name = models.CharField("nom du demandeur", max_length=150, blank=True)
    requester_email = models.EmailField("courriel du demandeur", blank=True)
    requester_address = models.CharField("adresse postale du demandeur", max_length=300, blank=True)
    # Asked apart on the public form: with the reference, it lets the requester follow their request
    # (« Suivre ma demande ») without giving an e-mail address.
    requester_postcode = models.CharField("code postal du demandeur", max_length=5, blank=True)
    requester_phone = models.CharField("téléphone du demandeur", max_length=30, blank=True)
    assigned_to = optional_fk(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
        verbose_name="agent chargé de la réponse",
    )
    due_on = models.DateField("échéance", help_text="15e jour ouvré après la réception, au calendrier du site.")
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    answered_on = models.DateField("répondue le", null=True, blank=True)
    answered_by = acting_user("réponse enregistrée par")
    response = models.TextField("réponse", blank=True)
    answer_delay = models.PositiveSmallIntegerField(
        "délai de réponse (jours ouvrés)", null=True, blank=True, help_text="Jours ouvrés de la réception à la réponse."
    )
    answered_in_time = models.BooleanField("répondue dans les délais", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    created_by = acting_user("saisie par", help_text="Vide pour une demande déposée sur le formulaire public.")
    anonymised_on = models.DateField(
        "données personnelles effacées le",
        null=True,
        blank=True,
        editable=False,
        help_text="Fin de la durée de conservation ou droit à l'effacement (complaints.retention).",
    )

    objects = ComplaintQuerySet.as_manager()
    # The answer is written once and usually greets the requester by name ({nom}): like the requester's details,
    # it stays out of the history tables; the history still shows when and by whom the complaint was answered.
    history = timestamped_history("response", *REQUESTER_FIELDS)

    class Meta:
        verbose_name = "réclamation ou suggestion"
        verbose_name_plural = "réclamations et suggestions"
        ordering = ["-received_on", "-pk"]
        # The lists' orders, and the dashboards' count of the overdue complaints of every prefecture (the open ones).
        indexes = register_indexes("complaint", state="status", open_items=Q(status__in=["received", "in_progress"]))
        constraints = [
            *register_constraints("complaint"),
            # Open: nothing of an answer; answered or closed: the whole answer.
            models.CheckConstraint(
                condition=Q(
                    status__in=["received", "in_progress"],
                    answered_on__isnull=True,
                    answered_in_time__isnull=True,
                    answer_delay__isnull=True,
                )
                | Q(
                    status__in=["answered", "closed"],
                    answered_on__isnull=False,
                    answered_in_time__isnull=False,
                    answer_delay__isnull=False,
                ),
                name="complaint_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False, closed_on__gte=F("answered_on"))
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="complaint_closed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    is_open = value_in("status", OPEN_STATUSES)
    is_answered = value_in("status", ANSWERED_STATUSES)

    @property
    def has_requester(self):
        return any(getattr(self, name) for name in REQUESTER_FIELDS)

    @property
    def requester_postcode_or_address(self):
        """The postcode the requester gave: asked apart on the public form, else the last five-digit group of the
        postal address an agent typed (« 12 rue … 13200 Arles »); blank when neither holds one."""
        if self.requester_postcode:
            return self.requester_postcode
        found = POSTCODE_IN_ADDRESS.findall(self.requester_address or "")
        return found[-1] if found else ""


class ReferenceCounter(TimeStampedModel):
    """The last number given to a complaint of a département in a year (references are numbered per year)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="département")
    year = models.PositiveSmallIntegerField("année")
    last_number = models.PositiveIntegerField("dernier numéro attribué", default=0)

    class Meta:
        verbose_name = "compteur de références"
        verbose_name_plural = "compteurs de références"
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="reference_counter_unique_year"),
        ]

    def __str__(self):
        return f"{self.department_id} {self.year} : {self.last_number}"


class ReplyTemplateQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        # Read by the people of the prefecture and of its sites; written by its quality manager.
        return access.scope_by_prefecture(self, user)


class ReplyTemplate(TimeStampedModel):
    """A reply of a prefecture's library, with placeholders ({reference}, {nom}...) filled from the complaint."""

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="reply_templates", verbose_name="préfecture"
    )
    title = models.CharField("intitulé", max_length=150)
    body = models.TextField("texte", help_text="Variables possibles : {reference}, {date_reception}, {site}, {nom}…")
    is_active = models.BooleanField("proposé aux agents", default=True)

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "modèle de réponse"
        verbose_name_plural = "modèles de réponse"
        ordering = ["prefecture", "title"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "title"], name="reply_template_unique_title"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from complaints.replies import check_template

        try:
            check_template(self.body)
        except ValidationError as error:
            raise ValidationError({"body": error.messages}) from None
