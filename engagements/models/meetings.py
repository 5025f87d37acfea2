from django.db import models
from simple_history.models import HistoricalRecords

from qualipref.lib.dates import short_date
from qualipref.lib.models import TimeStampedModel
from sites.models import Prefecture

from .actions import TextWithAction, created_action


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


class MeetingDecision(TextWithAction):
    """A decision of a meeting; it becomes an action of the plan in one step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name="réunion")
    text = models.TextField("décision")
    action = created_action("meeting_decision")

    class Meta:
        verbose_name = "décision de réunion"
        verbose_name_plural = "décisions de réunion"
        ordering = ["meeting", "pk"]
