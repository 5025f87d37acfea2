"""Helpers shared by the survey pages."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts import access
from surveys.models import Campaign, CampaignSite
from surveys.models.questionnaires import RATED_KINDS

CAMPAIGN_RELATIONS = ("prefecture__department", "questionnaire")


def list_crumb():
    return ("Enquêtes de satisfaction", reverse("campaign_list"))


def detail_crumb(campaign):
    return (campaign.title, reverse("campaign_detail", kwargs={"pk": campaign.pk}))


def visible_campaign(request, pk):
    """A campaign the user may see (a foreign one is a 404), with the ids of its sites."""
    campaign = get_object_or_404(Campaign.objects.for_user(request.user).select_related(*CAMPAIGN_RELATIONS), pk=pk)
    campaign.site_ids = set(CampaignSite.objects.filter(campaign=campaign).values_list("site_id", flat=True))
    return campaign


def managed_campaign(request, pk):
    campaign = visible_campaign(request, pk)
    if not access.can_manage_campaign(request.user, campaign):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses campagnes d’enquête.")
    return campaign


def campaign_site_of(campaign, site_pk):
    """A site of the campaign (404 otherwise)."""
    return get_object_or_404(
        CampaignSite.objects.select_related("site__prefecture"), campaign=campaign, site_id=site_pk
    )


def questions_of(campaign):
    """The campaign's rated questions (1 to 4, « Oui » / « Non »): the columns of the aggregated results. A local
    question of a prefecture's version is not one of them: rates are kept for the national dimensions only
    (``surveys.results.dimensions_of``), which the service checks."""
    return list(campaign.questionnaire.questions.filter(kind__in=RATED_KINDS, is_local=False).order_by("position"))


def entry_questions_of(campaign):
    """Every question of the campaign's version, in its order, with its options (two queries): the cells of the
    paper grid and the columns of the CSV import follow the version."""
    return list(campaign.questionnaire.questions.order_by("position").prefetch_related("options"))
