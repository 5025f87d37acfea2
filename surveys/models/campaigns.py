"""Campaigns: a prefecture asks its sites' visitors (or its partners) a questionnaire for a period.

A campaign collects individual responses (``Kind.RESPONSES``) or, for a past campaign known only by its rates
(such as 2015 in docs/domaine.md), holds aggregated results (``Kind.AGGREGATED``). Its sites go through
``CampaignSite``, which also records whether the referent published the site's results: public pages show
only published sites.
"""

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history, value_set
from sites.models import Prefecture, Service, Site

from .questionnaires import Questionnaire

DEFAULT_TARGET_RATE = 80


def new_kiosk_key():
    return secrets.token_urlsafe(12)


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_campaigns(self, user)

    def accepting(self, on=None):
        """Open campaigns whose period includes ``on`` (today): the ones that take answers."""
        on = on or timezone.localdate()
        return self.filter(
            kind=Campaign.Kind.RESPONSES, status=Campaign.Status.OPEN, opens_on__lte=on, closes_on__gte=on
        )


class Campaign(TimeStampedModel):
    class Kind(models.TextChoices):
        RESPONSES = "responses", "Réponses individuelles"
        AGGREGATED = "aggregated", "Résultats agrégés (campagne passée)"

    class Status(models.TextChoices):
        DRAFT = "draft", "En préparation"
        OPEN = "open", "Ouverte"
        CLOSED = "closed", "Close"

    class Channel(models.TextChoices):
        WEB = "web", "Questionnaire en ligne (lien, QR code)"
        KIOSK = "kiosk", "Borne ou tablette dans le hall"
        PAPER = "paper", "Questionnaire papier"

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="survey_campaigns", verbose_name="préfecture"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns", verbose_name="questionnaire"
    )
    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices, default=Kind.RESPONSES)
    sites = models.ManyToManyField(Site, through="CampaignSite", related_name="survey_campaigns", verbose_name="sites")
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="survey_campaigns",
        verbose_name="services",
        help_text="Vide : le visiteur n'indique pas de service.",
    )
    opens_on = models.DateField("ouverture le")
    closes_on = models.DateField("clôture le")
    channels = models.JSONField("canaux de collecte", default=list, blank=True)
    target_responses = models.PositiveIntegerField("nombre de réponses visé", null=True, blank=True)
    target_rate = models.PositiveSmallIntegerField(
        "objectif de satisfaction (%)",
        default=DEFAULT_TARGET_RATE,
        help_text="Une dimension dont le taux de satisfaction est inférieur est mise en évidence.",
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    kiosk_key = models.CharField("clé de la borne", max_length=40, default=new_kiosk_key, editable=False)
    created_by = acting_user("créée par")

    objects = CampaignQuerySet.as_manager()
    history = timestamped_history("kiosk_key")

    class Meta:
        verbose_name = "campagne d'enquête"
        verbose_name_plural = "campagnes d'enquête"
        ordering = ["-opens_on", "-pk"]
        indexes = [models.Index(fields=["prefecture", "opens_on"], name="campaign_list_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="campaign_closes_after_opening"),
            models.CheckConstraint(condition=Q(target_rate__lte=100), name="campaign_target_rate_at_most_100"),
            models.CheckConstraint(
                condition=Q(kind="responses") | Q(status="closed"), name="campaign_aggregated_is_closed"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_aggregated(self):
        return self.kind == self.Kind.AGGREGATED

    def accepts_responses(self, on=None):
        on = on or timezone.localdate()
        return (
            self.kind == self.Kind.RESPONSES
            and self.status == self.Status.OPEN
            and self.opens_on <= on <= self.closes_on
        )

    def channel_labels(self):
        return [self.Channel(value).label for value in self.channels if value in self.Channel.values]


class CampaignSite(TimeStampedModel):
    """A site of a campaign, and the publication of its results by the referent."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="campaign_sites", verbose_name="campagne"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="campaign_sites", verbose_name="site")
    published_at = models.DateTimeField("résultats publiés le", null=True, blank=True)
    published_by = acting_user("publiés par")

    history = timestamped_history()

    class Meta:
        verbose_name = "site d'une campagne"
        verbose_name_plural = "sites des campagnes"
        ordering = ["campaign", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "site"], name="campaign_site_unique"),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.site}"

    is_published = value_set("published_at")


class AggregatedResult(TimeStampedModel):
    """The satisfaction rate of one dimension for a site (or one of its services) in a past campaign known only
    by its rates (for instance the 2015 table of the Bouches-du-Rhône)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="aggregated_results", verbose_name="campagne"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    service = optional_fk(Service, related_name="+", verbose_name="service")
    question_code = models.CharField("code de la question", max_length=40)
    rate = models.DecimalField("taux de satisfaction (%)", max_digits=4, decimal_places=1)
    answers = models.PositiveIntegerField("nombre de réponses exprimées", null=True, blank=True)

    history = timestamped_history()

    class Meta:
        verbose_name = "résultat agrégé"
        verbose_name_plural = "résultats agrégés"
        ordering = ["campaign", "site", "service", "question_code"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100), name="aggregated_rate_0_100"),
            models.UniqueConstraint(
                fields=["campaign", "site", "question_code"],
                condition=Q(service__isnull=True),
                name="aggregated_unique_site_question",
            ),
            models.UniqueConstraint(
                fields=["campaign", "site", "service", "question_code"],
                condition=Q(service__isnull=False),
                name="aggregated_unique_service_question",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.site} – {self.question_code} : {self.rate} %"


class Highlight(TimeStampedModel):
    """A « point fort » or « point de vigilance » of a campaign's results, for a site or the whole campaign.
    Proposed from the results (best and worst dimensions against the target), then edited by the referent."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Point fort"
        VIGILANCE = "vigilance", "Point de vigilance"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="highlights", verbose_name="campagne")
    site = optional_fk(Site, related_name="+", verbose_name="site")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    question_code = models.CharField("dimension", max_length=40, blank=True)
    text = models.CharField("texte", max_length=300)
    position = models.PositiveSmallIntegerField("rang", default=0)
    updated_by = acting_user("modifié par")

    history = timestamped_history()

    class Meta:
        verbose_name = "point fort ou de vigilance"
        verbose_name_plural = "points forts et de vigilance"
        ordering = ["campaign", "site", "kind", "position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.text}"
