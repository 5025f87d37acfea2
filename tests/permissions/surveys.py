"""Satisfaction surveys: campaigns' pages, the public questionnaire and results, and the API.

A campaign belongs to a prefecture: its quality manager prepares it; managers and national administrators read it;
the referents and agents of its sites read it, type in paper questionnaires (agents and referents of the site) and
publish / moderate their site (referents); auditors see no campaign (404). Public pages need no login. The "own"
campaign covers Arles (the referent's and agent's site) and Istres; the "sister" one, Istres only.
"""

from surveys.models import Highlight
from surveys.services import publication
from tests.permissions.cases import API_ANONYMOUS, Case, expect
from tests.surveys.factories import CampaignFactory, add_response

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302
GONE = 410


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def public(default):
    return expect(default, anonymous=default)


# --- objects of the rows (created once per row, before its roles' requests) -----------------------------------


def _own_campaign(w):
    return CampaignFactory(prefecture=w.prefecture, sites=[w.site, w.sister_site], services=[w.service])


def _own(w):
    return {"pk": _own_campaign(w).pk}


def _sister(w):
    return {"pk": CampaignFactory(prefecture=w.prefecture, sites=[w.sister_site]).pk}


def _foreign(w):
    return {"pk": CampaignFactory(prefecture=w.foreign_prefecture, sites=[w.foreign_site]).pk}


def _own_aggregated(w):
    return {"pk": CampaignFactory(prefecture=w.prefecture, sites=[w.site], aggregated=True).pk}


def _own_site(w, **extra):
    return {"pk": _own_campaign(w).pk, "site_pk": w.site.pk, **extra}


def _foreign_site(w, **extra):
    campaign = CampaignFactory(prefecture=w.foreign_prefecture, sites=[w.foreign_site])
    return {"pk": campaign.pk, "site_pk": w.foreign_site.pk, **extra}


def _own_highlight(w):
    campaign = _own_campaign(w)
    highlight = Highlight.objects.create(campaign=campaign, site=w.site, kind="strength", text="Accueil courtois.")
    return {"pk": campaign.pk, "highlight_pk": highlight.pk}


def _own_comment(w):
    campaign = _own_campaign(w)
    response = add_response(campaign, w.site, {"courtesy": 4}, comment="Très bon accueil.")
    return {"pk": campaign.pk, "response_pk": response.pk}


def _kiosk(w):
    campaign = _own_campaign(w)
    return {"pk": campaign.pk, "site_pk": w.site.pk, "key": campaign.kiosk_key}


def _published_site(w):
    campaign = _own_campaign(w)
    add_response(campaign, w.site, {"courtesy": 4})
    qm = w.memberships["quality_manager"].user
    publication.results_publish(by=qm, campaign=campaign, site=w.site)
    return {"site_pk": w.site.pk}


def _questionnaire(w):
    from surveys.questionnaires import default_questionnaire

    return {"pk": default_questionnaire().pk}


def _local_version(prefecture, membership):
    from surveys.questionnaires import default_questionnaire
    from surveys.services import questionnaires

    return questionnaires.version_create(by=membership.user, prefecture=prefecture, based_on=default_questionnaire())


def _own_version(w):
    """A local questionnaire version of the prefecture, in preparation."""
    return {"pk": _local_version(w.prefecture, w.memberships["quality_manager"]).pk}


def _foreign_version(w):
    return {"pk": _local_version(w.foreign_prefecture, w.foreign_membership).pk}


def _own_version_question(w):
    version = _local_version(w.prefecture, w.memberships["quality_manager"])
    return {"pk": version.pk, "question_pk": version.questions.get(code="courtesy").pk}


def _own_local_question(w):
    """A local question (« parking ») of a version of the prefecture, in preparation."""
    from surveys.services import questionnaires

    membership = w.memberships["quality_manager"]
    version = _local_version(w.prefecture, membership)
    questionnaires.question_add(
        by=membership.user,
        questionnaire=version,
        code="parking",
        label="Stationnement",
        text="Garé(e) ?",
        kind="yes_no",
    )
    return {"pk": version.pk, "code": "parking"}


def _foreign_version_question(w):
    version = _local_version(w.foreign_prefecture, w.foreign_membership)
    return {"pk": version.pk, "question_pk": version.questions.get(code="courtesy").pk}


# --- who gets what ------------------------------------------------------------------------------------------------

READERS = expect(200, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)
# a prefecture's local questionnaire versions: its quality manager, managers and site referents, national admins
VERSION_READERS = expect(NOT_FOUND, national=200, quality_manager=200, manager=200, site_referent=200)
# changed by its quality manager only; the other readers get a 403, those who do not see it a 404
VERSION_EDIT = expect(NOT_FOUND, national=FORBIDDEN, quality_manager=200, manager=FORBIDDEN, site_referent=FORBIDDEN)
QM_ONLY = expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND)
ENTRY = expect(FORBIDDEN, quality_manager=200, site_referent=200, agent=200, auditor=NOT_FOUND)
PUBLISHERS = expect(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND)

HTML_CASES = [
    Case("campaign_list", expect(200)),  # scoped: an auditor gets an empty list
    Case("campaign_create", expect(FORBIDDEN, quality_manager=200)),
    Case("questionnaire_list", expect(200)),
    Case("questionnaire_detail", expect(200), kwargs=_questionnaire),
    Case("questionnaire_detail", VERSION_READERS, kwargs=_own_version, label="local version"),
    Case("questionnaire_detail", FOREIGN_READ, kwargs=_foreign_version, label="foreign local version"),
    Case("questionnaire_create", expect(FORBIDDEN, quality_manager=200)),
    Case("questionnaire_edit", VERSION_EDIT, kwargs=_own_version, label="own"),
    Case("questionnaire_edit", FOREIGN_WRITE, kwargs=_foreign_version, label="foreign"),
    Case("questionnaire_edit", expect(FORBIDDEN), kwargs=_questionnaire, label="national"),
    Case(
        "questionnaire_question",
        {**VERSION_EDIT, "quality_manager": REDIRECT},
        kwargs=_own_version_question,
        method="post",
        data={"action": "down"},
        label="own",
    ),
    Case(
        "questionnaire_question",
        FOREIGN_WRITE,
        kwargs=_foreign_version_question,
        method="post",
        data={"action": "down"},
        label="foreign",
    ),
    Case(
        "questionnaire_publish",
        {**VERSION_EDIT, "quality_manager": REDIRECT},
        kwargs=_own_version,
        method="post",
        label="own",
    ),
    Case("questionnaire_publish", FOREIGN_WRITE, kwargs=_foreign_version, method="post", label="foreign"),
    Case("questionnaire_publish", expect(405), kwargs=_own_version, label="GET"),
    Case("questionnaire_preview", expect(200), kwargs=_questionnaire, label="national"),
    Case("questionnaire_preview", VERSION_READERS, kwargs=_own_version, label="own"),
    Case("questionnaire_preview", FOREIGN_READ, kwargs=_foreign_version, label="foreign"),
    Case("campaign_detail", READERS, kwargs=_own, label="own"),
    Case(
        "campaign_detail",
        expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister,
        label="sister",
    ),
    Case("campaign_detail", FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("campaign_edit", QM_ONLY, kwargs=_own, label="own"),
    Case("campaign_edit", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case(
        "campaign_status",
        expect(FORBIDDEN, quality_manager=REDIRECT, auditor=NOT_FOUND),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case("campaign_status", expect(NOT_FOUND, national=FORBIDDEN), kwargs=_foreign, method="post", label="foreign"),
    Case("campaign_status", expect(405), kwargs=_own, label="GET"),
    Case("campaign_entry", ENTRY, kwargs=_own, label="own"),
    Case(
        "campaign_entry",
        expect(FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister,
        label="sister",
    ),
    Case("campaign_entry", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("campaign_import", ENTRY, kwargs=_own, label="own"),
    Case("campaign_import", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("campaign_aggregated", QM_ONLY, kwargs=_own_aggregated, label="aggregated"),
    Case(
        "campaign_aggregated",
        expect(FORBIDDEN, quality_manager=REDIRECT, auditor=NOT_FOUND),
        kwargs=_own,
        label="of responses",
    ),
    Case("campaign_qr", READERS, kwargs=lambda w: _own_site(w, fmt="svg"), label="svg"),
    Case("campaign_qr", READERS, kwargs=lambda w: _own_site(w, fmt="png"), label="png"),
    Case("campaign_qr", FOREIGN_READ, kwargs=lambda w: _foreign_site(w, fmt="svg"), label="foreign"),
    Case("campaign_poster", READERS, kwargs=_own_site, label="own"),
    Case("campaign_poster", FOREIGN_READ, kwargs=_foreign_site, label="foreign"),
    Case("campaign_results", READERS, kwargs=_own, label="own"),
    Case("campaign_results", expect(NOT_FOUND), kwargs=_own, query="?site=0", label="unknown site"),
    Case("campaign_results", FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case(
        "campaign_highlights_propose",
        # No answer yet: the quality manager is told so on the results page.
        expect(FORBIDDEN, quality_manager=REDIRECT, auditor=NOT_FOUND),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case(
        "campaign_highlights_propose",
        expect(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign,
        method="post",
        label="foreign",
    ),
    Case(
        "campaign_highlight_add",
        expect(FORBIDDEN, quality_manager=REDIRECT, auditor=NOT_FOUND),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case("campaign_highlight_edit", PUBLISHERS, kwargs=_own_highlight, label="own"),
    Case(
        "campaign_highlight_edit",
        expect(FORBIDDEN, quality_manager=REDIRECT, site_referent=REDIRECT, auditor=NOT_FOUND),
        kwargs=_own_highlight,
        method="post",
        label="POST own",
    ),
    Case("campaign_comments", PUBLISHERS, kwargs=_own, label="own"),
    Case("campaign_comments", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case(
        "campaign_comment_moderate",
        # A decision is required: without one, 400 for those who moderate.
        expect(FORBIDDEN, quality_manager=400, site_referent=400, auditor=NOT_FOUND),
        kwargs=_own_comment,
        method="post",
        label="own",
    ),
    Case(
        "campaign_publish",
        expect(FORBIDDEN, quality_manager=400, site_referent=400, auditor=NOT_FOUND),
        kwargs=_own,
        method="post",
        label="own without site",
    ),
    Case("campaign_publish", expect(NOT_FOUND, national=FORBIDDEN), kwargs=_foreign, method="post", label="foreign"),
    Case(
        "campaign_action_create",
        # Prefecture-wide actions are the quality manager's (accounts.access.can_create_action).
        QM_ONLY,
        kwargs=_own,
        query="?question=waiting_time",
        label="own, prefecture-wide",
    ),
    Case("campaign_action_create", FOREIGN_WRITE, kwargs=_foreign, query="?question=waiting_time", label="foreign"),
    # Public pages: no login, the same for everyone.
    Case("survey_answer", public(200), kwargs=_own_site, label="own"),
    Case("survey_answer", public(200), kwargs=_foreign_site, label="foreign"),
    Case(
        "survey_answer",
        public(NOT_FOUND),
        kwargs=lambda w: {"pk": _own_campaign(w).pk, "site_pk": w.foreign_site.pk},
        label="site outside",
    ),
    Case(
        "survey_answer",
        public(GONE),
        kwargs=lambda w: {
            "pk": CampaignFactory(prefecture=w.prefecture, sites=[w.site], closed=True).pk,
            "site_pk": w.site.pk,
        },
        label="closed",
    ),
    Case("survey_thanks", public(REDIRECT), kwargs=_own_site),
    Case("survey_kiosk", public(200), kwargs=_kiosk),
    Case("survey_kiosk", public(NOT_FOUND), kwargs=lambda w: {**_own_site(w), "key": "devine"}, label="wrong key"),
    Case("survey_public_results", public(200), kwargs=lambda w: {"site_pk": w.site.pk}, label="nothing published"),
    Case("survey_public_results", public(200), kwargs=_published_site, label="published"),
    Case("survey_public_screen", public(200), kwargs=_published_site),
    Case("survey_public_poster", public(NOT_FOUND), kwargs=lambda w: {"site_pk": w.site.pk}, label="nothing published"),
    Case("survey_public_poster", public(200), kwargs=_published_site, label="published"),
]

ANSWER = lambda w: {"site": w.site.pk, "answers": {"conditions": 4, "waiting_time": None}}  # noqa: E731

API_CASES = [
    Case("api:survey-list", api(200)),
    Case("api:survey-list", api(200), query="?status=open&year=2026&questionnaire=users", label="filtered"),
    Case(
        "api:survey-list",
        # For an auditor the prefecture is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, quality_manager=201, auditor=400),
        method="post",
        data=lambda w: {
            "prefecture": w.prefecture.pk,
            "questionnaire": _questionnaire(w)["pk"],
            "title": "Enquête de printemps",
            "sites": [w.site.pk],
            "opens_on": "2026-05-04",
            "closes_on": "2026-06-30",
            "channels": ["web", "paper"],
        },
        label="create",
    ),
    Case("api:survey-detail", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:survey-detail", api(NOT_FOUND, national=200), kwargs=_foreign, label="foreign"),
    Case(
        "api:survey-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_own,
        method="patch",
        data={"title": "Enquête de satisfaction (printemps)"},
        label="edit own",
    ),
    Case(
        "api:survey-detail",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign,
        method="patch",
        data={"status": "closed"},
        label="edit foreign",
    ),
    # Answering needs no login while the campaign is open, whatever the campaign's prefecture.
    Case("api:survey-responses", public(201), kwargs=_own, method="post", data=ANSWER, label="own"),
    Case(
        "api:survey-responses",
        public(201),
        kwargs=_foreign,
        method="post",
        data=lambda w: {"site": w.foreign_site.pk, "answers": {"conditions": 2}},
        label="foreign",
    ),
    Case(
        "api:survey-responses",
        public(400),
        kwargs=_foreign,
        method="post",
        data=ANSWER,
        label="site of another prefecture",
    ),
    Case("api:survey-responses", public(405), kwargs=_own, label="GET"),
    Case("api:survey-results", api(200, auditor=NOT_FOUND), kwargs=_own, label="own"),
    Case("api:survey-results", api(400, auditor=NOT_FOUND), kwargs=_own, query="?site=0", label="unknown site"),
    Case("api:survey-results", api(NOT_FOUND, national=200), kwargs=_foreign, label="foreign"),
    Case("api:questionnaire-list", api(200)),
    Case(
        "api:questionnaire-list",
        api(FORBIDDEN, quality_manager=201),
        method="post",
        data=lambda w: {"prefecture": w.prefecture.pk, "based_on": _questionnaire(w)["pk"]},
        label="create a version",
    ),
    Case(
        "api:questionnaire-questions",
        api(NOT_FOUND, national=FORBIDDEN, quality_manager=201, manager=FORBIDDEN, site_referent=FORBIDDEN),
        kwargs=_own_version,
        method="post",
        data={"code": "parking", "label": "Stationnement", "text": "Garé(e) ?", "kind": "yes_no"},
        label="own",
    ),
    Case(
        "api:questionnaire-questions",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign_version,
        method="post",
        data={"code": "parking", "label": "Stationnement", "text": "Garé(e) ?", "kind": "yes_no"},
        label="foreign",
    ),
    Case(
        "api:questionnaire-question-move",
        api(NOT_FOUND, national=FORBIDDEN, quality_manager=200, manager=FORBIDDEN, site_referent=FORBIDDEN),
        kwargs=lambda w: {**_own_version(w), "code": "courtesy"},
        method="post",
        data={"direction": "down"},
        label="own",
    ),
    Case(
        "api:questionnaire-question-move",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=lambda w: {**_foreign_version(w), "code": "courtesy"},
        method="post",
        data={"direction": "down"},
        label="foreign",
    ),
    Case(
        "api:questionnaire-question-remove",
        api(NOT_FOUND, national=FORBIDDEN, quality_manager=200, manager=FORBIDDEN, site_referent=FORBIDDEN),
        kwargs=_own_local_question,
        method="delete",
        label="own local question",
    ),
    Case(
        "api:questionnaire-question-remove",
        api(NOT_FOUND, national=FORBIDDEN, quality_manager=400, manager=FORBIDDEN, site_referent=FORBIDDEN),
        kwargs=lambda w: {**_own_version(w), "code": "courtesy"},
        method="delete",
        label="national dimension",
    ),
    Case(
        "api:questionnaire-question-remove",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=lambda w: {**_foreign_version(w), "code": "courtesy"},
        method="delete",
        label="foreign",
    ),
    Case(
        "api:questionnaire-publish",
        api(NOT_FOUND, national=FORBIDDEN, quality_manager=200, manager=FORBIDDEN, site_referent=FORBIDDEN),
        kwargs=_own_version,
        method="post",
        label="own",
    ),
    Case(
        "api:questionnaire-publish",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign_version,
        method="post",
        label="foreign",
    ),
    Case("api:questionnaire-detail", api(200), kwargs=_questionnaire),
    Case(
        "api:questionnaire-detail",
        api(NOT_FOUND, national=200, quality_manager=200, manager=200, site_referent=200),
        kwargs=_own_version,
        label="local version",
    ),
    Case(
        "api:questionnaire-detail", api(NOT_FOUND, national=200), kwargs=_foreign_version, label="foreign local version"
    ),
]

CASES = HTML_CASES + API_CASES
