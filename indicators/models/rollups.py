from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel


class MeasurementRollup(TimeStampedModel):
    """The measurements of an indicator and a month added up for a prefecture (its sites and its prefecture-wide
    row) or, ``prefecture`` empty, for the nation: the additive parts from which indicators.services.aggregates
    gives a prefecture's or the nation's figure (ratio of the sums, weighted mean, mean, sum) without reading the
    measurements of every site. Derived data, never typed: every write of measurements recomputes the rows of the
    indicators, months and prefectures it touched, in its transaction (indicators.services.rollups); ``manage.py
    rebuild_rollups`` recomputes them all.
    """

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="+", verbose_name="indicateur"
    )
    period = models.DateField("mois")
    prefecture = models.ForeignKey(
        "sites.Prefecture",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="préfecture",
        help_text="Vide : la somme nationale.",
    )
    places = models.PositiveIntegerField("mesures", help_text="Les mesures additionnées (sites, préfecture).")
    counted = models.PositiveIntegerField("mesures avec numérateur")
    weighted = models.PositiveIntegerField("mesures avec dénominateur ou effectif")
    sum_numerator = models.BigIntegerField("somme des numérateurs", null=True)
    sum_denominator = models.BigIntegerField("somme des dénominateurs", null=True)
    sum_value = models.DecimalField("somme des valeurs", max_digits=24, decimal_places=2)
    sum_weighted = models.DecimalField("somme des valeurs × effectifs", max_digits=30, decimal_places=2, null=True)

    class Meta:
        verbose_name = "agrégat de mesures"
        verbose_name_plural = "agrégats de mesures"
        indexes = [
            # A refresh recomputes indicators × months, every prefecture (a computation's scope).
            models.Index(fields=["indicator", "period"], name="rollup_indicator_period_idx"),
        ]
        constraints = [
            # A prefecture's board: its indicators over the months shown, its latest month of each.
            models.UniqueConstraint(
                fields=["prefecture", "indicator", "period"],
                condition=Q(prefecture__isnull=False),
                name="rollup_unique_prefecture",
            ),
            # The national board.
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(prefecture__isnull=True), name="rollup_unique_national"
            ),
        ]

    def __str__(self):
        return f"{self.indicator_id} – {self.prefecture_id or 'national'} – {self.period:%Y-%m}"
