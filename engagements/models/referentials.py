from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel


class Referential(TimeStampedModel):
    """A version of a référentiel (Label Marianne, Qualipref, Qualipref 2.0). Versions are never rewritten."""

    code = models.CharField("code", max_length=20, help_text="Stable d'une version à l'autre : MARIANNE, QP, QP2.")
    name = models.CharField("nom", max_length=120)
    version = models.CharField("version", max_length=20)
    published_on = models.DateField("publié le")
    follow_up_months = models.PositiveSmallIntegerField(
        "intervalle des audits de suivi (mois)", help_text="Marianne : 18 mois ; Qualipref : 12 mois."
    )
    scope = models.TextField("périmètre", blank=True)
    source = models.TextField("source des textes", blank=True)

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["code", "-published_on"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="referential_unique_code_version"),
            models.CheckConstraint(condition=Q(follow_up_months__gte=1), name="referential_follow_up_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"


class Module(TimeStampedModel):
    referential = models.ForeignKey(
        Referential, on_delete=models.PROTECT, related_name="modules", verbose_name="référentiel"
    )
    number = models.PositiveSmallIntegerField("numéro")
    code = models.CharField("code", max_length=30)
    title = models.CharField("intitulé", max_length=200)
    mandatory = models.BooleanField("obligatoire", default=False)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "module"
        verbose_name_plural = "modules"
        ordering = ["referential", "number"]
        constraints = [
            models.UniqueConstraint(fields=["referential", "number"], name="module_unique_number"),
            models.UniqueConstraint(fields=["referential", "code"], name="module_unique_code"),
        ]

    def __str__(self):
        return f"Module {self.number} – {self.title}"


class Engagement(TimeStampedModel):
    class Kind(models.TextChoices):
        SERVICE = "service", "Engagement de service"
        PERENNISATION = "perennisation", "Engagement de pérennisation"

    class Comparison(models.TextChoices):
        LT = "lt", "inférieur à"
        LTE = "lte", "inférieur ou égal à"
        GT = "gt", "supérieur à"
        GTE = "gte", "supérieur ou égal à"

    # Denormalised from the module so that a code is unique within a référentiel version.
    referential = models.ForeignKey(
        Referential, on_delete=models.PROTECT, related_name="engagements", verbose_name="référentiel"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="engagements", verbose_name="module")
    number = models.PositiveSmallIntegerField("numéro")
    code = models.CharField("code", max_length=30, help_text="Code stable, par exemple QP2-M1-E04.")
    title = models.CharField("intitulé", max_length=250)
    text = models.TextField("texte", blank=True)
    kind = models.CharField("nature", max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    reconstructed = models.BooleanField(
        "texte reconstitué",
        default=False,
        help_text="Texte rédigé d'après les documents publics, à remplacer par le texte officiel.",
    )
    # Optional measurable target: <indicator> <comparison> <threshold> <unit>.
    target_indicator = models.CharField("indicateur cible", max_length=60, blank=True)
    target_comparison = models.CharField("comparaison", max_length=3, choices=Comparison.choices, blank=True)
    target_value = models.DecimalField("seuil", max_digits=10, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField("unité", max_length=30, blank=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["referential", "module__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["referential", "code"], name="engagement_unique_code"),
            models.UniqueConstraint(fields=["module", "number"], name="engagement_unique_number"),
            # A target is whole or absent.
            models.CheckConstraint(
                condition=(
                    Q(target_indicator="", target_comparison="", target_value__isnull=True)
                    | (~Q(target_indicator="") & ~Q(target_comparison="") & Q(target_value__isnull=False))
                ),
                name="engagement_target_complete",
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.title}"

    def clean(self):
        """French messages for what the constraints refuse (admin forms)."""
        errors = {}
        if self.module_id and self.referential_id and self.module.referential_id != self.referential_id:
            errors["module"] = "Ce module appartient à un autre référentiel."
        parts = [bool(self.target_indicator), bool(self.target_comparison), self.target_value is not None]
        if any(parts) and not all(parts):
            errors["target_indicator"] = "Une cible se compose d'un indicateur, d'une comparaison et d'un seuil."
        if self.target_unit and not self.target_indicator:
            errors["target_unit"] = "Une unité sans cible n'a pas de sens."
        if errors:
            raise ValidationError(errors)

    @property
    def has_target(self):
        return bool(self.target_indicator)

    @property
    def target_label(self):
        """The target in words: « inférieur à 5 jours ouvrés »."""
        if not self.has_target:
            return ""
        value = f"{self.target_value.normalize():f}".replace(".", ",")
        return f"{self.get_target_comparison_display()} {value} {self.target_unit}".strip()
