"""Satisfaction surveys: campaigns, responses typed in by agents, results, comments and their publication.

- a campaign belongs to a prefecture: its quality manager prepares, opens and closes it, records aggregated
  results and imports paper questionnaires; managers and national administrators read it; the referents and
  agents of its sites read it too (site roles see the campaigns that cover one of their sites);
- paper questionnaires are typed in by whoever works at the site (agents, referents) or the quality manager;
- results are published, points forts / points de vigilance edited and comments moderated, site by site, by the
  site's referent or the prefecture's quality manager;
- results: a prefecture's people (and national administrators) read every site's; the referents and agents of a
  site read the campaign-wide results, their own sites' and those of the other sites once published (they are
  public then), like measurements (a site's people read their site and the prefecture-wide figures):
  ``results_sites`` / ``can_see_site_results``, used by the results page, the API and every surface taking a site;
- questionnaires: the national versions are read by everyone; a prefecture's local versions are built, changed
  and published by its quality manager, read by its managers, the referents of its sites and national
  administrators (agents and auditors do not see them);
- auditors see no campaign. Public pages (questionnaire, published results) need no rule: they show only what is
  meant to be public.
"""

from django.db.models import Q

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Role

from .abilities import abilities_of
from .core import get_scope
from .engagements import can_create_action


def scope_campaigns(queryset, user):
    """Campaigns of the user's prefectures, and those covering one of their own sites."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    condition = Q(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
    own_sites = scope.site_ids(*SITE_ROLES)
    if own_sites:
        condition |= Q(pk__in=queryset.model.objects.filter(campaign_sites__site_id__in=own_sites).values("pk"))
    return queryset.filter(condition)


def can_manage_campaigns(user, prefecture):
    """Prepare, change, open and close the campaigns of a prefecture: its quality manager."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def can_manage_campaign(user, campaign):
    return campaign.prefecture_id in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def manageable_campaign_prefectures(queryset, user):
    """Prefectures whose campaigns the user prepares (the rule of ``can_manage_campaigns``, as a queryset)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


def can_enter_responses(user, campaign, site):
    """Type in a paper questionnaire of a site: its agents and referents, the prefecture's quality manager."""
    scope = get_scope(user)
    return campaign.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER) or site.pk in scope.site_ids(
        *SITE_ROLES
    )


def may_enter_responses(user, campaign):
    """Whether the user types in paper questionnaires of at least one site of the campaign (site ids from
    ``campaign.site_ids``, or one query)."""
    scope = get_scope(user)
    if campaign.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return True
    return bool(_campaign_site_ids(campaign) & scope.site_ids(*SITE_ROLES))


def entry_sites(queryset, user, campaign):
    """Sites of the campaign whose paper questionnaires the user types in (``queryset``: the campaign's sites)."""
    scope = get_scope(user)
    if campaign.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return queryset
    return queryset.filter(pk__in=scope.site_ids(*SITE_ROLES))


def can_publish_results(user, campaign, site):
    """Publish a site's results, edit its points forts / de vigilance, moderate its comments: the site's referent
    or the prefecture's quality manager."""
    scope = get_scope(user)
    return campaign.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER) or site.pk in scope.site_ids(
        Role.SITE_REFERENT
    )


def may_publish_results(user, campaign):
    """Whether the user publishes (moderates, edits the highlights of) at least one site of the campaign."""
    scope = get_scope(user)
    if campaign.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return True
    return bool(_campaign_site_ids(campaign) & scope.site_ids(Role.SITE_REFERENT))


def publishable_sites(queryset, user, campaign):
    """Sites of the campaign whose results the user publishes (``queryset``: the campaign's sites)."""
    scope = get_scope(user)
    if campaign.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return queryset
    return queryset.filter(pk__in=scope.site_ids(Role.SITE_REFERENT))


def results_sites(queryset, user, campaign):
    """Sites of the campaign whose results the user reads (``queryset``: the campaign's sites): all of them for
    its prefecture's people and national administrators; for a site's people, their own and the published ones."""
    scope = get_scope(user)
    if scope.national or campaign.prefecture_id in scope.prefecture_ids(*PREFECTURE_ROLES):
        return queryset
    published = campaign.campaign_sites.filter(published_at__isnull=False).values("site_id")
    return queryset.filter(Q(pk__in=scope.site_ids(*SITE_ROLES)) | Q(pk__in=published))


def can_see_site_results(user, campaign, site):
    """The rule of ``results_sites`` for one site of the campaign (a query only for another site's people)."""
    scope = get_scope(user)
    if scope.national or campaign.prefecture_id in scope.prefecture_ids(*PREFECTURE_ROLES):
        return True
    if site.pk in scope.site_ids(*SITE_ROLES):
        return True
    return campaign.campaign_sites.filter(site=site, published_at__isnull=False).exists()


def can_edit_highlight(user, highlight):
    """A campaign-wide point (no site) is the quality manager's; a site's, also its referent's."""
    campaign = highlight.campaign
    if highlight.site_id is None:
        return can_manage_campaign(user, campaign)
    return can_publish_results(user, campaign, highlight.site)


def can_create_survey_action(user, campaign, site=None):
    """A dimension below target proposes an action of the prefecture's action plan (accounts.access rule of
    actions: quality managers anywhere, referents on their own site)."""
    return can_create_action(user, campaign.prefecture, site)


def scope_questionnaires(queryset, user):
    """The national versions, and the local versions of the prefectures whose quality manager or manager the user
    is, or where they are the referent of a site."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    condition = Q(prefecture__isnull=True) | Q(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
    referent_sites = scope.site_ids(Role.SITE_REFERENT)
    if referent_sites:
        condition |= Q(pk__in=queryset.model.objects.filter(prefecture__sites__in=referent_sites).values("pk"))
    return queryset.filter(condition)


def can_view_questionnaire(user, questionnaire):
    """The rule of ``scope_questionnaires`` for one version (the referents' through their sites' prefecture)."""
    if questionnaire.prefecture_id is None:
        return True
    scope = get_scope(user)
    if scope.national or questionnaire.prefecture_id in scope.prefecture_ids(*PREFECTURE_ROLES):
        return True
    referent_sites = scope.site_ids(Role.SITE_REFERENT)
    return bool(referent_sites) and questionnaire.prefecture.sites.filter(pk__in=referent_sites).exists()


def may_adapt_questionnaires(user):
    """Whether the user builds local versions for at least one prefecture (no query: the user's scope)."""
    return bool(get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


def can_manage_questionnaires(user, prefecture):
    """Build, change and publish the local questionnaire versions of a prefecture: its quality manager."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def can_manage_questionnaire(user, questionnaire):
    return questionnaire.prefecture_id is not None and questionnaire.prefecture_id in get_scope(user).prefecture_ids(
        Role.QUALITY_MANAGER
    )


def _campaign_site_ids(campaign):
    """The ids of the campaign's sites: set by the views (``campaign.site_ids``), else read by ``all()`` (the
    prefetched ``campaign_sites`` of a list, or one query)."""
    ids = getattr(campaign, "site_ids", None)
    if ids is None:
        ids = {campaign_site.site_id for campaign_site in campaign.campaign_sites.all()}
        campaign.site_ids = ids
    return set(ids)


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("surveys.Campaign")
def _campaign_abilities(user, campaign):
    manage = can_manage_campaign(user, campaign)
    return {
        "update": manage,
        "delete": False,
        "open": manage and campaign.kind == "responses" and campaign.status != "open",
        "close": manage and campaign.status == "open",
        "enter_responses": campaign.kind == "responses" and may_enter_responses(user, campaign),
        "publish": may_publish_results(user, campaign),
    }


@abilities_of("surveys.Questionnaire")
def _questionnaire_abilities(user, questionnaire):
    # National versions are shipped data; a local version changes until its first answer (checked by the service).
    manage = questionnaire.prefecture_id is not None and can_manage_questionnaire(user, questionnaire)
    return {"update": manage, "delete": False, "publish": manage and questionnaire.published_on is None}
