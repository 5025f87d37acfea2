"""Tracking of correspondence (suivi des courriers et courriels): letters, e-mails, elected officials' requests for
an appointment and letters of observation to local authorities, each with its deadline in working days.

- ``Correspondence``: one item received on a site. ``delay_days`` is the delay that applied when its deadline was
  computed and ``due_on`` the Nth working day after receipt in the site's calendar: both are written by
  complaints.correspondence.services (and the bulk import), and recomputed there only, when the kind, the site
  or the date of receipt changes. Changing a prefecture's delays does not move the deadlines already computed.
- ``CorrespondenceDelays``: the delays a prefecture sets for elected officials' requests and letters of
  observation; letters and e-mails follow the national engagements (15 and 5 working days, docs/domaine.md,
  § Engagements chiffrés).
- ``CorrespondenceImport``: one CSV file imported in bulk, its progress and its report (who, when, what).

The sender (``sender``), their contact (``sender_email`` for an e-mail, ``sender_address`` for a letter: where the
answer goes) and the text of the answer (``response``, which greets them by name) are personal data
(``SENDER_FIELDS``): shown to the people who handle the item only (accounts.access.can_see_sender), kept out of the
history, erased with the subject when the retention period ends (complaints.retention).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history, value_in, value_set
from sites.models import Prefecture, Service, Site

from .register import RegisterItem, RegisterItemQuerySet, register_constraints, register_indexes

# Delays in working days: letters and e-mails are national engagements; the others are the defaults of a
# prefecture that has not set its own (CorrespondenceDelays).
LETTER_DELAY = 15
EMAIL_DELAY = 5
ELECTED_OFFICIAL_DELAY = 10
LOCAL_AUTHORITY_DELAY = 40  # about two months, the period of the legality review
MAX_DELAY = 120
DEFAULT_DELAYS = {
    "letter": LETTER_DELAY,
    "email": EMAIL_DELAY,
    "elected_official": ELECTED_OFFICIAL_DELAY,
    "local_authority": LOCAL_AUTHORITY_DELAY,
}
# Personal data of an item: out of the history, hidden from read-only roles, erased by complaints.retention.
SENDER_FIELDS = ("sender", "sender_email", "sender_address", "response")


class CorrespondenceQuerySet(RegisterItemQuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_correspondences(self, user)

    def open(self):
        return self.filter(answered_on__isnull=True)

    def answered(self):
        return self.filter(answered_on__isnull=False)


class Correspondence(RegisterItem):
    """A letter, an e-mail, an elected official's request or a letter of observation, answered within a delay."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Courrier"
        EMAIL = "email", "Courriel"
        ELECTED_OFFICIAL = "elected_official", "Demande de rendez-vous d'un élu"
        LOCAL_AUTHORITY = "local_authority", "Lettre d'observations à une collectivité"

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    # Denormalised from the site: lists are scoped and references checked without a join.
    # Indexes: few, because a bulk import writes every one of them for each row; the composite indexes of Meta
    # start with the site and the prefecture, and services and authors are rarely looked up the other way.
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        related_name="correspondences",
        verbose_name="préfecture",
        db_index=False,
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="correspondences", verbose_name="site", db_index=False
    )
    service = optional_fk(Service, related_name="correspondences", verbose_name="service", db_index=False)
    reference = models.CharField(
        "référence",
        max_length=40,
        blank=True,
        help_text="Numéro du courrier dans le logiciel de courrier ; unique dans la préfecture.",
    )
    subject = models.CharField("objet", max_length=300, blank=True)
    sender = models.CharField("expéditeur", max_length=200, blank=True)
    sender_email = models.EmailField(
        "adresse électronique de l'expéditeur", blank=True, help_text="Où la réponse à un courriel est envoyée."
    )
    sender_address = models.TextField(
        "adresse postale de l'expéditeur", blank=True, help_text="Le bloc adresse de la lettre de réponse."
    )
    received_on = models.DateField("reçu le")
    delay_days = models.PositiveSmallIntegerField(
        "délai de réponse (jours ouvrés)", help_text="Le délai en vigueur lorsque l'échéance a été calculée."
    )
    due_on = models.DateField(
        "échéance", help_text="Le jour ouvré qui clôt le délai après la réception, au calendrier du site."
    )
    answered_on = models.DateField("répondu le", null=True, blank=True)
    answer_delay = models.PositiveSmallIntegerField("délai de réponse constaté (jours ouvrés)", null=True, blank=True)
    answered_in_time = models.BooleanField("répondu dans les délais", null=True, blank=True)
    answered_by = acting_user("réponse enregistrée par", db_index=False)
    response = models.TextField("réponse", blank=True)
    assigned_to = optional_fk(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="assigned_correspondences",
        verbose_name="agent chargé de la réponse",
    )
    created_by = acting_user("saisi par", db_index=False)
    import_batch = optional_fk(
        "complaints.CorrespondenceImport",
        on_delete=models.SET_NULL,
        related_name="correspondences",
        verbose_name="import",
    )
    anonymised_on = models.DateField("données personnelles effacées le", null=True, blank=True, editable=False)

    objects = CorrespondenceQuerySet.as_manager()
    # The history is read by item (its ``id`` index) and by date: its other columns need no index.
    history = timestamped_history(
        *SENDER_FIELDS,
        "import_batch",
        no_db_index=["prefecture", "site", "service", "assigned_to", "created_by", "answered_by"],
    )

    class Meta:
        verbose_name = "courrier"
        verbose_name_plural = "courriers"
        ordering = ["-received_on", "-pk"]
        # The lists' orders, and the dashboards' count of the overdue letters of every prefecture: only the open ones,
        # a few among millions.
        indexes = register_indexes("correspondence", state="answered_on", open_items=Q(answered_on__isnull=True))
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "reference"],
                condition=~Q(reference=""),
                name="correspondence_unique_reference",
                violation_error_message="Un courrier de la préfecture porte déjà cette référence.",
            ),
            models.CheckConstraint(
                condition=Q(delay_days__gte=1, delay_days__lte=MAX_DELAY), name="correspondence_delay_range"
            ),
            *register_constraints("correspondence"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, answered_in_time__isnull=True, answer_delay__isnull=True)
                | Q(answered_on__isnull=False, answered_in_time__isnull=False, answer_delay__isnull=False),
                name="correspondence_answered_has_facts",
            ),
        ]

    def __str__(self):
        label = self.reference or f"n° {self.pk}"
        return f"{self.get_kind_display()} {label}"

    @property
    def is_open(self):
        return self.answered_on is None

    is_answered = value_set("answered_on")

    @property
    def label(self):
        return self.reference or f"n° {self.pk}"


class CorrespondenceDelays(TimeStampedModel):
    """The delays a prefecture gives itself for elected officials' requests and letters of observation."""

    prefecture = models.OneToOneField(
        Prefecture, on_delete=models.CASCADE, related_name="correspondence_delays", verbose_name="préfecture"
    )
    elected_official_days = models.PositiveSmallIntegerField(
        "demandes de rendez-vous des élus (jours ouvrés)", default=ELECTED_OFFICIAL_DELAY
    )
    local_authority_days = models.PositiveSmallIntegerField(
        "lettres d'observations aux collectivités (jours ouvrés)", default=LOCAL_AUTHORITY_DELAY
    )

    class Meta:
        verbose_name = "délais de réponse aux courriers"
        verbose_name_plural = "délais de réponse aux courriers"
        constraints = [
            models.CheckConstraint(
                condition=Q(elected_official_days__gte=1, elected_official_days__lte=MAX_DELAY)
                & Q(local_authority_days__gte=1, local_authority_days__lte=MAX_DELAY),
                name="correspondence_delays_range",
            ),
        ]

    def __str__(self):
        return f"Délais de {self.prefecture}"

    def as_dict(self):
        return {
            **DEFAULT_DELAYS,
            "elected_official": self.elected_official_days,
            "local_authority": self.local_authority_days,
        }


def delays_for(prefecture_ids):
    """{prefecture id: {kind: working days}} in one query; defaults for prefectures without settings."""
    prefecture_ids = set(prefecture_ids)
    delays = {prefecture_id: dict(DEFAULT_DELAYS) for prefecture_id in prefecture_ids}
    for row in CorrespondenceDelays.objects.filter(prefecture_id__in=prefecture_ids):
        delays[row.prefecture_id] = row.as_dict()
    return delays


class CorrespondenceImportQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_correspondence_imports(self, user)


class CorrespondenceImport(TimeStampedModel):
    """A CSV file of a mail system imported in bulk: all its rows, or none (complaints.correspondence.imports)."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        CHECKING = "checking", "Vérification en cours"
        SAVING = "saving", "Enregistrement en cours"
        DONE = "done", "Importé"
        REJECTED = "rejected", "Refusé : rien n'a été importé"
        FAILED = "failed", "Échec technique : rien n'a été importé"

    RUNNING_STATUSES = (Status.PENDING, Status.CHECKING, Status.SAVING)

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="correspondence_imports", verbose_name="préfecture"
    )
    created_by = acting_user("importé par")
    # Kept while the import runs, deleted afterwards (it may name senders).
    file = models.FileField("fichier", upload_to="imports/courriers/%Y/", blank=True)
    file_name = models.CharField("nom du fichier", max_length=255)
    file_size = models.PositiveIntegerField("taille (octets)")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    rows = models.PositiveIntegerField("lignes lues", default=0)
    imported = models.PositiveIntegerField("courriers importés", default=0)
    error_count = models.PositiveIntegerField("erreurs", default=0)
    report = models.JSONField("rapport", default=dict, blank=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = CorrespondenceImportQuerySet.as_manager()

    class Meta:
        verbose_name = "import de courriers"
        verbose_name_plural = "imports de courriers"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="correspondence_import_progress_range"),
        ]

    def __str__(self):
        return f"Import « {self.file_name} » ({self.get_status_display().lower()})"

    is_running = value_in("status", RUNNING_STATUSES)
