"""Crisis communication (module 7 of the référentiel): the on-call roster of the crisis communication cell, the log
of its events and exercises, and the tracking table of its press releases. All three belong to a prefecture."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from engagements.models.actions import TextWithAction, created_action
from qualipref.lib.dates import short_date, short_datetime
from qualipref.lib.models import TimeStampedModel, optional_fk, timestamped_history
from sites.models import Prefecture

# « En cas d'événement majeur, nous activons en moins d'une heure une cellule de communication de crise »
ACTIVATION_COMMITMENT_MINUTES = 60
ONE_HOUR = datetime.timedelta(hours=1)


class PrefectureScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_crisis(self, user)


class OnCallShiftQuerySet(PrefectureScopedQuerySet):
    def overlapping(self, starts_at, ends_at):
        """Shifts that share at least one instant with [starts_at, ends_at) (touching ends do not overlap)."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class OnCallShift(TimeStampedModel):
    """A slot of the crisis communication cell's on-call roster (astreinte): who answers, on which phone, from when
    to when. The shifts of a prefecture never overlap (crisis.services; on PostgreSQL an exclusion constraint too)."""

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="on_call_shifts", verbose_name="préfecture"
    )
    person = optional_fk(
        settings.AUTH_USER_MODEL, related_name="on_call_shifts", verbose_name="agent d'astreinte (compte)"
    )
    person_name = models.CharField("agent d'astreinte (sans compte)", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=30)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")

    objects = OnCallShiftQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "astreinte"
        verbose_name_plural = "astreintes"
        ordering = ["prefecture", "starts_at"]
        indexes = [models.Index(fields=["prefecture", "starts_at"], name="on_call_shift_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="on_call_shift_ends_after_start"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(person_name=""), name="on_call_shift_has_someone"
            ),
        ]

    def __str__(self):
        return f"Astreinte de {self.who} du {short_datetime(self.starts_at)} au {short_datetime(self.ends_at)}"

    @property
    def who(self):
        if self.person_id is not None:
            return self.person.get_full_name() or self.person.username
        return self.person_name

    @property
    def hours(self):
        # in UTC: Python subtracts two datetimes of the same zone by their wall clocks
        return (self.ends_at.astimezone(datetime.UTC) - self.starts_at.astimezone(datetime.UTC)) / ONE_HOUR


class CrisisEvent(TimeStampedModel):
    """A real event or an exercise of the crisis communication cell: when the alert came, when the cell was
    operational; the activation delay (minutes) is computed by crisis.services and feeds the indicator
    ``crisis_cell_activation_minutes``. An exercise's lessons become actions of the plan."""

    class Kind(models.TextChoices):
        EVENT = "event", "Événement réel"
        EXERCISE = "exercise", "Exercice"

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="crisis_events", verbose_name="préfecture"
    )
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=200)
    with_cip = models.BooleanField("avec appel à la CIP", default=False)
    alert_received_at = models.DateTimeField("alerte reçue le")
    operational_at = models.DateTimeField("cellule opérationnelle le")
    activation_minutes = models.PositiveIntegerField("délai d'activation (minutes)", editable=False)
    description = models.TextField("déroulement", blank=True)

    objects = PrefectureScopedQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "événement ou exercice de crise"
        verbose_name_plural = "événements et exercices de crise"
        ordering = ["prefecture", "-alert_received_at"]
        indexes = [models.Index(fields=["prefecture", "alert_received_at"], name="crisis_event_alert_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(operational_at__gte=F("alert_received_at")), name="crisis_event_operational_after_alert"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({short_date(self.alert_received_at)})"

    @property
    def within_commitment(self):
        return self.activation_minutes < ACTIVATION_COMMITMENT_MINUTES


class CrisisLesson(TextWithAction):
    """A lesson of an event or exercise; it becomes an action of the plan in one step (source « exercice de
    crise »)."""

    event = models.ForeignKey(CrisisEvent, on_delete=models.CASCADE, related_name="lessons", verbose_name="événement")
    text = models.TextField("enseignement")
    action = created_action("crisis_lesson")

    class Meta:
        verbose_name = "enseignement d'exercice"
        verbose_name_plural = "enseignements d'exercice"
        ordering = ["event", "pk"]


class PressRelease(TimeStampedModel):
    """A line of the « tableau de suivi des communiqués de crise »: numbered per prefecture and year."""

    class Channel(models.TextChoices):
        WEBSITE = "website", "Site internet"
        SOCIAL = "social", "Réseaux sociaux"
        PRESS = "press", "Presse"

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="press_releases", verbose_name="préfecture"
    )
    year = models.PositiveSmallIntegerField("année", editable=False)
    number = models.PositiveIntegerField("numéro")
    title = models.CharField("objet", max_length=200)
    event = optional_fk(CrisisEvent, related_name="press_releases", verbose_name="événement")
    issued_at = models.DateTimeField("diffusé le")
    channels = models.JSONField("canaux de diffusion", default=list)
    validated_by = models.CharField("validé par", max_length=150)

    objects = PrefectureScopedQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "communiqué de crise"
        verbose_name_plural = "communiqués de crise"
        ordering = ["prefecture", "-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "year", "number"], name="press_release_number_unique"),
        ]
        indexes = [models.Index(fields=["prefecture", "issued_at"], name="press_release_issued_idx")]

    def __str__(self):
        return f"Communiqué n° {self.number}/{self.year} : {self.title}"

    @property
    def channel_labels(self):
        labels = dict(self.Channel.choices)
        return [labels.get(channel, channel) for channel in self.channels]
