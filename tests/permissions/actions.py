"""Action plans and actions in the permission matrix (see cases.py for how a row reads).

The objects are built on the world by ``action_objects``: a plan of the Bouches-du-Rhône with an action of Arles
(the referent's and agent's site), one of Arles owned by the agent, one of Istres (sister site), one for the
whole prefecture, an earlier plan with an open action (copies), and a plan of the Val-de-Marne with its action.

Rules: everyone with a role on the prefecture reads its actions (site roles: their site's and the prefecture-wide
ones), auditors see none, national administrators read everything and change nothing; quality managers change
their prefecture's actions, referents their site's, owners their own; managers only read (403 on changes).
"""

from types import SimpleNamespace

from django.core.files.base import ContentFile

from engagements.models import ActionEvidence
from tests import factories
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302
BAD_REQUEST = 400

PDF = b"%PDF-1.4\n% preuve\n"


def action_objects(world):
    """Plans, actions and evidence on the world, built once per row: its kwargs and data share them (the matrix
    gives each test its own copy of the world, whose savepoint undoes them)."""
    cached = getattr(world, "_action_objects", None)
    if cached is not None:
        return cached
    plan = factories.ActionPlanFactory(prefecture=world.prefecture, title="Plan d'action 2016")
    old_plan = factories.ActionPlanFactory(prefecture=world.prefecture, title="Plan d'action 2013")
    foreign_plan = factories.ActionPlanFactory(prefecture=world.foreign_prefecture, title="Plan d'action 94")
    own = factories.ActionFactory(plan=plan, site=world.site, title="Renouveler la signalétique du hall")
    objects = SimpleNamespace(
        plan=plan,
        old_plan=old_plan,
        foreign_plan=foreign_plan,
        own=own,
        owned=factories.ActionFactory(
            plan=plan, site=world.site, owner=world.users["agent"], title="Installer des chevalets nominatifs"
        ),
        sister=factories.ActionFactory(plan=plan, site=world.sister_site, title="Second gestionnaire de file"),
        shared=factories.ActionFactory(plan=plan, site=None, title="Plan de formation des agents d'accueil"),
        old=factories.ActionFactory(plan=old_plan, site=world.site, title="Affichage des heures d'affluence"),
        foreign=factories.ActionFactory(plan=foreign_plan, site=world.foreign_site, title="Bornes d'accueil"),
    )
    objects.evidence = ActionEvidence.objects.create(
        action=own,
        file=ContentFile(PDF, name="preuve.pdf"),
        name="preuve.pdf",
        size=len(PDF),
        content_type="application/pdf",
        uploaded_by=world.users["quality_manager"],
    )
    objects.foreign_evidence = ActionEvidence.objects.create(
        action=objects.foreign,
        file=ContentFile(PDF, name="preuve.pdf"),
        name="preuve.pdf",
        size=len(PDF),
        content_type="application/pdf",
        uploaded_by=world.users["quality_manager"],
    )
    world._action_objects = objects
    return objects


def _action(name):
    return lambda w: {"pk": getattr(action_objects(w), name).pk}


def _plan(name):
    return lambda w: {"pk": getattr(action_objects(w), name).pk}


def _evidence(action_name, evidence_name):
    def kwargs(w):
        objects = action_objects(w)
        return {"pk": getattr(objects, action_name).pk, "evidence_pk": getattr(objects, evidence_name).pk}

    return kwargs


# --- who reads ------------------------------------------------------------------------------------

READERS = expect(200, auditor=NOT_FOUND)  # an action of Arles, or of the whole prefecture
SISTER_READERS = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
NATIONAL_ONLY = expect(NOT_FOUND, national=200)

# --- who changes (pages) -------------------------------------------------------------------------

EDITORS_OWN = expect(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND)
EDITORS_OWNED = expect(FORBIDDEN, quality_manager=200, site_referent=200, agent=200, auditor=NOT_FOUND)
EDITORS_SISTER = expect(FORBIDDEN, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)


def _with(base, **overrides):
    return {**base, **overrides}


HTML_CASES = [
    Case("action_list", expect(200)),  # scoped: an auditor gets an empty list
    Case(
        "action_list",
        expect(200),
        query="?overdue=true&status=todo&status=in_progress&due_this_month=false&mine=true&ordering=-due_on",
        label="filtered",
    ),
    Case("action_list", expect(200), query="?site=999999&ordering=nimportequoi", label="bad filters"),
    Case("action_create", expect(FORBIDDEN, quality_manager=200, site_referent=200)),
    Case("action_export_csv", expect(200)),
    Case("action_export_xlsx", expect(200), query="?overdue=true"),
    Case(
        "action_bulk_status", expect(REDIRECT, national=FORBIDDEN, manager=FORBIDDEN, auditor=FORBIDDEN), method="post"
    ),
    Case("action_detail", READERS, kwargs=_action("own"), label="own"),
    Case("action_detail", READERS, kwargs=_action("shared"), label="prefecture-wide"),
    Case("action_detail", SISTER_READERS, kwargs=_action("sister"), label="sister"),
    Case("action_detail", NATIONAL_ONLY, kwargs=_action("foreign"), label="foreign"),
    Case("action_edit", EDITORS_OWN, kwargs=_action("own"), label="own"),
    Case("action_edit", EDITORS_OWNED, kwargs=_action("owned"), label="owned by the agent"),
    Case("action_edit", EDITORS_SISTER, kwargs=_action("sister"), label="sister"),
    # A prefecture-wide action is the quality manager's (and its owner's).
    Case(
        "action_edit",
        expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_action("shared"),
        label="prefecture-wide",
    ),
    Case("action_edit", FOREIGN_WRITE, kwargs=_action("foreign"), label="foreign"),
    Case("action_status", EDITORS_OWN, kwargs=_action("own"), label="own"),
    Case("action_status", FOREIGN_WRITE, kwargs=_action("foreign"), label="foreign"),
    # The matrix posts JSON: the editors reach the form, which misses its field (400).
    Case(
        "action_inline_update",
        _with(EDITORS_OWN, quality_manager=BAD_REQUEST, site_referent=BAD_REQUEST),
        kwargs=_action("own"),
        method="post",
        label="own",
    ),
    Case(
        "action_inline_update",
        _with(EDITORS_OWNED, quality_manager=BAD_REQUEST, site_referent=BAD_REQUEST, agent=BAD_REQUEST),
        kwargs=_action("owned"),
        method="post",
        label="owned by the agent",
    ),
    Case("action_inline_update", FOREIGN_WRITE, kwargs=_action("foreign"), method="post", label="foreign"),
    # « Modifier » without JavaScript: the editors go back to the list with the row open.
    Case(
        "action_inline_update",
        _with(EDITORS_OWN, quality_manager=REDIRECT, site_referent=REDIRECT),
        kwargs=_action("own"),
        label="own, opened",
    ),
    # « Annuler le changement de statut »: without a change of theirs to take back, the editors are sent back.
    Case(
        "action_status_undo",
        _with(EDITORS_OWN, quality_manager=REDIRECT, site_referent=REDIRECT),
        kwargs=_action("own"),
        method="post",
        label="own",
    ),
    Case("action_status_undo", FOREIGN_WRITE, kwargs=_action("foreign"), method="post", label="foreign"),
    Case(
        "action_comment_create",
        _with(EDITORS_OWN, quality_manager=REDIRECT, site_referent=REDIRECT),
        kwargs=_action("own"),
        method="post",
        label="own",
    ),
    Case("action_comment_create", FOREIGN_WRITE, kwargs=_action("foreign"), method="post", label="foreign"),
    Case(
        "action_evidence_create",
        _with(EDITORS_OWN, quality_manager=REDIRECT, site_referent=REDIRECT),
        kwargs=_action("own"),
        method="post",
        label="own",
    ),
    Case("action_evidence_create", FOREIGN_WRITE, kwargs=_action("foreign"), method="post", label="foreign"),
    Case("action_evidence_download", READERS, kwargs=_evidence("own", "evidence"), label="own"),
    Case("action_evidence_download", NATIONAL_ONLY, kwargs=_evidence("foreign", "foreign_evidence"), label="foreign"),
    Case(
        "action_evidence_download",
        # Another action's evidence reached through a visible action: not found, whoever asks.
        expect(NOT_FOUND),
        kwargs=_evidence("own", "foreign_evidence"),
        label="mismatched",
    ),
    Case("action_evidence_delete", EDITORS_OWN, kwargs=_evidence("own", "evidence"), label="own"),
    Case("action_evidence_delete", FOREIGN_WRITE, kwargs=_evidence("foreign", "foreign_evidence"), label="foreign"),
    Case("action_plan_list", expect(200)),
    Case("action_plan_create", expect(FORBIDDEN, quality_manager=200)),
    Case(
        "action_plan_copy",
        expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_plan("plan"),
        label="own",
    ),
    Case("action_plan_copy", FOREIGN_WRITE, kwargs=_plan("foreign_plan"), label="foreign"),
]


# --- the API ------------------------------------------------------------------------------------


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


API_READERS = api(200, auditor=NOT_FOUND)
API_NATIONAL_ONLY = api(NOT_FOUND, national=200)
API_FOREIGN_WRITE = api(NOT_FOUND, national=FORBIDDEN)

API_CASES = [
    Case("api:action-plan-list", api(200)),
    Case(
        "api:action-plan-list",
        # The prefecture is out of an auditor's sight: it "does not exist" for them (400).
        api(FORBIDDEN, quality_manager=201, auditor=BAD_REQUEST),
        method="post",
        data=lambda w: {"prefecture": w.prefecture.pk, "title": "Plan d'action 2017"},
        label="create",
    ),
    Case("api:action-plan-detail", API_READERS, kwargs=_plan("plan"), label="own"),
    Case("api:action-plan-detail", API_NATIONAL_ONLY, kwargs=_plan("foreign_plan"), label="foreign"),
    Case(
        "api:action-plan-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_plan("plan"),
        method="patch",
        data={"title": "Plan d'action 2016 (révisé)"},
        label="rename",
    ),
    Case(
        "api:action-plan-copy-open-actions",
        api(FORBIDDEN, quality_manager=201, auditor=NOT_FOUND),
        kwargs=_plan("plan"),
        method="post",
        data=lambda w: {"from_plan": action_objects(w).old_plan.pk},
        label="own",
    ),
    Case(
        "api:action-plan-copy-open-actions",
        API_FOREIGN_WRITE,
        kwargs=_plan("foreign_plan"),
        method="post",
        data=lambda w: {"from_plan": action_objects(w).foreign_plan.pk},
        label="foreign",
    ),
    Case("api:action-list", api(200)),
    Case(
        "api:action-list",
        api(200),
        query="?overdue=true&status=todo&status=in_progress&due_before=2030-01-01&ordering=-due_on",
        label="filtered",
    ),
    Case(
        "api:action-list",
        # A plan out of sight does not exist (400); a visible plan without the right to add to it: 403.
        api(FORBIDDEN, quality_manager=201, site_referent=201, auditor=BAD_REQUEST),
        method="post",
        data=lambda w: {"plan": action_objects(w).plan.pk, "title": "Plastifier les affiches", "site": w.site.pk},
        label="create",
    ),
    Case("api:action-detail", API_READERS, kwargs=_action("own"), label="own"),
    Case("api:action-detail", API_READERS, kwargs=_action("shared"), label="prefecture-wide"),
    Case(
        "api:action-detail",
        api(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_action("sister"),
        label="sister",
    ),
    Case("api:action-detail", API_NATIONAL_ONLY, kwargs=_action("foreign"), label="foreign"),
    Case(
        "api:action-detail",
        api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_action("own"),
        method="patch",
        data={"progress": 50},
        label="edit own",
    ),
    Case(
        "api:action-detail",
        api(FORBIDDEN, quality_manager=200, site_referent=200, agent=200, auditor=NOT_FOUND),
        kwargs=_action("owned"),
        method="patch",
        data={"status": "in_progress"},
        label="edit owned by the agent",
    ),
    Case(
        "api:action-detail",
        API_FOREIGN_WRITE,
        kwargs=_action("foreign"),
        method="patch",
        data={"progress": 50},
        label="edit foreign",
    ),
    Case("api:action-history", API_READERS, kwargs=_action("own"), label="own"),
    Case("api:action-history", API_NATIONAL_ONLY, kwargs=_action("foreign"), label="foreign"),
    Case(
        "api:action-bulk-status",
        # Actions out of sight are "not found" in the payload (400).
        api(FORBIDDEN, quality_manager=200, site_referent=200, auditor=BAD_REQUEST),
        method="post",
        data=lambda w: {"actions": [action_objects(w).own.pk], "status": "in_progress"},
        label="own",
    ),
]

CASES = HTML_CASES + API_CASES
