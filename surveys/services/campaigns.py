"""Writes on campaigns: creation, changes, opening and closing.

Every function is keyword-only, takes its actor (``by``), asks accounts.access, raises ``PermissionDenied`` or
``ValidationError`` (French messages, by field) and writes in one transaction. History rows carry the actor.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from qualipref.lib import data_version
from qualipref.lib.models import refuse_other_fields
from surveys.models import Campaign, CampaignSite, Questionnaire

Status = Campaign.Status
CAMPAIGN_FIELDS = frozenset(
    {
        "title",
        "questionnaire",
        "sites",
        "services",
        "opens_on",
        "closes_on",
        "channels",
        "target_responses",
        "target_rate",
    }
)
# draft -> open -> closed; a closed campaign may be opened again (paper questionnaires found late...).
TRANSITIONS = {Status.DRAFT: (Status.OPEN,), Status.OPEN: (Status.CLOSED,), Status.CLOSED: (Status.OPEN,)}


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _is_date(value):
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _check(campaign, *, sites, services, errors):
    campaign.title = (campaign.title or "").strip()
    if not campaign.title:
        errors.setdefault("title", "Indiquez l'intitulé de la campagne.")
    if not isinstance(campaign.questionnaire, Questionnaire):
        errors.setdefault("questionnaire", "Choisissez le questionnaire.")
    elif campaign.questionnaire.prefecture_id not in (None, campaign.prefecture_id):
        errors.setdefault("questionnaire", "Choisissez un questionnaire national ou une version de la préfecture.")
    elif not campaign.questionnaire.is_published:
        errors.setdefault("questionnaire", "Cette version du questionnaire est en préparation : publiez-la d'abord.")
    if not _is_date(campaign.opens_on):
        errors.setdefault("opens_on", "Indiquez la date d'ouverture.")
    if not _is_date(campaign.closes_on):
        errors.setdefault("closes_on", "Indiquez la date de clôture.")
    elif _is_date(campaign.opens_on) and campaign.closes_on < campaign.opens_on:
        errors.setdefault("closes_on", "La clôture ne peut pas précéder l'ouverture.")
    channels = list(campaign.channels or [])
    unknown = [value for value in channels if value not in Campaign.Channel.values]
    if unknown:
        errors.setdefault("channels", f"Canal inconnu : {', '.join(map(str, unknown))}.")
    campaign.channels = [value for value in Campaign.Channel.values if value in channels]
    if campaign.kind == Campaign.Kind.RESPONSES and not campaign.channels:
        errors.setdefault("channels", "Choisissez au moins un canal de collecte.")
    rate = campaign.target_rate
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= 100:
        errors.setdefault("target_rate", "L'objectif de satisfaction est un pourcentage entier de 0 à 100.")
    target = campaign.target_responses
    if target is not None and (isinstance(target, bool) or not isinstance(target, int) or target < 1):
        errors.setdefault("target_responses", "Le nombre de réponses visé est un entier positif.")
    if sites is not None:
        if not sites:
            errors.setdefault("sites", "Choisissez au moins un site.")
        elif any(site.prefecture_id != campaign.prefecture_id for site in sites):
            errors.setdefault("sites", "Les sites d'une campagne appartiennent à sa préfecture.")
    if services:
        site_ids = {site.pk for site in sites} if sites is not None else set(campaign.site_ids)
        if any(service.site_id not in site_ids for service in services):
            errors.setdefault("services", "Chaque service doit appartenir à l'un des sites de la campagne.")


@transaction.atomic
def campaign_create(
    *,
    by,
    prefecture,
    questionnaire,
    title,
    sites,
    opens_on,
    closes_on,
    services=(),
    channels=(Campaign.Channel.WEB, Campaign.Channel.PAPER),
    target_responses=None,
    target_rate=80,
    kind=Campaign.Kind.RESPONSES,
) -> Campaign:
    if not access.can_manage_campaigns(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture prépare ses campagnes d'enquête.")
    if kind not in Campaign.Kind.values:
        raise ValidationError({"kind": "Nature de campagne inconnue."})
    campaign = Campaign(
        prefecture=prefecture,
        questionnaire=questionnaire,
        title=title,
        kind=kind,
        opens_on=opens_on,
        closes_on=closes_on,
        channels=list(channels) if kind == Campaign.Kind.RESPONSES else [],
        target_responses=target_responses,
        target_rate=target_rate,
        status=Status.CLOSED if kind == Campaign.Kind.AGGREGATED else Status.DRAFT,
        created_by=by,
    )
    sites, services = list(sites or []), list(services or [])
    errors = {}
    _check(campaign, sites=sites, services=services, errors=errors)
    _raise(errors)
    campaign._history_user = by
    campaign.save()
    CampaignSite.objects.bulk_create(CampaignSite(campaign=campaign, site=site) for site in sites)
    data_version.bump()  # bulk_create sends no signal
    campaign.services.set(services)
    return campaign


@transaction.atomic
def campaign_update(*, by, campaign, **fields) -> Campaign:
    """Change what describes a campaign. Once it has responses its questionnaire stays, and a site with responses
    or a publication stays in it."""
    if not access.can_manage_campaign(by, campaign):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses campagnes d'enquête.")
    refuse_other_fields(fields, CAMPAIGN_FIELDS)
    sites = list(fields.pop("sites")) if "sites" in fields else None
    services = list(fields.pop("services")) if "services" in fields else None
    errors = {}
    has_responses = campaign.responses.exists() or campaign.aggregated_results.exists()
    if (
        "questionnaire" in fields
        and fields["questionnaire"] != campaign.questionnaire
        and (has_responses or campaign.status != Status.DRAFT)
    ):
        errors["questionnaire"] = "Le questionnaire ne change plus une fois la campagne ouverte."
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.site_ids = (
        {site.pk for site in sites}
        if sites is not None
        else set(campaign.campaign_sites.values_list("site_id", flat=True))
    )
    if sites is not None:
        kept = set(campaign.campaign_sites.filter(published_at__isnull=False).values_list("site_id", flat=True)) | set(
            campaign.responses.values_list("site_id", flat=True).distinct()
        )
        kept |= set(campaign.aggregated_results.values_list("site_id", flat=True).distinct())
        removed = kept - campaign.site_ids
        if removed:
            errors.setdefault("sites", "Un site qui a des réponses ou des résultats publiés reste dans la campagne.")
    _check(campaign, sites=sites, services=services, errors=errors)
    if errors:
        campaign.refresh_from_db()
        raise ValidationError(errors)
    campaign._history_user = by
    campaign.save()
    if sites is not None:
        current = set(campaign.campaign_sites.values_list("site_id", flat=True))
        campaign.campaign_sites.exclude(site_id__in=campaign.site_ids).delete()
        CampaignSite.objects.bulk_create(
            CampaignSite(campaign=campaign, site=site) for site in sites if site.pk not in current
        )
        data_version.bump()  # bulk_create sends no signal
    if services is not None:
        campaign.services.set(services)
    elif sites is not None:
        campaign.services.remove(*campaign.services.exclude(site_id__in=campaign.site_ids))
    return campaign


@transaction.atomic
def campaign_set_status(*, by, campaign, status) -> Campaign:
    """Open (from draft or closed) or close a campaign of individual responses."""
    if not access.can_manage_campaign(by, campaign):
        raise PermissionDenied("Seul le responsable qualité de la préfecture ouvre et clôt ses campagnes.")
    if campaign.is_aggregated:
        raise ValidationError({"status": "Une campagne de résultats agrégés ne s'ouvre pas aux réponses."})
    if status not in Status.values:
        raise ValidationError({"status": "Statut inconnu."})
    if status not in TRANSITIONS[campaign.status]:
        raise ValidationError(
            {"status": f"Une campagne « {campaign.get_status_display()} » ne passe pas à « {Status(status).label} »."}
        )
    campaign.status = status
    campaign._history_user = by
    campaign.save(update_fields=["status", "updated_at"])
    return campaign
