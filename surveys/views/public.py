"""Public pages (no login): the questionnaire of a campaign for a site (on a phone, or on the kiosk of the hall,
which starts again after each answer), and the results the referent published for a site (website page, hall
screen in large type that refreshes itself, A4 PDF poster).

Rate-limited per address, with a honeypot against robots; a submission key makes a double click count once.
Nothing is shown that was not published: unpublished sites, pending comments and other campaigns stay hidden.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from qualipref.lib import pdf
from sites.models import Site
from surveys import results as results_module
from surveys.forms import AnswerForm
from surveys.models import Campaign, CampaignSite, Highlight, Response
from surveys.services import responses as services

# Per visitor's address: a family on one phone, a waiting room behind one public address; too few for a robot.
RATE = "20/h"
# The kiosk of the hall answers all day from one address; its URL carries the campaign's secret kiosk key.
KIOSK_RATE = "300/h"
SESSION_KEY = "surveys_public_answered"
COMMENTS_SHOWN = 6
SCREEN_REFRESH_SECONDS = 300


def _rate_limited(request):
    return render(request, "surveys/public/rate_limited.html", {"title": "Trop de réponses envoyées"}, status=429)


def _campaign_and_site(pk, site_pk, channel):
    """The campaign (of individual responses, with this channel) and one of its sites; 404 otherwise, and for a
    campaign still in preparation."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("questionnaire", "prefecture"), pk=pk, kind=Campaign.Kind.RESPONSES
    )
    if campaign.status == Campaign.Status.DRAFT or channel not in (campaign.channels or []):
        raise Http404("Enquête introuvable.")
    campaign_site = get_object_or_404(CampaignSite.objects.select_related("site"), campaign=campaign, site_id=site_pk)
    if not campaign_site.site.is_active:
        raise Http404("Site fermé.")
    return campaign, campaign_site.site


def _answer(request, campaign, site, *, channel, template, done_url, extra=None):
    closed = services.campaign_closed_message(campaign, timezone.localdate())
    context = {"campaign": campaign, "site": site, **(extra or {})}
    if closed:
        context.update(title="Enquête de satisfaction", message=closed)
        return render(request, "surveys/public/closed.html", context, status=410)
    questions = list(campaign.questionnaire.questions.order_by("position").prefetch_related("options"))
    services_ = list(campaign.services.filter(site=site, is_active=True).order_by("name"))
    form = AnswerForm(request.POST or None, campaign=campaign, site=site, questions=questions, services=services_)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                response = services.response_submit(
                    campaign=campaign,
                    site=site,
                    service=form.cleaned_data.get("service"),
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    comment_consent=form.cleaned_data["comment_consent"],
                    channel=channel,
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                request.session[SESSION_KEY] = response.campaign_id
                return redirect(done_url)
        status = 400
    context.update(
        title=campaign.questionnaire.title,
        form=form,
        questions=questions,
        question_fields=form.question_fields(),
    )
    return render(request, template, context, status=status)


@login_not_required
@ratelimit(key="ip", rate=RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def survey_answer(request, pk, site_pk):
    if getattr(request, "limited", False):
        return _rate_limited(request)
    campaign, site = _campaign_and_site(pk, site_pk, Campaign.Channel.WEB)
    done_url = reverse("survey_thanks", kwargs={"pk": campaign.pk, "site_pk": site.pk})
    return _answer(
        request, campaign, site, channel=Response.Channel.WEB, template="surveys/public/answer.html", done_url=done_url
    )


@login_not_required
@require_GET
def survey_thanks(request, pk, site_pk):
    campaign, site = _campaign_and_site(pk, site_pk, Campaign.Channel.WEB)
    if request.session.get(SESSION_KEY) != campaign.pk:
        return redirect("survey_answer", pk=campaign.pk, site_pk=site.pk)
    published = CampaignSite.objects.filter(site=site, published_at__isnull=False).exists()
    return render(
        request,
        "surveys/public/thanks.html",
        {"title": "Merci pour votre réponse", "campaign": campaign, "site": site, "results_published": published},
    )


@login_not_required
@ratelimit(key="ip", rate=KIOSK_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def survey_kiosk(request, pk, site_pk, key):
    """The kiosk of the hall: after each answer, a thank-you and a blank questionnaire for the next visitor."""
    if getattr(request, "limited", False):
        return _rate_limited(request)
    campaign, site = _campaign_and_site(pk, site_pk, Campaign.Channel.KIOSK)
    if key != campaign.kiosk_key:
        raise Http404("Borne inconnue.")
    url = reverse("survey_kiosk", kwargs={"pk": campaign.pk, "site_pk": site.pk, "key": key})
    return _answer(
        request,
        campaign,
        site,
        channel=Response.Channel.KIOSK,
        template="surveys/public/kiosk.html",
        done_url=f"{url}?merci=1",
        extra={"kiosk_url": url, "thanked": request.method == "GET" and request.GET.get("merci") == "1"},
    )


# --- published results ---------------------------------------------------------------------------------------------


def _published(site_pk):
    """The site and the results of its latest published campaign (None when nothing is published)."""
    site = get_object_or_404(Site.objects.select_related("prefecture"), pk=site_pk, is_active=True)
    campaign_site = (
        CampaignSite.objects.filter(site=site, published_at__isnull=False)
        .select_related("campaign__questionnaire", "campaign__prefecture")
        .order_by("-campaign__opens_on", "-campaign__pk")
        .first()
    )
    if campaign_site is None:
        return site, None
    campaign = campaign_site.campaign
    results = results_module.campaign_results(campaign, site=site, published_only=True)
    if campaign.is_aggregated:
        services_ = sorted(
            {
                row.service
                for row in campaign.aggregated_results.filter(site=site).select_related("service__site")
                if row.service
            },
            key=lambda service: service.name,
        )
    else:
        services_ = list(campaign.services.filter(site=site).select_related("site").order_by("name"))
    by_service = [
        row
        for row in results_module.comparison(campaign, [], services=services_)
        if campaign.is_aggregated or row.responses
    ]
    highlights = list(Highlight.objects.filter(campaign=campaign, site=site).order_by("kind", "position", "pk"))
    comments = list(
        Response.objects.filter(
            campaign=campaign, site=site, comment_status=Response.CommentStatus.APPROVED, comment_consent=True
        )
        .order_by("-created_at")
        .values_list("comment", flat=True)[:COMMENTS_SHOWN]
    )
    # The local questions of the prefecture's version: shares per option, and free texts once approved (as the
    # comments, under the consent their author gave).
    local = results_module.local_results(campaign, site=site, approved_only=True, texts_limit=COMMENTS_SHOWN)
    return site, {
        "campaign": campaign,
        "local_results": [item for item in local if item.texts or (item.shares and item.answered)],
        # the hall screen and the poster show the shares only (the texts are on the results page)
        "local_shares": [item for item in local if item.shares and item.answered],
        "published_at": campaign_site.published_at,
        "results": results,
        "by_service": by_service,
        "strengths": [h for h in highlights if h.kind == Highlight.Kind.STRENGTH],
        "vigilance": [h for h in highlights if h.kind == Highlight.Kind.VIGILANCE],
        "comments": comments,
    }


def _context(request, site, published, **extra):
    return {
        "title": f"Résultats de l’enquête de satisfaction – {site.name}",
        "site": site,
        "published": published,
        "definition": results_module.DEFINITION,
        # Printed whole on the poster and the hall screen, where nobody clicks: the visitor types it.
        "complaint_url": request.build_absolute_uri(reverse("public_complaint_form")),
        **extra,
    }


@login_not_required
@require_GET
def survey_public_results(request, site_pk):
    site, published = _published(site_pk)
    return render(request, "surveys/public/results.html", _context(request, site, published))


@login_not_required
@require_GET
def survey_public_screen(request, site_pk):
    """Large type for the hall screen; its script reloads it every few minutes (a visitor may pause that)."""
    site, published = _published(site_pk)
    return render(
        request,
        "surveys/public/screen.html",
        _context(
            request,
            site,
            published,
            refresh_seconds=SCREEN_REFRESH_SECONDS,
            refresh_seconds_minutes=SCREEN_REFRESH_SECONDS // 60,
        ),
    )


@login_not_required
@require_GET
def survey_public_poster(request, site_pk):
    """The A4 PDF poster of the published results (« affichés en préfecture et sur le site Internet »)."""
    site, published = _published(site_pk)
    if published is None:
        raise Http404("Aucun résultat publié pour ce site.")
    content = pdf.render(
        "surveys/pdf/results_poster.html",
        _context(
            request,
            site,
            published,
            public_url=request.build_absolute_uri(reverse("survey_public_results", args=[site.pk])),
        ),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="resultats-enquete-site-{site.pk}.pdf"'
    return response
