from django.db import models
from django.db.models import Q

from qualipref.lib.dates import short_date
from qualipref.lib.models import TimeStampedModel
from sites.models import Service, Site


class FootfallSlotQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_by_site(self, user)


class FootfallSlot(TimeStampedModel):
    """Visitors of a reception service in one hour of one day, from the queue-management system's export
    (heures d'affluence): the heatmaps and the public peak hours are computed from these rows."""

    # Denormalised from the service: heatmaps and public pages filter by site without a join.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="footfall", verbose_name="site")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="footfall", verbose_name="service")
    day = models.DateField("jour")
    hour = models.PositiveSmallIntegerField("heure", help_text="Début de la tranche horaire (8 : de 8 h à 9 h).")
    visitors = models.PositiveIntegerField("visiteurs")
    waiting_minutes = models.DecimalField(
        "attente moyenne (minutes)", max_digits=6, decimal_places=1, null=True, blank=True
    )

    objects = FootfallSlotQuerySet.as_manager()

    class Meta:
        verbose_name = "fréquentation horaire"
        verbose_name_plural = "fréquentations horaires"
        ordering = ["site", "service", "day", "hour"]
        indexes = [models.Index(fields=["site", "day"], name="footfall_site_day_idx")]
        constraints = [
            models.UniqueConstraint(fields=["service", "day", "hour"], name="footfall_unique_slot"),
            models.CheckConstraint(condition=Q(hour__lte=23), name="footfall_hour_of_day"),
            models.CheckConstraint(
                condition=Q(waiting_minutes__isnull=True) | Q(waiting_minutes__gte=0),
                name="footfall_waiting_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.service} – {short_date(self.day)} {self.hour} h : {self.visitors} visiteurs"
