import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from engagements.models import Engagement
from indicators import periods
from qualipref.lib.models import TimeStampedModel, timestamped_history, value_in

Comparison = Engagement.Comparison
HIGHER = (Comparison.GT, Comparison.GTE)
LOWER = (Comparison.LT, Comparison.LTE)


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def manual(self):
        """Indicators a person types or imports (the computed ones are written by the computation only)."""
        return self.exclude(source=Indicator.Source.COMPUTED)


class Indicator(TimeStampedModel):
    """An indicator of the catalogue: what is measured, in which unit, against which targets.

    The engagements it follows name it by its ``code`` (``Engagement.target_indicator``, in the référentiels'
    YAML files): the code is stable, like the engagements' codes.
    """

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        DAYS = "days", "jours"
        WORKING_DAYS = "working_days", "jours ouvrés"
        MINUTES = "minutes", "minutes"
        RINGS = "rings", "sonneries"
        COUNT = "count", "nombre"

    class Theme(models.TextChoices):
        PHONE = "phone", "Accueil téléphonique"
        COUNTER = "counter", "Accueil physique"
        WRITTEN = "written", "Courriers, courriels et réclamations"
        TITLES = "titles", "Délivrance des titres"
        SATISFACTION = "satisfaction", "Satisfaction des usagers"
        ORGANISATION = "organisation", "Organisation et pilotage"
        CRISIS = "crisis", "Communication de crise"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Mensuelle"
        QUARTERLY = "quarterly", "Trimestrielle"
        YEARLY = "yearly", "Annuelle"

    class Source(models.TextChoices):
        COMPUTED = "computed", "Calculé par Qualipref"
        ENTERED = "entered", "Saisi"
        IMPORTED = "imported", "Importé"

    class Level(models.TextChoices):
        SITE = "site", "Site"
        PREFECTURE = "prefecture", "Préfecture"

    FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}

    code = models.CharField(
        "code", max_length=60, unique=True, help_text="Code stable, celui des cibles des référentiels."
    )
    name = models.CharField("intitulé", max_length=200)
    short_name = models.CharField("intitulé court", max_length=60, help_text="En-têtes des grilles et des tableaux.")
    description = models.TextField("définition", blank=True)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    unit = models.CharField("unité", max_length=20, choices=Unit.choices)
    comparison = models.CharField(
        "sens de l'objectif",
        max_length=3,
        choices=Comparison.choices,
        help_text="« supérieur ou égal à » : plus haut, c'est mieux ; « inférieur à » : plus bas, c'est mieux.",
    )
    target = models.DecimalField("objectif", max_digits=10, decimal_places=2, null=True, blank=True)
    intermediate_target = models.DecimalField(
        "objectif intermédiaire",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Seuil de vigilance, moins exigeant que l'objectif (feu orange entre les deux).",
    )
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField("source", max_length=10, choices=Source.choices)
    level = models.CharField(
        "niveau de mesure",
        max_length=10,
        choices=Level.choices,
        default=Level.SITE,
        help_text="Site : une mesure par site ; préfecture : une mesure pour toute la préfecture.",
    )
    freshness_days = models.PositiveSmallIntegerField(
        "délai de mise à jour (jours)",
        default=45,
        help_text="Jours après la fin d'une période au-delà desquels sa mesure manquante rend l'indicateur périmé.",
    )
    position = models.PositiveSmallIntegerField("rang", default=0)
    is_active = models.BooleanField("suivi", default=True)

    objects = IndicatorQuerySet.as_manager()
    # Who changed a target and when: the traffic lights of the past months read the targets of today.
    history = timestamped_history()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intermediate_target__isnull=True) | Q(target__isnull=False),
                name="indicator_intermediate_needs_target",
            ),
            # The intermediate target is the easier one: below the target when higher is better, above otherwise.
            models.CheckConstraint(
                condition=Q(intermediate_target__isnull=True)
                | Q(comparison__in=HIGHER, intermediate_target__lte=F("target"))
                | Q(comparison__in=LOWER, intermediate_target__gte=F("target")),
                name="indicator_intermediate_easier_than_target",
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent")
                | (Q(target__isnull=True) | Q(target__gte=0, target__lte=100))
                & (Q(intermediate_target__isnull=True) | Q(intermediate_target__gte=0, intermediate_target__lte=100)),
                name="indicator_percent_targets_within_100",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """French messages for what the constraints refuse (admin forms)."""
        errors = {}
        if self.intermediate_target is not None:
            if self.target is None:
                errors["intermediate_target"] = "Un objectif intermédiaire suppose un objectif."
            elif self.higher_is_better and self.intermediate_target > self.target:
                errors["intermediate_target"] = "Plus haut c'est mieux : l'objectif intermédiaire est sous l'objectif."
            elif not self.higher_is_better and self.intermediate_target < self.target:
                errors["intermediate_target"] = (
                    "Plus bas c'est mieux : l'objectif intermédiaire est au-dessus de l'objectif."
                )
        if self.is_rate:
            for name in ("target", "intermediate_target"):
                value = getattr(self, name)
                if value is not None and not 0 <= value <= 100:
                    errors[name] = "Un taux est compris entre 0 et 100 %."
        if errors:
            raise ValidationError(errors)

    # --- reading the catalogue -------------------------------------------------------------------------

    higher_is_better = value_in("comparison", HIGHER)

    @property
    def is_rate(self):
        return self.unit == self.Unit.PERCENT

    @property
    def is_computed(self):
        return self.source == self.Source.COMPUTED

    @property
    def unit_label(self):
        # not get_unit_display(): it hashes its argument and flattens the choices on each call (~14 µs), and a
        # dashboard's panel formats some hundred values
        return UNIT_LABELS.get(self.unit, self.unit)

    def format_value(self, value):
        """« 8,5 % », « 12 jours », « 4,2 sonneries »: a value in its unit, French decimals."""
        if value is None:
            return "—"
        number = format_number(value)
        if self.unit == self.Unit.COUNT:
            return number
        return f"{number}\u00a0{self.unit_label}"  # a non-breaking space: « 10 % » stays on one line

    def _threshold_label(self, value):
        if value is None:
            return ""
        return f"{self.get_comparison_display()} {self.format_value(value)}"

    @property
    def target_label(self):
        """« inférieur à 10 % »."""
        return self._threshold_label(self.target)

    @property
    def intermediate_target_label(self):
        return self._threshold_label(self.intermediate_target)

    def meets(self, value, threshold):
        if value is None or threshold is None:
            return False
        value, threshold = Decimal(value), Decimal(threshold)
        return {
            Comparison.LT: value < threshold,
            Comparison.LTE: value <= threshold,
            Comparison.GT: value > threshold,
            Comparison.GTE: value >= threshold,
        }[self.comparison]

    def status_of(self, value):
        """The traffic light of a value (the rule of ``status_expression``, in Python)."""
        if value is None:
            return Status.MISSING
        if self.target is None:
            return Status.NO_TARGET
        if self.meets(value, self.target):
            return Status.ON_TARGET
        if self.intermediate_target is not None and self.meets(value, self.intermediate_target):
            return Status.INTERMEDIATE
        return Status.OFF_TARGET

    # --- freshness -------------------------------------------------------------------------------------

    @property
    def period_months(self):
        return self.FREQUENCY_MONTHS.get(self.frequency, 1)

    def expected_period(self, today=None):
        """The latest month whose measurement should be there by ``today``: its period ended more than
        ``freshness_days`` ago. For a yearly indicator, a measurement in the 12 months up to it will do."""
        today = today or timezone.localdate()
        period = periods.current(today)
        while periods.month_end(period) + datetime.timedelta(days=self.freshness_days) >= today:
            period = periods.add_months(period, -1)
        return period

    def is_stale(self, last_period, today=None):
        """Whether a site (or prefecture) whose latest measurement is for ``last_period`` is late."""
        expected = self.expected_period(today)
        if last_period is None:
            return True
        return last_period <= periods.add_months(expected, -self.period_months)

    def next_due_on(self, last_period):
        """The day by which the measurement after ``last_period`` is expected."""
        return periods.month_end(periods.add_months(last_period, self.period_months)) + datetime.timedelta(
            days=self.freshness_days
        )


UNIT_LABELS = dict(Indicator.Unit.choices)


class Status(models.TextChoices):
    """A value against its targets (API: ``status``)."""

    ON_TARGET = "on_target", "Objectif atteint"
    INTERMEDIATE = "intermediate", "Objectif intermédiaire atteint"
    OFF_TARGET = "off_target", "Objectif non atteint"
    NO_TARGET = "no_target", "Sans objectif"
    MISSING = "missing", "Non mesuré"


def format_number(value):
    """« 8,5 », « 12 », « 1 250 »: at most 2 decimals, no trailing zeros, French separators."""
    number = Decimal(value).quantize(Decimal("0.01"))
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")
