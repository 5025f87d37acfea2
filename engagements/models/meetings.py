from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from qualipref.lib.dates import short_date
from qualipref.lib.models import TimeStampedModel
from sites.models import Prefecture, Site

from .actions import Action


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_by_prefecture(self, user)


class Meeting(TimeStampedModel):
    """A quality meeting: the monthly COPIL or the yearly comité local des usagers (CLU)."""

    class Kind(models.TextChoices):
        COPIL = "copil", "COPIL qualité"
        CLU = "clu", "Comité local des usagers"

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="meetings", verbose_name="préfecture"
    )
    kind = models.CharField("instance", max_length=10, choices=Kind.choices)
    held_on = models.DateField("date")
    attendees = models.TextField("participants", blank=True)
    minutes = models.TextField("compte rendu", blank=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion qualité"
        verbose_name_plural = "réunions qualité"
        ordering = ["prefecture", "-held_on"]

    def __str__(self):
        return f"{self.get_kind_display()} du {short_date(self.held_on)}"


class MeetingDecision(TimeStampedModel):
    """A decision of a meeting; it becomes an action of the plan in one step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name="réunion")
    text = models.TextField("décision")
    action = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_decision",
        verbose_name="action créée",
    )

    class Meta:
        verbose_name = "décision de réunion"
        verbose_name_plural = "décisions de réunion"
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text[:60]


class TrainingQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_by_site(self, user)


class Training(TimeStampedModel):
    """A training a person followed; reception trainings older than 4 years must be renewed."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainings", verbose_name="agent"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="trainings", verbose_name="site")
    course = models.CharField("formation", max_length=200)
    reception = models.BooleanField("formation à l'accueil", default=True)
    trained_on = models.DateField("suivie le")

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "formation suivie"
        verbose_name_plural = "formations suivies"
        ordering = ["site", "-trained_on"]
        indexes = [
            models.Index(fields=["person", "reception", "trained_on"], name="training_recent_idx"),
            # The API's order (engagements.api.meetings.TrainingViewSet): its page read from the index, not sorted.
            models.Index(fields=["-trained_on", "id"], name="training_newest_idx"),
        ]

    def __str__(self):
        return f"{self.person} – {self.course} ({short_date(self.trained_on)})"
