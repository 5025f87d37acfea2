from django.db import models
from django.db.models import Q

from engagements.models import Engagement
from qualipref.lib.models import TimeStampedModel
from sites.models import Site

from .audits import Audit


class QuarterlySelfAssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Those of the audits the user may see (``accounts.access.scope_audits``)."""
        from accounts import access

        return self.filter(audit__in=access.scope_audits(Audit.objects.all(), user))


class QuarterlySelfAssessment(TimeStampedModel):
    """« L'autoévaluation trimestrielle des conditions d'accueil » of a site: a self-assessment audit of that one
    site whose grid is the short checklist of the engagements on reception conditions, one per site and quarter.

    Written by ``audits.services.self_assessments``; its grid is filled as every grid (``audits.services.grid``).
    """

    audit = models.OneToOneField(
        Audit, on_delete=models.PROTECT, related_name="quarterly_check", verbose_name="autoévaluation"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField("trimestre")
    # The checklist, fixed when it starts (a later change of the list leaves past quarters as they were filled).
    engagements = models.ManyToManyField(Engagement, related_name="+", verbose_name="engagements vérifiés")

    objects = QuarterlySelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "autoévaluation trimestrielle des conditions d'accueil"
        verbose_name_plural = "autoévaluations trimestrielles des conditions d'accueil"
        ordering = ["site", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "quarter"], name="quarterly_check_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_check_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.label} – {self.site}"

    @property
    def label(self):
        """« T2 2026 »."""
        return f"T{self.quarter} {self.year}"
