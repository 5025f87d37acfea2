"""Pages of the campaigns (mounted at /enquetes/): list, creation, detail, edit, opening and closing, and the
questionnaires. Campaigns are fetched through ``for_user`` (a foreign one is a 404); what the user may change is
asked to accounts.access (403); writes go through surveys.services."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from qualipref.lib.models import count_of
from qualipref.views import breadcrumb, flash_outcome, paginate, redirect_if_saved
from sites.models import Prefecture
from surveys.forms import CampaignForm
from surveys.models import Campaign, CampaignSite, Questionnaire
from surveys.results import response_counts
from surveys.services import campaigns as services

from .common import CAMPAIGN_RELATIONS, detail_crumb, list_crumb, managed_campaign, visible_campaign


@require_GET
def campaign_list(request):
    campaigns = (
        Campaign.objects.for_user(request.user)
        .select_related(*CAMPAIGN_RELATIONS)
        # per campaign of the page (a subquery after the LIMIT), not grouped over every campaign of the scope twice
        # (the page and its count): the list keeps its speed with 1,000 campaigns as with 100 (issue 14)
        .annotate(site_count=count_of(CampaignSite.objects.filter(campaign=OuterRef("pk"))))
        .order_by("-opens_on", "-pk")
    )
    page_obj = paginate(request, campaigns)
    counts = response_counts_by_campaign([campaign.pk for campaign in page_obj.object_list])
    for campaign in page_obj.object_list:
        campaign.response_count = counts.get(campaign.pk, 0)
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "title": "Enquêtes de satisfaction",
            "page_obj": page_obj,
            "can_create": access.manageable_campaign_prefectures(Prefecture.objects.all(), request.user).exists(),
            "breadcrumb_data": breadcrumb("Enquêtes de satisfaction"),
        },
    )


def response_counts_by_campaign(campaign_ids):
    from surveys.models import Response

    rows = (
        Response.objects.filter(campaign_id__in=campaign_ids)
        .order_by()
        .values("campaign_id")
        .annotate(count=Count("pk"))
    )
    return {row["campaign_id"]: row["count"] for row in rows}


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    if not access.manageable_campaign_prefectures(Prefecture.objects.all(), request.user).exists():
        raise PermissionDenied("Seul le responsable qualité d’une préfecture prépare ses campagnes d’enquête.")
    form = CampaignForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.campaign_create(by=request.user, **form.cleaned_data),
        lambda campaign: f"Campagne « {campaign.title} » enregistrée.",
        lambda campaign: reverse("campaign_detail", kwargs={"pk": campaign.pk}),
    )
    return response or render(
        request,
        "surveys/campaign_form.html",
        {
            "title": "Nouvelle campagne d’enquête",
            "form": form,
            "cancel_url": reverse("campaign_list"),
            "breadcrumb_data": breadcrumb("Nouvelle campagne", list_crumb()),
        },
    )


@require_GET
def campaign_detail(request, pk):
    campaign = visible_campaign(request, pk)
    user = request.user
    campaign_sites = list(campaign.campaign_sites.select_related("site").order_by("site__name"))
    counts = response_counts(campaign, by=("site_id",)) if not campaign.is_aggregated else {}
    for campaign_site in campaign_sites:
        site = campaign_site.site
        campaign_site.response_count = counts.get((site.pk,), 0)
        campaign_site.public_url = request.build_absolute_uri(
            reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": site.pk})
        )
        campaign_site.can_publish = access.can_publish_results(user, campaign, site)
    total = sum(counts.values())
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "title": campaign.title,
            "campaign": campaign,
            "campaign_sites": campaign_sites,
            "services": campaign.services.select_related("site").order_by("site__name", "name"),
            "total": total,
            "progress": min(100, round(100 * total / campaign.target_responses)) if campaign.target_responses else None,
            "abilities": access.abilities(user, campaign),
            "can_manage": access.can_manage_campaign(user, campaign),
            "breadcrumb_data": breadcrumb(campaign.title, list_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = managed_campaign(request, pk)
    title = campaign.title
    initial = {name: getattr(campaign, name) for name in ("title", "opens_on", "closes_on", "channels", "target_rate")}
    initial.update(
        questionnaire=campaign.questionnaire_id,
        target_responses=campaign.target_responses,
        sites=list(campaign.site_ids),
        services=list(campaign.services.values_list("pk", flat=True)),
    )
    form = CampaignForm(request.POST or None, actor=request.user, campaign=campaign, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.campaign_update(by=request.user, campaign=campaign, **form.cleaned_data),
        "La campagne a été enregistrée.",
        reverse("campaign_detail", kwargs={"pk": campaign.pk}),
    )
    return response or render(
        request,
        "surveys/campaign_form.html",
        {
            "title": f"Modifier « {title} »",
            "form": form,
            "campaign": campaign,
            "cancel_url": reverse("campaign_detail", kwargs={"pk": campaign.pk}),
            "breadcrumb_data": breadcrumb("Modifier", list_crumb(), detail_crumb(campaign)),
        },
    )


@require_POST
def campaign_status(request, pk):
    campaign = managed_campaign(request, pk)
    status = request.POST.get("status", "")
    flash_outcome(
        request,
        lambda: services.campaign_set_status(by=request.user, campaign=campaign, status=status),
        lambda _: f"La campagne est désormais « {campaign.get_status_display().lower()} ».",
    )
    return redirect("campaign_detail", pk=campaign.pk)


# --- questionnaires --------------------------------------------------------------------------------------------


@require_GET
def questionnaire_list(request):
    questionnaires = (
        Questionnaire.objects.for_user(request.user)
        .select_related("prefecture")
        .annotate(question_count=Count("questions"))
        .order_by("prefecture_id", "code", "-published_on", "-pk")
    )
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "title": "Questionnaires",
            "questionnaires": questionnaires,
            "can_adapt": access.may_adapt_questionnaires(request.user),
            "breadcrumb_data": breadcrumb("Questionnaires", list_crumb()),
        },
    )


@require_GET
def questionnaire_detail(request, pk):
    questionnaire = get_object_or_404(Questionnaire.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "title": str(questionnaire),
            "questionnaire": questionnaire,
            "questions": questionnaire.questions.order_by("position").prefetch_related("options"),
            "can_manage": access.can_manage_questionnaire(request.user, questionnaire),
            "breadcrumb_data": breadcrumb(
                questionnaire.title, list_crumb(), ("Questionnaires", reverse("questionnaire_list"))
            ),
        },
    )
