from django.db import models
from django.db.models import Case, F, Q, Value, When

from indicators import periods
from qualipref.lib.dates import short_datetime
from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history
from sites.models import Prefecture, Site

from .catalogue import Comparison, Indicator, Status


def _meets(value, threshold, comparison):
    return (
        Q(**{comparison: Comparison.LT, f"{value}__lt": F(threshold)})
        | Q(**{comparison: Comparison.LTE, f"{value}__lte": F(threshold)})
        | Q(**{comparison: Comparison.GT, f"{value}__gt": F(threshold)})
        | Q(**{comparison: Comparison.GTE, f"{value}__gte": F(threshold)})
    )


def status_expression(value="value", indicator="indicator__"):
    """The traffic light of ``value`` (a field or an annotation) against its indicator's targets, computed by the
    database (the rule of ``Indicator.status_of``): usable in filters, orderings and aggregate queries."""
    target, intermediate, comparison = f"{indicator}target", f"{indicator}intermediate_target", f"{indicator}comparison"
    return Case(
        When(**{f"{value}__isnull": True}, then=Value(Status.MISSING)),
        When(**{f"{target}__isnull": True}, then=Value(Status.NO_TARGET)),
        When(_meets(value, target, comparison), then=Value(Status.ON_TARGET)),
        When(
            Q(**{f"{intermediate}__isnull": False}) & _meets(value, intermediate, comparison),
            then=Value(Status.INTERMEDIATE),
        ),
        default=Value(Status.OFF_TARGET),
        output_field=models.CharField(),
    )


class MeasurementQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_measurements(self, user)

    def with_status(self):
        return self.annotate(status=status_expression())

    def between(self, first=None, last=None):
        queryset = self
        if first is not None:
            queryset = queryset.filter(period__gte=first)
        if last is not None:
            queryset = queryset.filter(period__lte=last)
        return queryset


class Measurement(TimeStampedModel):
    """The value of an indicator for a site (or, for indicators measured at that level, a whole prefecture) and a
    month. Rates keep their numerator and denominator so that prefectures and the nation add them up (ratio of
    sums); other values may keep their weight (``denominator``: calls, titles, visitors) for a weighted mean.

    Computed measurements are written by indicators.services.compute only; entered and imported ones by
    indicators.services.measurements, with their history.
    """

    Source = Indicator.Source

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="measurements", verbose_name="indicateur"
    )
    # Denormalised from the site: lists are scoped and prefectures aggregated without a join.
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="measurements", verbose_name="préfecture"
    )
    site = optional_fk(
        Site, related_name="measurements", verbose_name="site", help_text="Vide pour une mesure de toute la préfecture."
    )
    period = models.DateField("mois", help_text="Premier jour du mois mesuré.")
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    numerator = models.PositiveIntegerField(
        "numérateur", null=True, blank=True, help_text="Pour un taux : les éléments comptés (appels perdus…)."
    )
    denominator = models.PositiveIntegerField(
        "dénominateur ou effectif",
        null=True,
        blank=True,
        help_text="Pour un taux : le total (appels reçus…) ; sinon le nombre d'éléments de la moyenne.",
    )
    # Denormalised from the indicator's unit, so that the database itself refuses a rate over 100 %.
    is_rate = models.BooleanField("taux", default=False, editable=False)
    source = models.CharField("source", max_length=10, choices=Source.choices)
    entered_by = acting_user("saisie par")
    note = models.CharField("commentaire", max_length=300, blank=True)

    objects = MeasurementQuerySet.as_manager()
    history = timestamped_history("is_rate")

    class Meta:
        verbose_name = "mesure"
        verbose_name_plural = "mesures"
        ordering = ["indicator__position", "period", "site_id"]
        indexes = [
            models.Index(fields=["prefecture", "indicator", "period"], name="measurement_prefecture_idx"),
            models.Index(fields=["site", "period"], name="measurement_site_idx"),
            models.Index(fields=["indicator", "period"], name="measurement_national_idx"),
            # The API's order (newest first, by id) for a prefecture; national: the primary key
            # (tests/test_query_plans.py).
            models.Index(fields=["prefecture", "-id"], name="measurement_pref_newest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "site", "period"],
                condition=Q(site__isnull=False),
                name="measurement_unique_site_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "prefecture", "period"],
                condition=Q(site__isnull=True),
                name="measurement_unique_prefecture_period",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="measurement_value_not_negative"),
            models.CheckConstraint(condition=Q(is_rate=False) | Q(value__lte=100), name="measurement_rate_at_most_100"),
            # A numerator needs its denominator, never above it; a denominator alone is a weight.
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(denominator__isnull=False, denominator__gte=F("numerator")),
                name="measurement_numerator_within_denominator",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="measurement_denominator_positive"
            ),
            models.CheckConstraint(
                condition=Q(is_rate=True) | Q(numerator__isnull=True), name="measurement_numerator_rates_only"
            ),
        ]

    def __str__(self):
        where = self.site if self.site_id else self.prefecture
        return f"{self.indicator} – {where} – {periods.label(self.period)}"

    @property
    def period_code(self):
        return periods.format_period(self.period)

    @property
    def period_label(self):
        return periods.label(self.period)

    @property
    def value_display(self):
        return self.indicator.format_value(self.value)

    @property
    def current_status(self):
        """The annotated ``status`` when the queryset asked for it (``with_status``), else computed here."""
        return getattr(self, "status", None) or self.indicator.status_of(self.value)


class ComputeRun(TimeStampedModel):
    """One run of the computation of the computed indicators: its scope, its counts, and whether it finished.

    The incremental run reads the source rows changed since the start of the latest finished run (full or
    incremental), so a run that died midway is simply done again by the next one.
    """

    class Kind(models.TextChoices):
        FULL = "full", "Complet (nocturne)"
        CHANGES = "changes", "Incrémental (modifications récentes)"
        PERIOD = "period", "Un mois (à la demande)"

    class State(models.TextChoices):
        RUNNING = "running", "En cours"
        SUCCEEDED = "succeeded", "Terminé"
        FAILED = "failed", "Échoué"

    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField("commencé le")
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    scope = models.CharField("périmètre", max_length=300, blank=True)
    created = models.PositiveIntegerField("mesures créées", default=0)
    updated = models.PositiveIntegerField("mesures modifiées", default=0)
    deleted = models.PositiveIntegerField("mesures supprimées", default=0)
    unchanged = models.PositiveIntegerField("mesures inchangées", default=0)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "calcul des indicateurs"
        verbose_name_plural = "calculs des indicateurs"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["state", "kind", "started_at"], name="compute_run_watermark_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="compute_run_finished_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {short_datetime(self.started_at)}"
