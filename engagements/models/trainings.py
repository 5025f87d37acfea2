"""The training plan: records of trainings followed (by a user or by a person without an account), the people
without an account (``Trainee``), the planned sessions and their enrolments.

A training record is for a user account or a trainee, never both (check constraint). A session's attendance turns
each present enrolment into one training record (``Enrolment.training``), see engagements.services.trainings.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from qualipref.lib.dates import short_date, short_datetime
from qualipref.lib.models import TimeStampedModel
from sites.models import Site


class TrainingKind(models.TextChoices):
    """What a session (and the records it gives) trains for; the crisis cell lists the CIP and on-call ones."""

    RECEPTION = "reception", "Accueil"
    ON_CALL = "on_call", "Astreinte"
    CIP = "cip", "Cellule d'information du public (CIP)"
    OTHER = "other", "Autre"


class TraineeQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_trainees(self, user)

    def current(self):
        """Trainees still working on their site (not left, not anonymised)."""
        return self.filter(left_on__isnull=True, anonymised_on__isnull=True)


class Trainee(TimeStampedModel):
    """A person without a user account whose trainings are followed (a reception agent who never logs in, a CIP
    member from another service). Personal data (name, service, position): kept while the person works on the site,
    then ``PERSONAL_DATA_RETENTION_MONTHS`` months after ``left_on``, then anonymised with their history
    (engagements.services.trainings.anonymise_trainees, run by the nightly retention job)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="trainees", verbose_name="site")
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    service = models.CharField("service", max_length=200, blank=True)
    position = models.CharField("fonction", max_length=200, blank=True)
    reception_agent = models.BooleanField(
        "agent d'accueil",
        default=True,
        help_text="Soumis à la règle « formé à l'accueil depuis moins de 4 ans ».",
    )
    started_on = models.DateField("sur le site depuis le")
    left_on = models.DateField("a quitté le site le", null=True, blank=True)
    anonymised_on = models.DateField("anonymisée le", null=True, blank=True, editable=False)

    objects = TraineeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "personne sans compte"
        verbose_name_plural = "personnes sans compte"
        ordering = ["site", "last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("started_on")),
                name="trainee_left_after_start",
                violation_error_message="La date de départ ne peut pas précéder la date d'arrivée.",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


# A training record and an enrolment are each a person's: a user account or a trainee (a person without an account),
# never both. The two links, their check constraint and the person's name, written once.


def _account_or_trainee(*, account_related_name, trainee_related_name):
    """The two optional links (a user account, a trainee) of a record that is one person's."""
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=account_related_name,
        verbose_name="agent",
        null=True,
        blank=True,
    )
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.PROTECT,
        related_name=trainee_related_name,
        verbose_name="personne sans compte",
        null=True,
        blank=True,
    )
    return account, trainee


def _one_person(account, name, message):
    """The check constraint that exactly one of ``account`` (the account link's name) and ``trainee`` is set."""
    return models.CheckConstraint(
        condition=Q(**{f"{account}__isnull": False, "trainee__isnull": True})
        | Q(**{f"{account}__isnull": True, "trainee__isnull": False}),
        name=name,
        violation_error_message=message,
    )


def _person_label(trainee, account):
    if trainee is not None:
        return str(trainee)
    return account.get_full_name() or account.username


class TrainingQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_trainings(self, user)


class Training(TimeStampedModel):
    """A training a person (user account or trainee) followed; reception trainings older than 4 years must be
    renewed."""

    person, trainee = _account_or_trainee(account_related_name="trainings", trainee_related_name="trainings")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="trainings", verbose_name="site")
    course = models.CharField("formation", max_length=200)
    reception = models.BooleanField("formation à l'accueil", default=True)
    trained_on = models.DateField("suivie le")

    objects = TrainingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "formation suivie"
        verbose_name_plural = "formations suivies"
        ordering = ["site", "-trained_on"]
        indexes = [
            models.Index(fields=["person", "reception", "trained_on"], name="training_recent_idx"),
            models.Index(fields=["trainee", "reception", "trained_on"], name="training_trainee_recent_idx"),
            # The API's order (engagements.api.meetings.TrainingViewSet): its page read from the index, not sorted.
            models.Index(fields=["-trained_on", "id"], name="training_newest_idx"),
        ]
        constraints = [
            _one_person(
                "person",
                "training_one_person",
                "Une formation est suivie par un agent ou par une personne sans compte.",
            ),
        ]

    def __str__(self):
        return f"{self.person_label} – {self.course} ({short_date(self.trained_on)})"

    @property
    def person_label(self):
        return _person_label(self.trainee, self.person)


class TrainingSessionQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_training_sessions(self, user)


class TrainingSession(TimeStampedModel):
    """A planned training session of a site: who may come (capacity), how many are needed for it to run
    (``min_enrolled``); its attendance gives the training records."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="training_sessions", verbose_name="site organisateur"
    )
    course = models.CharField("formation", max_length=200)
    kind = models.CharField("type", max_length=10, choices=TrainingKind.choices, default=TrainingKind.RECEPTION)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=200)
    capacity = models.PositiveSmallIntegerField("places")
    min_enrolled = models.PositiveSmallIntegerField("inscrits nécessaires", default=1)
    attendance_recorded_at = models.DateTimeField("présences relevées le", null=True, blank=True, editable=False)

    objects = TrainingSessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at", "id"], name="training_session_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
                violation_error_message="La fin de la session doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="training_session_capacity",
                violation_error_message="Une session a au moins une place.",
            ),
            models.CheckConstraint(
                condition=Q(min_enrolled__gte=1, min_enrolled__lte=models.F("capacity")),
                name="training_session_min_enrolled",
                violation_error_message="Le nombre d'inscrits nécessaires va de 1 au nombre de places.",
            ),
        ]

    def __str__(self):
        return f"{self.course} – {short_datetime(self.starts_at)}"

    @property
    def reception(self):
        return self.kind == TrainingKind.RECEPTION


class Enrolment(TimeStampedModel):
    """A user or a trainee enrolled in a session; ``training`` is the record their attendance gave."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrolments", verbose_name="session"
    )
    user, trainee = _account_or_trainee(account_related_name="training_enrolments", trainee_related_name="enrolments")
    attended = models.BooleanField("présent(e)", default=False)
    training = models.OneToOneField(
        Training,
        on_delete=models.SET_NULL,
        related_name="enrolment",
        verbose_name="formation enregistrée",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["session", "pk"]
        constraints = [
            _one_person("user", "enrolment_one_person", "On inscrit un agent ou une personne sans compte."),
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="enrolment_unique_user",
                violation_error_message="Cette personne est déjà inscrite à la session.",
            ),
            models.UniqueConstraint(
                fields=["session", "trainee"],
                condition=Q(trainee__isnull=False),
                name="enrolment_unique_trainee",
                violation_error_message="Cette personne est déjà inscrite à la session.",
            ),
        ]

    def __str__(self):
        return f"{self.person_label} – {self.session}"

    @property
    def person_label(self):
        return _person_label(self.trainee, self.user)
