from django.db import models
from django.db.models import Q

from engagements.models import Engagement
from qualipref.lib.dates import short_date
from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history
from sites.models import Service, Site

from .audits import Audit


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return self.filter(audit__in=access.scope_audits(Audit.objects.all(), user))

    def readable_by(self, user):
        """Lists: those of the audits the user may read now (``AuditQuerySet.readable_by``)."""
        return self.filter(audit__in=Audit.objects.readable_by(user))


class Assessment(TimeStampedModel):
    """A cell of the assessment grid: one engagement in scope on one audited site, with its result.

    A cell that was never saved counts as « non évalué »; writes go through ``audits.services.grid``.
    """

    class Result(models.TextChoices):
        COMPLIANT = "compliant", "Conforme"
        MINOR_NONCONFORMITY = "minor_nonconformity", "Non-conformité mineure"
        MAJOR_NONCONFORMITY = "major_nonconformity", "Non-conformité majeure"
        NOT_APPLICABLE = "not_applicable", "Non applicable"
        NOT_ASSESSED = "not_assessed", "Non évalué"

    class Origin(models.TextChoices):
        ENTERED = "entered", "Saisie"
        PREFILLED = "prefilled", "Reprise de l'audit précédent"
        MYSTERY = "mystery", "Enquête mystère"

    NONCONFORMITIES = (Result.MINOR_NONCONFORMITY, Result.MAJOR_NONCONFORMITY)

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="assessments", verbose_name="audit")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="+", verbose_name="engagement")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    result = models.CharField("résultat", max_length=20, choices=Result.choices, default=Result.NOT_ASSESSED)
    comment = models.TextField("commentaire", blank=True)
    origin = models.CharField("origine", max_length=10, choices=Origin.choices, default=Origin.ENTERED)
    evidence = models.FileField("justificatif", upload_to="audits/evidence/%Y/", blank=True)
    evidence_name = models.CharField("nom du justificatif", max_length=200, blank=True)
    assessed_by = acting_user("évalué par")

    objects = AssessmentQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "évaluation d'un engagement"
        verbose_name_plural = "grille d'évaluation"
        ordering = ["audit", "site__name", "engagement__code"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "engagement", "site"], name="assessment_one_per_cell"),
            models.CheckConstraint(
                condition=Q(evidence="") | ~Q(evidence_name=""), name="assessment_evidence_has_name"
            ),
        ]

    def __str__(self):
        return f"{self.engagement.code} – {self.site} : {self.get_result_display()}"

    @property
    def is_assessed(self):
        return self.result != self.Result.NOT_ASSESSED


class MysteryVisit(TimeStampedModel):
    """A mystery visit or call (enquête mystère): a scenario played on a site and service, scored on criteria
    that feed the assessment grid (``audits.services.grid.mystery_feed_grid``)."""

    class Channel(models.TextChoices):
        VISIT = "visit", "Visite"
        CALL = "call", "Appel téléphonique"
        EMAIL = "email", "Courriel"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="mystery_visits", verbose_name="audit")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, default=Channel.VISIT)
    scenario = models.TextField("scénario")
    happened_on = models.DateField("date")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    service = optional_fk(Service, related_name="+", verbose_name="service")
    notes = models.TextField("observations", blank=True)
    created_by = acting_user("saisie par")

    class Meta:
        verbose_name = "visite ou appel mystère"
        verbose_name_plural = "visites et appels mystère"
        ordering = ["audit", "happened_on", "pk"]

    def __str__(self):
        return f"{self.get_channel_display()} mystère du {short_date(self.happened_on)} – {self.site}"

    @property
    def score(self):
        criteria = list(self.criteria.all())
        return sum(c.score for c in criteria), sum(c.max_score for c in criteria)


class MysteryCriterion(TimeStampedModel):
    """A scored criterion of a visit or call (« décroché avant 5 sonneries », « courtoisie », « bonne réponse »)."""

    visit = models.ForeignKey(MysteryVisit, on_delete=models.CASCADE, related_name="criteria", verbose_name="visite")
    label = models.CharField("critère", max_length=200)
    engagement = optional_fk(Engagement, related_name="+", verbose_name="engagement évalué")
    score = models.PositiveSmallIntegerField("note")
    max_score = models.PositiveSmallIntegerField("note maximale", default=1)

    class Meta:
        verbose_name = "critère d'une visite mystère"
        verbose_name_plural = "critères des visites mystère"
        ordering = ["visit", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gte=1), name="mystery_criterion_max_positive"),
            models.CheckConstraint(
                condition=Q(score__lte=models.F("max_score")), name="mystery_criterion_score_at_most_max"
            ),
        ]

    def __str__(self):
        return f"{self.label} : {self.score}/{self.max_score}"
