"""The quality documents of a prefecture (« le référentiel interne », the « tableau de gestion documentaire ») and of
the nation (the référentiels' guides, shared by every prefecture), and their versions.

A document is described once (reference, kind, owner, sites, the engagements it serves, review period); its
content lives in its versions (a file or a link), each with a life cycle: draft → in review → approved →
superseded, or archived. One version at most is approved (a partial unique index); the document keeps it as
``current_version`` and its next review date ``review_due_on`` (approval date + review period), both written by
engagements.services.documents only.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history
from sites.models import Prefecture, Site

from .referentials import Engagement

# A document is « à réviser » this many days before its review is due (then « en retard »).
REVIEW_SOON_DAYS = 60


class ReviewStatus(models.TextChoices):
    """Where a document stands with its review (derived from ``current_version`` and ``review_due_on``)."""

    NO_VERSION = "no_version", "Sans version approuvée"
    UP_TO_DATE = "up_to_date", "À jour"
    DUE = "due", "À réviser"
    LATE = "late", "En retard"


class QualityDocumentQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_documents(self, user)

    def review_soon_date(self, on=None):
        return (on or timezone.localdate()) + datetime.timedelta(days=REVIEW_SOON_DAYS)

    def due_for_review(self, on=None):
        """Documents whose review is due within REVIEW_SOON_DAYS days or late (« à réviser », « en retard »)."""
        return self.filter(review_due_on__lte=self.review_soon_date(on))

    def with_review_status(self, status, on=None):
        on = on or timezone.localdate()
        if status == ReviewStatus.NO_VERSION:
            return self.filter(current_version__isnull=True)
        if status == ReviewStatus.LATE:
            return self.filter(review_due_on__lt=on)
        if status == ReviewStatus.DUE:
            return self.filter(review_due_on__gte=on, review_due_on__lte=self.review_soon_date(on))
        if status == ReviewStatus.UP_TO_DATE:
            return self.filter(review_due_on__gt=self.review_soon_date(on))
        return self


class QualityDocument(TimeStampedModel):
    class Kind(models.TextChoices):
        PROCEDURE = "procedure", "Procédure"
        REFLEX_SHEET = "reflex_sheet", "Fiche réflexe"
        RECEPTION_GUIDE = "reception_guide", "Guide d'accueil"
        COMMUNICATION_PLAN = "communication_plan", "Plan de communication"
        CRISIS_COMMUNICATION_PLAN = "crisis_communication_plan", "Plan de communication de crise"
        LETTER_TEMPLATE = "letter_template", "Modèle de courrier"
        CHARTER = "charter", "Charte"
        REFERENTIAL_GUIDE = "referential_guide", "Guide du référentiel"
        OTHER = "other", "Autre"

    # None: a national document, shared by every prefecture (written by national administrators only).
    prefecture = optional_fk(Prefecture, related_name="quality_documents", verbose_name="préfecture")
    reference = models.CharField("référence", max_length=40, help_text="Par exemple PROC-ACC-01.")
    title = models.CharField("intitulé", max_length=250)
    kind = models.CharField("nature", max_length=30, choices=Kind.choices, default=Kind.PROCEDURE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_documents",
        verbose_name="responsable du document",
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="quality_documents", verbose_name="sites concernés")
    engagements = models.ManyToManyField(
        Engagement, blank=True, related_name="quality_documents", verbose_name="engagements servis"
    )
    intranet_url = models.URLField("lien intranet", max_length=500, blank=True)
    review_months = models.PositiveSmallIntegerField("périodicité de révision (mois)", default=12)
    # Written by the services only (approval, archive): the approved version and the date its review is due.
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="version en vigueur",
    )
    review_due_on = models.DateField("révision prévue le", null=True, blank=True)
    created_by = acting_user("créé par")

    objects = QualityDocumentQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "document qualité"
        verbose_name_plural = "documents qualité"
        ordering = ["prefecture_id", "reference"]
        indexes = [
            # The register's order, and the dashboards' count of what is due for review.
            models.Index(fields=["prefecture", "reference"], name="document_register_idx"),
            models.Index(fields=["prefecture", "review_due_on"], name="document_review_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "reference"],
                condition=Q(prefecture__isnull=False),
                name="document_unique_reference",
                violation_error_message="Cette référence est déjà utilisée par un document de la préfecture.",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(prefecture__isnull=True),
                name="document_unique_national_reference",
                violation_error_message="Cette référence est déjà utilisée par un document national.",
            ),
            models.CheckConstraint(
                condition=Q(review_months__gte=1, review_months__lte=120), name="document_review_months_range"
            ),
            models.CheckConstraint(condition=~Q(reference=""), name="document_reference_not_blank"),
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    @property
    def is_national(self):
        return self.prefecture_id is None

    def review_status(self, on=None):
        on = on or timezone.localdate()
        if self.current_version_id is None or self.review_due_on is None:
            return ReviewStatus.NO_VERSION
        if self.review_due_on < on:
            return ReviewStatus.LATE
        if self.review_due_on <= on + datetime.timedelta(days=REVIEW_SOON_DAYS):
            return ReviewStatus.DUE
        return ReviewStatus.UP_TO_DATE

    @property
    def review_status_label(self):
        return self.review_status().label


class DocumentVersion(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        IN_REVIEW = "in_review", "En relecture"
        APPROVED = "approved", "Approuvée"
        SUPERSEDED = "superseded", "Remplacée"
        ARCHIVED = "archived", "Archivée"

    document = models.ForeignKey(
        QualityDocument, on_delete=models.CASCADE, related_name="versions", verbose_name="document"
    )
    number = models.CharField("numéro de version", max_length=20, help_text="Par exemple 1.0 ou 2.1.")
    dated = models.DateField("date du document")
    # Either a file (checked by the service: PDF, ODT, DOCX or XLSX) or a link, never both.
    file = models.FileField("fichier", upload_to="documents/%Y/%m/", blank=True)
    file_name = models.CharField("nom du fichier", max_length=200, blank=True)
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    content_type = models.CharField("type de fichier", max_length=100, blank=True)
    url = models.URLField("lien", max_length=500, blank=True)
    changes = models.TextField("modifications apportées", blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = acting_user("auteur")
    submitted_by = acting_user("soumise par")
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    approved_by = acting_user("approuvée par")
    approved_at = models.DateTimeField("approuvée le", null=True, blank=True)
    archived_by = acting_user("archivée par")
    archived_at = models.DateTimeField("archivée le", null=True, blank=True)

    history = timestamped_history()

    class Meta:
        verbose_name = "version de document"
        verbose_name_plural = "versions de document"
        ordering = ["-dated", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_version_unique_number",
                violation_error_message="Ce numéro de version existe déjà pour ce document.",
            ),
            # One approved version at a time: approving a new one supersedes the previous one (services).
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="approved"), name="document_single_approved_version"
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")), name="document_version_file_or_link"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "superseded"]) | Q(approved_at__isnull=False),
                name="document_version_approval_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.document.reference} v{self.number}"

    @property
    def is_link(self):
        return not self.file

    @property
    def approved_on(self):
        return timezone.localdate(self.approved_at) if self.approved_at else None
