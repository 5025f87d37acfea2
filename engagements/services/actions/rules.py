"""The rules of actions: statuses and their transitions, who may own one, what a valid action is."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access
from accounts.models import Membership
from engagements.models import Action

Status = Action.Status


# todo → in_progress → done → verified; any open action → abandoned (with a reason);
# done → in_progress only on the quality manager's word (access.can_reopen_action).
TRANSITIONS = {
    Status.TODO: (Status.IN_PROGRESS, Status.ABANDONED),
    Status.IN_PROGRESS: (Status.DONE, Status.ABANDONED),
    Status.DONE: (Status.VERIFIED, Status.IN_PROGRESS),
    Status.VERIFIED: (),
    Status.ABANDONED: (),
}

# The fields an action's edit may change, in the order the API's write serializer lists them.
ACTION_FIELDS = (
    "title",
    "description",
    "site",
    "module",
    "engagement",
    "source",
    "owner",
    "due_on",
    "priority",
    "progress",
    "status",
    "abandon_reason",
    "completed_on",
    "effectiveness",
)
ACTION_EDITABLE_FIELDS = frozenset(ACTION_FIELDS)
STATUS_FIELDS = ("status", "abandon_reason", "completed_on", "effectiveness")


def _label(status):
    return Status(status).label


# --- who may own an action ------------------------------------------------------------------------


def owner_memberships(prefecture_ids):
    """Active memberships that let their user own actions of these prefectures (one query)."""
    return access.action_owner_memberships(
        Membership.objects.active().select_related("user", "site"), prefecture_ids
    ).order_by("user__last_name", "user__first_name", "user__username")


def owner_rows(prefecture_ids):
    """{user: [(role, prefecture_id, site_id, site's prefecture_id)]}: the people who may own actions of these
    prefectures, in one query, for the owner selects of a whole page (see ``eligible_owners``)."""
    rows = {}
    for membership in owner_memberships(prefecture_ids):
        row = (
            membership.role,
            membership.prefecture_id,
            membership.site_id,
            getattr(membership.site, "prefecture_id", None),
        )
        rows.setdefault(membership.user, []).append(row)
    return rows


def eligible_owners(owner_rows, *, prefecture_id, site_id):
    """The users of ``owner_rows`` who may own an action of this prefecture and site."""
    return [
        user
        for user, rows in owner_rows.items()
        if user.is_active and access.is_action_owner_ok(rows, prefecture_id=prefecture_id, site_id=site_id)
    ]


def _owner_error(owner, *, prefecture_id, site_id):
    if owner is None:
        return None
    rows = (
        Membership.objects.active()
        .filter(user=owner)
        .values_list("role", "prefecture_id", "site_id", "site__prefecture_id")
    )
    if owner.is_active and access.is_action_owner_ok(list(rows), prefecture_id=prefecture_id, site_id=site_id):
        return None
    if site_id is None:
        return (
            "Le pilote doit être le responsable qualité de la préfecture ou un référent ou agent de l'un de ses sites."
        )
    return "Le pilote doit être le responsable qualité de la préfecture ou un référent ou agent de ce site."


# --- validation shared by creation and edits --------------------------------------------------------


def _plan_referential_id(plan):
    return plan.labelling.referential_id if plan.labelling_id else None


def _check_action(action, *, plan, errors, creating, today):
    """Fill ``errors`` with what is wrong with the action's fields (site, module, engagement, dates...)."""
    if not (action.title or "").strip():
        errors.setdefault("title", "Indiquez l'intitulé de l'action.")
    if action.site is not None and action.site.prefecture_id != plan.prefecture_id:
        errors.setdefault("site", "Ce site n'appartient pas à la préfecture du plan d'action.")
    referential_id = _plan_referential_id(plan)
    if action.engagement is not None:
        if action.module is None:
            action.module = action.engagement.module
        elif action.engagement.module_id != action.module.pk:
            errors.setdefault("engagement", "Cet engagement ne relève pas du module choisi.")
        if referential_id is not None and action.engagement.referential_id != referential_id:
            errors.setdefault(
                "engagement",
                f"Cet engagement appartient à un autre référentiel que celui du cycle ({plan.labelling.referential}).",
            )
    if action.module is not None and referential_id is not None and action.module.referential_id != referential_id:
        errors.setdefault(
            "module", f"Ce module appartient à un autre référentiel que celui du cycle ({plan.labelling.referential})."
        )
    if action.due_on is not None:
        if not isinstance(action.due_on, datetime.date):
            errors.setdefault("due_on", "Indiquez une date d'échéance valide.")
        elif creating and action.due_on < today:
            errors.setdefault("due_on", "L'échéance ne peut pas être antérieure à la date de création de l'action.")
    progress = action.progress
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors.setdefault("progress", "L'avancement est un pourcentage entier compris entre 0 et 100.")
    if action.priority not in Action.Priority.values:
        errors.setdefault("priority", "Priorité inconnue.")
    if action.source not in Action.Source.values:
        errors.setdefault("source", "Origine inconnue.")


def _check_owner(action, errors):
    message = _owner_error(action.owner, prefecture_id=action.prefecture_id, site_id=action.site_id)
    if message:
        errors.setdefault("owner", message)


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- status changes -------------------------------------------------------------------------------


def allowed_statuses(user, action):
    """The statuses the user may move the action to (for the selects of the pages)."""
    allowed = []
    for status in TRANSITIONS[Status(action.status)]:
        if status == Status.VERIFIED and not access.can_verify_action(user, action):
            continue
        if action.status == Status.DONE and status == Status.IN_PROGRESS and not access.can_reopen_action(user, action):
            continue
        allowed.append(status)
    return allowed


def _apply_status(action, *, by, status, abandon_reason=None, completed_on=None, effectiveness=None, today):
    """Move the action to ``status`` on the instance; return French errors by field (empty when valid)."""
    current = Status(action.status)
    if status not in Status.values:
        return {"status": "Statut inconnu."}
    status = Status(status)
    if status == current:
        return {}
    if status not in TRANSITIONS[current]:
        possible = " ou ".join(f"« {s.label} »" for s in TRANSITIONS[current])
        hint = f" : elle peut passer à {possible}" if possible else " : son statut est définitif"
        return {"status": f"Une action « {current.label} » ne peut pas passer à « {status.label} »{hint}."}
    errors = {}
    if status == Status.VERIFIED and not access.can_verify_action(by, action):
        raise PermissionDenied("Seul le responsable qualité de la préfecture vérifie l'efficacité d'une action.")
    if current == Status.DONE and status == Status.IN_PROGRESS and not access.can_reopen_action(by, action):
        raise PermissionDenied("Seul le responsable qualité de la préfecture peut rouvrir une action réalisée.")
    if status == Status.ABANDONED:
        reason = (abandon_reason or "").strip()
        if not reason:
            errors["abandon_reason"] = "Indiquez le motif d'abandon."
        action.abandon_reason = reason
    elif status == Status.DONE:
        completed_on = completed_on or today
        if completed_on > today:
            errors["completed_on"] = "La date de réalisation ne peut pas être dans le futur."
        action.completed_on = completed_on
        action.progress = 100
    elif status == Status.VERIFIED:
        if effectiveness in (None, ""):
            errors["effectiveness"] = "Indiquez l'efficacité constatée."
        else:
            try:
                action.effectiveness = Action.Effectiveness(int(effectiveness))
            except (TypeError, ValueError):
                errors["effectiveness"] = "Efficacité inconnue."
        action.verified_by = by
        action.verified_on = today
    elif status == Status.IN_PROGRESS and current == Status.DONE:
        # Reopened: the action is no longer done, nor checked.
        action.completed_on = None
        action.effectiveness = None
        action.verified_by = None
        action.verified_on = None
    action.status = status
    return errors
