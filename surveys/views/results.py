"""Results of a campaign (mounted at /enquetes/<pk>/…): rates per dimension with their interval, comparison with
the previous campaign and between sites and services, points forts / points de vigilance (htmx inline edits),
moderation of comments, publication site by site, and the action a dimension below target proposes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, Subquery, When
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from qualipref.views import breadcrumb, flash_outcome, paginate, redirect_if_saved
from sites.models import Service, Site
from surveys import results as results_module
from surveys.forms import CampaignActionForm, HighlightAddForm, HighlightForm
from surveys.models import Answer, CampaignSite, Highlight, Response
from surveys.services import publication as services

from .common import detail_crumb, list_crumb, visible_campaign


def _scope(request, campaign):
    """The site and service chosen in ``?site=&service=`` (404 outside the campaign, and for a site whose results
    the user may not read: accounts.access.can_see_site_results)."""
    site = service = None
    if request.GET.get("site", "").isdigit():
        site = get_object_or_404(Site, pk=int(request.GET["site"]), pk__in=campaign.site_ids)
    if request.GET.get("service", "").isdigit():
        service = get_object_or_404(Service.objects.select_related("site"), pk=int(request.GET["service"]))
        if service.site_id not in campaign.site_ids:
            raise Http404("Ce service ne participe pas à cette campagne.")
        site = service.site
    if site is not None and not access.can_see_site_results(request.user, campaign, site):
        raise Http404("Résultats non publiés d'un autre site.")
    return site, service


def _results_url(campaign, site=None):
    url = reverse("campaign_results", kwargs={"pk": campaign.pk})
    return f"{url}?{urlencode({'site': site.pk})}" if site else url


@require_GET
def campaign_results(request, pk):
    campaign = visible_campaign(request, pk)
    user = request.user
    site, service = _scope(request, campaign)
    results = results_module.campaign_results(campaign, site=site, service=service)
    # The sites (and their services) whose results the user reads: the filter and the comparison offer no other.
    sites = list(access.results_sites(Site.objects.filter(pk__in=campaign.site_ids), user, campaign).order_by("name"))
    visible = {s.pk for s in sites}
    services_ = list(campaign.services.select_related("site").order_by("site__name", "name"))
    if campaign.is_aggregated:
        services_ = sorted(
            {row.service for row in campaign.aggregated_results.select_related("service__site") if row.service},
            key=lambda s: (s.site.name, s.name),
        )
    services_ = [s for s in services_ if s.site_id in visible]
    comparison = results_module.comparison(campaign, sites, services=services_)
    publications = {
        cs.site_id: cs for cs in CampaignSite.objects.filter(campaign=campaign).select_related("published_by")
    }
    highlights = list(Highlight.objects.filter(campaign=campaign, site=site).order_by("kind", "position", "pk"))
    can_edit_points = (
        access.can_publish_results(user, campaign, site) if site else access.can_manage_campaign(user, campaign)
    )
    for highlight in highlights:
        highlight.editable = can_edit_points
    scope_site = site if service is None else service.site
    return render(
        request,
        "surveys/results.html",
        {
            "title": f"Résultats – {campaign.title}",
            "campaign": campaign,
            "results": results,
            "site": site,
            "service": service,
            "sites": sites,
            "services": services_,
            "comparison": comparison,
            "dimensions": results_module.dimensions_of(campaign),
            # local questions: shares per option; free texts once moderated (approved), as comments
            "local_results": results_module.local_results(campaign, site=site, service=service, approved_only=True),
            "definition": results_module.DEFINITION,
            "publication": publications.get(site.pk) if site else None,
            "can_publish": bool(site) and access.can_publish_results(user, campaign, site),
            "strengths": [h for h in highlights if h.kind == Highlight.Kind.STRENGTH],
            "vigilance": [h for h in highlights if h.kind == Highlight.Kind.VIGILANCE],
            "can_edit_points": can_edit_points,
            "add_form": HighlightAddForm(auto_id="add_%s") if can_edit_points else None,
            "can_create_action": access.can_create_survey_action(user, campaign, scope_site),
            "actions": services.actions_of(campaign, user),
            "may_moderate": access.may_publish_results(user, campaign),
            "breadcrumb_data": breadcrumb("Résultats", list_crumb(), detail_crumb(campaign)),
        },
    )


def _site_from_post(request, campaign):
    raw = request.POST.get("site", "")
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in campaign.site_ids:
        raise PermissionDenied("Ce site ne participe pas à cette campagne.")
    return Site.objects.get(pk=int(raw))


def _check_points_editor(request, campaign, site):
    allowed = (
        access.can_publish_results(request.user, campaign, site)
        if site is not None
        else access.can_manage_campaign(request.user, campaign)
    )
    if not allowed:
        raise PermissionDenied("Vous ne pouvez pas modifier les points forts et de vigilance de ce périmètre.")


@require_POST
def campaign_highlights_propose(request, pk):
    """(Re)propose the points of the campaign or of one site from its results."""
    campaign = visible_campaign(request, pk)
    site = _site_from_post(request, campaign)
    _check_points_editor(request, campaign, site)
    flash_outcome(
        request,
        lambda: services.highlights_propose(by=request.user, campaign=campaign, site=site),
        lambda created: f"{len(created)} point(s) proposé(s) à partir des résultats : relisez-les.",
    )
    return redirect(_results_url(campaign, site))


@require_POST
def campaign_highlight_add(request, pk):
    campaign = visible_campaign(request, pk)
    site = _site_from_post(request, campaign)
    _check_points_editor(request, campaign, site)
    form = HighlightAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez la nature du point et écrivez son texte.")
        return redirect(_results_url(campaign, site))
    flash_outcome(
        request,
        lambda: services.highlight_add(by=request.user, campaign=campaign, site=site, **form.cleaned_data),
        "Point ajouté.",
    )
    return redirect(_results_url(campaign, site))


@require_http_methods(["GET", "POST"])
def campaign_highlight_edit(request, pk, highlight_pk):
    """Edit one point in place (htmx answers the re-rendered item; a plain POST redirects to the results)."""
    campaign = visible_campaign(request, pk)
    highlight = get_object_or_404(
        Highlight.objects.select_related("site", "campaign"), pk=highlight_pk, campaign=campaign
    )
    if not access.can_edit_highlight(request.user, highlight):
        raise PermissionDenied("Vous ne pouvez pas modifier ce point.")
    highlight.editable = True
    back = _results_url(campaign, highlight.site)
    if request.method == "GET":
        # The item with its text field (htmx: « Modifier » swaps it in place).
        return render(
            request,
            "surveys/_highlight.html",
            {
                "highlight": highlight,
                "campaign": campaign,
                "editing": True,
                "form": HighlightForm(initial={"text": highlight.text}),
            },
        )
    if request.POST.get("delete"):
        services.highlight_delete(by=request.user, highlight=highlight)
        if request.htmx:
            return render(request, "surveys/_highlight_deleted.html", {"highlight": highlight})
        messages.success(request, "Point supprimé.")
        return redirect(back)
    form = HighlightForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.highlight_update(by=request.user, highlight=highlight, text=form.cleaned_data["text"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Écrivez le texte du point (300 caractères au plus)."
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Point enregistré.")
        return redirect(back)
    context = {"highlight": highlight, "campaign": campaign, "editing": bool(error), "form": form, "error": error}
    return render(request, "surveys/_highlight.html", context, status=422 if error else 200)


@require_GET
def campaign_comments(request, pk):
    """Comments of the sites the user moderates: none is public until it is approved here."""
    campaign = visible_campaign(request, pk)
    if not access.may_publish_results(request.user, campaign):
        raise PermissionDenied("Seuls le référent du site et le responsable qualité modèrent les commentaires.")
    sites = access.publishable_sites(Site.objects.filter(pk__in=campaign.site_ids), request.user, campaign)
    status = request.GET.get("statut", Response.CommentStatus.PENDING)
    if status not in (Response.CommentStatus.PENDING, Response.CommentStatus.APPROVED, Response.CommentStatus.REJECTED):
        status = Response.CommentStatus.PENDING
    # a response with a comment, or only free texts to local questions (moderated with it): its status is the
    # comment's, else its texts'
    with_texts = Answer.objects.filter(response=OuterRef("pk")).exclude(text="")
    in_scope = Response.objects.filter(campaign=campaign, site__in=sites).annotate(
        moderation=Case(
            When(~Q(comment_status=Response.CommentStatus.NONE), then=F("comment_status")),
            default=Subquery(with_texts.values("text_status")[:1]),
        )
    )
    comments = (
        in_scope.filter(moderation=status)
        .select_related("site", "service", "moderated_by")
        .prefetch_related(Prefetch("answers", Answer.objects.exclude(text=""), to_attr="free_texts"))
        .order_by("created_at", "pk")
    )
    counts = dict(
        in_scope.exclude(moderation__isnull=True).order_by().values_list("moderation").annotate(count=Count("pk"))
    )
    return render(
        request,
        "surveys/comments.html",
        {
            "title": f"Commentaires – {campaign.title}",
            "campaign": campaign,
            "page_obj": paginate(request, comments),
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0))
                for value, label in (
                    (Response.CommentStatus.PENDING, "À modérer"),
                    (Response.CommentStatus.APPROVED, "Publiables"),
                    (Response.CommentStatus.REJECTED, "Écartés"),
                )
            ],
            "breadcrumb_data": breadcrumb("Commentaires", list_crumb(), detail_crumb(campaign)),
        },
    )


@require_POST
def campaign_comment_moderate(request, pk, response_pk):
    campaign = visible_campaign(request, pk)
    response = get_object_or_404(
        Response.objects.select_related("site", "campaign", "service"), pk=response_pk, campaign=campaign
    )
    if not access.can_publish_results(request.user, campaign, response.site):
        raise PermissionDenied("Vous ne pouvez pas modérer les commentaires de ce site.")
    decision = request.POST.get("decision", "")
    if decision not in (Response.CommentStatus.APPROVED, Response.CommentStatus.REJECTED):
        return HttpResponseBadRequest("Décision inconnue.")
    try:
        services.comment_moderate(by=request.user, response=response, decision=decision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("campaign_comments", pk=campaign.pk)
    if request.htmx:
        response.free_texts = list(response.answers.exclude(text=""))
        return render(
            request,
            "surveys/_comment.html",
            {"comment": response, "campaign": campaign, "done": True, "decision": decision},
        )
    messages.success(request, "Commentaire publiable." if decision == "approved" else "Commentaire écarté.")
    return redirect("campaign_comments", pk=campaign.pk)


@require_POST
def campaign_publish(request, pk):
    """Publish (or withdraw) the results of one site."""
    campaign = visible_campaign(request, pk)
    if not access.may_publish_results(request.user, campaign):
        raise PermissionDenied("Seuls le référent du site et le responsable qualité publient ses résultats.")
    site = _site_from_post(request, campaign)
    if site is None:
        return HttpResponseBadRequest("Site manquant.")
    if not access.can_publish_results(request.user, campaign, site):
        raise PermissionDenied("Seuls le référent du site et le responsable qualité publient ses résultats.")
    publish = request.POST.get("publish") != "0"
    flash_outcome(
        request,
        lambda: services.results_publish(by=request.user, campaign=campaign, site=site, publish=publish),
        f"Résultats de {site.name} publiés : ils apparaissent sur la page publique et l’affiche."
        if publish
        else f"Résultats de {site.name} retirés des pages publiques.",
    )
    return redirect(_results_url(campaign, site))


@require_http_methods(["GET", "POST"])
def campaign_action_create(request, pk):
    """« Proposer une action »: a dimension below target becomes an action of the prefecture's action plan."""
    campaign = visible_campaign(request, pk)
    code = request.GET.get("question") or request.POST.get("question", "")
    labels = dict(results_module.dimensions_of(campaign))
    if code not in labels:
        return HttpResponseBadRequest("Dimension inconnue.")
    raw_site = request.GET.get("site") or request.POST.get("site", "")
    site = None
    if raw_site:
        if not raw_site.isdigit() or int(raw_site) not in campaign.site_ids:
            return HttpResponseBadRequest("Ce site ne participe pas à cette campagne.")
        site = Site.objects.get(pk=int(raw_site))
    if not access.can_create_survey_action(request.user, campaign, site):
        raise PermissionDenied("Seuls le responsable qualité et le référent du site créent des actions.")
    results = results_module.campaign_results(campaign, site=site, compare=False)
    dimension = results.by_code[code]
    rate = f"{dimension.rate:.0f} %" if dimension.rate is not None else "sans résultat"
    where = f" – {site.name}" if site else ""
    initial = {
        "title": f"Améliorer « {labels[code]} »{where} (enquête : {rate}, objectif {campaign.target_rate} %)",
        "description": f"Proposée par les résultats de « {campaign.title} ».",
    }
    form = CampaignActionForm(request.POST or None, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.campaign_create_action(
            by=request.user, campaign=campaign, question_code=code, site=site, **form.cleaned_data
        ),
        lambda action: f"Action créée dans le plan « {action.plan} » : {action.title}",
        _results_url(campaign, site),
    )
    return response or render(
        request,
        "surveys/action_form.html",
        {
            "title": f"Proposer une action : {labels[code]}",
            "campaign": campaign,
            "form": form,
            "question": code,
            "site": site,
            "dimension": dimension,
            "cancel_url": _results_url(campaign, site),
            "breadcrumb_data": breadcrumb("Proposer une action", list_crumb(), detail_crumb(campaign)),
        },
    )
