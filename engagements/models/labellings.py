from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from qualipref.lib.dates import short_date
from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, value_in
from sites.models import Prefecture, Site

from .referentials import Module, Referential


class LabellingQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_by_prefecture(self, user)

    def current(self):
        """The cycles still running (not ended nor replaced)."""
        return self.exclude(status=Labelling.Status.ENDED)

    def late(self, on=None):
        """Labelled cycles whose next audit (follow-up or renewal) is past due."""
        return self.filter(status=Labelling.Status.GRANTED, next_audit_due__lt=on or timezone.localdate())


class Labelling(TimeStampedModel):
    """A prefecture's labelling cycle on one référentiel version, from preparation to renewal.

    Transitions and due dates are written by ``engagements.services.labellings``, never by forms.
    """

    class Status(models.TextChoices):
        PREPARATION = "preparation", "Préparation"
        INTERNAL_EVALUATION = "internal_evaluation", "Évaluation interne"
        PLAN_REVISION = "plan_revision", "Révision du plan d'action"
        LABELLING_AUDIT = "labelling_audit", "Audit de labellisation"
        GRANTED = "granted", "Labellisée (pérennisation)"
        REFUSED = "refused", "Décision défavorable"
        RENEWAL = "renewal", "Renouvellement"
        ENDED = "ended", "Cycle clos"

    class Decision(models.TextChoices):
        FAVOURABLE = "favourable", "Favorable"
        UNFAVOURABLE = "unfavourable", "Défavorable"

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="labellings", verbose_name="préfecture"
    )
    referential = models.ForeignKey(
        Referential, on_delete=models.PROTECT, related_name="labellings", verbose_name="référentiel"
    )
    modules = models.ManyToManyField(Module, related_name="labellings", verbose_name="modules du périmètre")
    sites = models.ManyToManyField(Site, related_name="labellings", verbose_name="sites du périmètre")
    status = models.CharField("étape", max_length=30, choices=Status.choices, default=Status.PREPARATION)
    started_on = models.DateField("début de la préparation")
    indicators_since = models.DateField("suivi des indicateurs depuis le", null=True, blank=True)
    internal_evaluation_on = models.DateField("évaluation interne le", null=True, blank=True)
    labelling_audit_on = models.DateField("audit de labellisation le", null=True, blank=True)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)
    decision_on = models.DateField("date de la décision", null=True, blank=True)
    decision_body = models.CharField("organisme certificateur", max_length=120, blank=True)
    granted_on = models.DateField("labellisée le", null=True, blank=True)
    next_audit_due = models.DateField("prochain audit de suivi avant le", null=True, blank=True)
    renewal_due = models.DateField("audit de renouvellement avant le", null=True, blank=True)
    ended_on = models.DateField("clos le", null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_cycle",
        verbose_name="cycle précédent",
    )
    notes = models.TextField("observations", blank=True)

    objects = LabellingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cycle de labellisation"
        verbose_name_plural = "cycles de labellisation"
        ordering = ["prefecture", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision_on__isnull=False), name="labelling_decision_has_date"
            ),
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True) | Q(decision="favourable"),
                name="labelling_granted_needs_favourable_decision",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="labelling_ends_after_start",
            ),
            # A labelled cycle knows its due dates (computed by the service when the label is granted).
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "renewal"])
                | Q(granted_on__isnull=False, next_audit_due__isnull=False, renewal_due__isnull=False),
                name="labelling_labelled_has_due_dates",
            ),
            # One running cycle per prefecture: a new one starts when the previous has ended.
            models.UniqueConstraint(
                fields=["prefecture"], condition=~Q(status="ended"), name="labelling_one_running_per_prefecture"
            ),
        ]

    def __str__(self):
        return f"{self.prefecture} – {self.referential}"

    is_labelled = value_in("status", (Status.GRANTED, Status.RENEWAL))

    @property
    def is_running(self):
        return self.status != self.Status.ENDED

    @property
    def is_late(self):
        """Same rule as ``Labelling.objects.late()``."""
        return (
            self.status == self.Status.GRANTED
            and self.next_audit_due is not None
            and self.next_audit_due < timezone.localdate()
        )


class LabellingStep(TimeStampedModel):
    """A dated step of a cycle, with its evidence: the timeline of the prefecture.

    ``kind`` says what happened (a follow-up audit, a decision...), ``status`` the cycle's step after it.
    ``source`` is the record that wrote the step, when one did (the audit whose decision or closure moved the
    cycle: a generic link, since audits import engagements and not the reverse); a record writes a kind of step
    once (``labelling_step_once_per_source``). ``opinion``: the body's opinion on keeping the label, given when
    a follow-up audit closes.
    """

    class Kind(models.TextChoices):
        START = "start", "Lancement du cycle (préparation)"
        INTERNAL_EVALUATION = "internal_evaluation", "Évaluation interne"
        PLAN_REVISION = "plan_revision", "Révision du plan d'action"
        LABELLING_AUDIT = "labelling_audit", "Audit de labellisation"
        DECISION = "decision", "Décision de l'organisme certificateur"
        FOLLOW_UP_AUDIT = "follow_up_audit", "Audit de suivi"
        RENEWAL_AUDIT = "renewal_audit", "Audit de renouvellement"
        END = "end", "Clôture du cycle"

    labelling = models.ForeignKey(
        Labelling, on_delete=models.CASCADE, related_name="steps", verbose_name="cycle de labellisation"
    )
    kind = models.CharField("nature", max_length=30, choices=Kind.choices)
    status = models.CharField("étape du cycle après", max_length=30, choices=Labelling.Status.choices)
    happened_on = models.DateField("date")
    note = models.TextField("commentaire", blank=True)
    evidence = models.FileField("justificatif", upload_to="labellings/%Y/", blank=True)
    recorded_by = acting_user("saisi par")
    source_type = optional_fk(ContentType, related_name="+", verbose_name="type d'origine")
    source_id = models.PositiveBigIntegerField("identifiant de l'origine", null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    opinion = models.CharField(
        "avis de l'organisme sur le maintien du label", max_length=20, choices=Labelling.Decision.choices, blank=True
    )

    class Meta:
        verbose_name = "étape de labellisation"
        verbose_name_plural = "étapes de labellisation"
        ordering = ["labelling", "happened_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"],
                condition=Q(source_id__isnull=False),
                name="labelling_step_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="labelling_step_source_complete",
            ),
            models.CheckConstraint(
                condition=Q(opinion="") | Q(kind="follow_up_audit"), name="labelling_step_opinion_only_follow_up"
            ),
        ]

    def __str__(self):
        return f"{self.title} le {short_date(self.happened_on)}"

    @property
    def title(self):
        """« Décision favorable », « Audit de suivi »…"""
        if self.kind == self.Kind.DECISION:
            return "Décision défavorable" if self.status == Labelling.Status.REFUSED else "Décision favorable"
        if self.opinion:
            return f"{self.get_kind_display()} : {OPINION_TITLES[self.opinion]}"
        return self.get_kind_display()

    @property
    def audit_id(self):
        """The id of the audit that wrote the step, if one did (the timeline links to it)."""
        if self.source_type_id is None:
            return None
        if LabellingStep.source_type.is_cached(self):  # select_related("source_type")
            source_type = self.source_type
        else:
            source_type = ContentType.objects.get_for_id(self.source_type_id)  # cached after the first query
        return self.source_id if (source_type.app_label, source_type.model) == ("audits", "audit") else None


# The body's opinion at a follow-up audit, as the form and the timeline say it.
OPINION_TITLES = {
    Labelling.Decision.FAVOURABLE: "avis favorable au maintien du label",
    Labelling.Decision.UNFAVOURABLE: "avis défavorable au maintien du label",
}
