"""Writes on what a campaign's results say and show: aggregated results of a past campaign, points forts and
points de vigilance, moderation of comments, publication of a site's results, and the action that a dimension
below target proposes for the action plan.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from surveys import results as results_module
from surveys.models import AggregatedResult, Campaign, CampaignSite, Highlight, Response
from surveys.results import dimensions_of

HIGHLIGHT_MAX_LENGTH = 300


def parse_rate(raw):
    """A rate typed in (« 51,5 », « 87 », « 87 % »): (Decimal or None, error)."""
    if raw is None:
        return None, None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().rstrip("%").strip().replace(",", ".")
        if not text:
            return None, None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None, f"« {raw} » n'est pas un pourcentage."
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        return None, f"{raw} % : un taux de satisfaction est compris entre 0 et 100 %."
    return value.quantize(Decimal("0.1")), None


@transaction.atomic
def aggregated_results_set(*, by, campaign, site, rates, service=None, answers=None) -> list[AggregatedResult]:
    """Record (replace) the rates of a site, or of one of its services, for a past campaign known only by its
    rates. ``rates``: {question code: rate in % or None to leave it out}; ``answers``: number of answers, if known."""
    if not access.can_manage_campaign(by, campaign):
        raise PermissionDenied("Seul le responsable qualité de la préfecture saisit les résultats agrégés.")
    if not campaign.is_aggregated:
        raise ValidationError("Les résultats de cette campagne se calculent à partir de ses réponses.")
    errors = {}
    if site is None or not campaign.campaign_sites.filter(site=site).exists():
        errors["site"] = "Ce site ne participe pas à cette campagne."
    elif service is not None and service.site_id != site.pk:
        errors["service"] = "Ce service n'appartient pas au site choisi."
    labels = dict(dimensions_of(campaign))
    cleaned, rate_errors = {}, []
    for code, raw in (rates or {}).items():
        if code not in labels:
            rate_errors.append(f"Question inconnue : « {code} ».")
            continue
        value, error = parse_rate(raw)
        if error:
            rate_errors.append(f"{labels[code]} : {error}")
        elif value is not None:
            cleaned[code] = value
    if rate_errors:
        errors["rates"] = rate_errors
    if answers is not None and (isinstance(answers, bool) or not isinstance(answers, int) or answers < 1):
        errors["answers"] = "Le nombre de réponses est un entier positif."
    if errors:
        raise ValidationError(errors)
    existing = AggregatedResult.objects.filter(campaign=campaign, site=site, service=service)
    for row in existing:
        row._history_user = by
        row.delete()
    created = []
    for code, value in cleaned.items():
        row = AggregatedResult(
            campaign=campaign, site=site, service=service, question_code=code, rate=value, answers=answers
        )
        row._history_user = by
        row.save()
        created.append(row)
    return created


# --- points forts and points de vigilance ---------------------------------------------------------------------


def _check_highlight_scope(by, campaign, site):
    if site is None:
        if not access.can_manage_campaign(by, campaign):
            raise PermissionDenied("Les points de toute la campagne sont rédigés par le responsable qualité.")
    else:
        if not campaign.campaign_sites.filter(site=site).exists():
            raise ValidationError({"site": "Ce site ne participe pas à cette campagne."})
        if not access.can_publish_results(by, campaign, site):
            raise PermissionDenied("Vous ne pouvez pas modifier les points de ce site.")


@transaction.atomic
def highlights_propose(*, by, campaign, site=None) -> list[Highlight]:
    """Replace the points of the campaign (or of one of its sites) by those its results propose: best dimensions
    at or above target, worst below target."""
    _check_highlight_scope(by, campaign, site)
    results = results_module.campaign_results(campaign, site=site, compare=False)
    if not results.has_rates:
        raise ValidationError("Pas encore de résultat : aucun point à proposer.")
    for highlight in Highlight.objects.filter(campaign=campaign, site=site):
        highlight._history_user = by
        highlight.delete()
    created = []
    for position, (kind, code, text) in enumerate(results_module.propose_highlights(results)):
        highlight = Highlight(
            campaign=campaign, site=site, kind=kind, question_code=code, text=text, position=position, updated_by=by
        )
        highlight._history_user = by
        highlight.save()
        created.append(highlight)
    return created


def _clean_text(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Écrivez le texte du point."})
    if len(text) > HIGHLIGHT_MAX_LENGTH:
        raise ValidationError({"text": f"Le texte dépasse {HIGHLIGHT_MAX_LENGTH} caractères."})
    return text


@transaction.atomic
def highlight_add(*, by, campaign, kind, text, site=None) -> Highlight:
    _check_highlight_scope(by, campaign, site)
    if kind not in Highlight.Kind.values:
        raise ValidationError({"kind": "Point fort ou point de vigilance ?"})
    last = Highlight.objects.filter(campaign=campaign, site=site, kind=kind).order_by("-position").first()
    highlight = Highlight(
        campaign=campaign,
        site=site,
        kind=kind,
        text=_clean_text(text),
        position=(last.position + 1) if last else 0,
        updated_by=by,
    )
    highlight._history_user = by
    highlight.save()
    return highlight


@transaction.atomic
def highlight_update(*, by, highlight, text) -> Highlight:
    if not access.can_edit_highlight(by, highlight):
        raise PermissionDenied("Vous ne pouvez pas modifier ce point.")
    highlight.text = _clean_text(text)
    highlight.updated_by = by
    highlight._history_user = by
    highlight.save()
    return highlight


@transaction.atomic
def highlight_delete(*, by, highlight) -> None:
    if not access.can_edit_highlight(by, highlight):
        raise PermissionDenied("Vous ne pouvez pas supprimer ce point.")
    highlight._history_user = by
    highlight.delete()


# --- comments ----------------------------------------------------------------------------------------------------


@transaction.atomic
def comment_moderate(*, by, response, decision) -> Response:
    """Approve (publishable, anonymously) or reject a comment and the free texts of the response's local
    questions (given under the same consent, moderated together); a decision may be changed."""
    if not access.can_publish_results(by, response.campaign, response.site):
        raise PermissionDenied("Vous ne pouvez pas modérer les commentaires de ce site.")
    texts = response.answers.exclude(text="")
    if response.comment_status == Response.CommentStatus.NONE and not texts.exists():
        raise ValidationError("Cette réponse n'a pas de commentaire.")
    if decision not in (Response.CommentStatus.APPROVED, Response.CommentStatus.REJECTED):
        raise ValidationError({"decision": "Décision inconnue : publier ou écarter."})
    if response.comment_status != Response.CommentStatus.NONE:
        response.comment_status = decision
    texts.update(text_status=decision)
    response.moderated_by = by
    response.save(update_fields=["comment_status", "moderated_by", "updated_at"])
    return response


# --- publication -------------------------------------------------------------------------------------------------


@transaction.atomic
def results_publish(*, by, campaign, site, publish=True) -> CampaignSite:
    """Publish (or withdraw) a site's results: its rates, its points and its approved comments appear on the
    public pages (website, hall screen, poster)."""
    campaign_site = CampaignSite.objects.select_for_update().filter(campaign=campaign, site=site).first()
    if campaign_site is None:
        raise ValidationError({"site": "Ce site ne participe pas à cette campagne."})
    if not access.can_publish_results(by, campaign, site):
        raise PermissionDenied("Seuls le référent du site et le responsable qualité publient ses résultats.")
    if publish:
        if campaign.status == Campaign.Status.DRAFT:
            raise ValidationError("Une campagne en préparation n'a pas de résultats à publier.")
        if not results_module.site_has_results(campaign, site):
            raise ValidationError(f"{site.name} n'a pas encore de résultat à publier.")
        campaign_site.published_at = timezone.now()
        campaign_site.published_by = by
    else:
        campaign_site.published_at = None
        campaign_site.published_by = None
    campaign_site._history_user = by
    campaign_site.save()
    return campaign_site


# --- actions of the action plan ----------------------------------------------------------------------------------


def campaign_create_action(*, by, campaign, question_code, title, site=None, **fields):
    """A dimension below target becomes an action of the prefecture's current action plan (source « enquête de
    satisfaction », linked to the campaign), through engagements.services.actions."""
    from engagements.models import Action
    from engagements.services.actions import action_create_from_source

    labels = dict(dimensions_of(campaign))
    if question_code not in labels:
        raise ValidationError({"question_code": "Dimension inconnue."})
    if site is not None and not campaign.campaign_sites.filter(site=site).exists():
        raise ValidationError({"site": "Ce site ne participe pas à cette campagne."})
    if not access.can_create_survey_action(by, campaign, site):
        raise PermissionDenied("Seuls le responsable qualité et le référent du site créent des actions.")
    return action_create_from_source(
        by=by,
        source_object=campaign,
        source=Action.Source.SURVEY,
        prefecture=campaign.prefecture,
        title=title,
        site=site,
        **fields,
    )


def actions_of(campaign, user):
    """The actions created from the campaign that the user may see."""
    from engagements.models import Action

    return Action.objects.for_user(user).from_source(campaign).select_related("site").order_by("pk")
