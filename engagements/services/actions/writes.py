"""Actions: creation (also from another app's object), edits, bulk status changes, copies to a new plan."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import access
from engagements.models import Action, Engagement, Module
from qualipref.lib import data_version
from qualipref.lib.dates import short_date
from qualipref.lib.models import refuse_other_fields, save_with_history

from .plans import current_plan
from .rules import (
    ACTION_EDITABLE_FIELDS,
    STATUS_FIELDS,
    _apply_status,
    _check_action,
    _check_owner,
    _plan_referential_id,
    _raise,
)

Status = Action.Status


# --- actions --------------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    by,
    plan,
    title,
    site=None,
    module=None,
    engagement=None,
    description="",
    source=Action.Source.OTHER,
    source_object=None,
    owner=None,
    due_on=None,
    priority=Action.Priority.NORMAL,
) -> Action:
    """A new action (« à lancer ») of a plan, on one of its prefecture's sites or prefecture-wide."""
    prefecture = plan.prefecture
    if not access.can_create_action(by, prefecture, site):
        if site is None:
            raise PermissionDenied("Seul le responsable qualité crée des actions communes à toute la préfecture.")
        raise PermissionDenied("Vous ne pouvez pas créer d'action pour ce site.")
    today = timezone.localdate()
    action = Action(
        plan=plan,
        prefecture=prefecture,
        site=site,
        module=module,
        engagement=engagement,
        title=(title or "").strip(),
        description=(description or "").strip(),
        source=source or Action.Source.OTHER,
        owner=owner,
        due_on=due_on,
        priority=priority or Action.Priority.NORMAL,
        created_by=by,
    )
    if source_object is not None:
        action.source_type = ContentType.objects.get_for_model(source_object)
        action.source_id = source_object.pk
    errors = {}
    _check_action(action, plan=plan, errors=errors, creating=True, today=today)
    _check_owner(action, errors)
    _raise(errors)
    action._history_user = by
    action.save()
    return action


@transaction.atomic
def action_create_from_source(*, by, source_object, source, prefecture, title, plan=None, **fields) -> Action:
    """An action born from an audit finding, a complaint, a survey, a meeting...: linked to its source.

    The caller says what the source is (``source``: an ``Action.Source``) and its prefecture: engagements do not
    know the models of the apps built on them. The plan defaults to the prefecture's current plan; the site and the
    engagement default to the source's own when it has them.
    """
    if source not in Action.Source.values:
        raise ValidationError({"source": "Indiquez l'origine de l'action."})
    if plan is None:
        plan = current_plan(prefecture)
        if plan is None:
            raise ValidationError(
                {"plan": "Cette préfecture n'a pas encore de plan d'action : le responsable qualité doit en créer un."}
            )
    elif prefecture.pk != plan.prefecture_id:
        raise ValidationError(
            {"plan": "L'origine de l'action et le plan d'action relèvent de préfectures différentes."}
        )
    for name in ("site", "engagement"):
        if name not in fields and getattr(source_object, f"{name}_id", None) is not None:
            fields[name] = getattr(source_object, name)
    return action_create(by=by, plan=plan, title=title, source=source, source_object=source_object, **fields)


@transaction.atomic
def action_update(*, by, action, **fields) -> Action:
    """Change fields of an action, its status included (the transitions of ``TRANSITIONS``).

    A status change takes its own inputs: ``abandon_reason`` (abandoned), ``completed_on`` (done, today by
    default), ``effectiveness`` (verified, by the quality manager). On any error the action is left as it was,
    in the database and on the instance.
    """
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas modifier cette action.")
    refuse_other_fields(fields, ACTION_EDITABLE_FIELDS)
    try:
        return _update(by=by, action=action, fields=fields)
    except (ValidationError, PermissionDenied):
        action.refresh_from_db()
        raise


def _update(*, by, action, fields):
    today = timezone.localdate()
    created_on = timezone.localdate(action.created_at) if action.created_at else today
    status_inputs = {name: fields.pop(name) for name in STATUS_FIELDS if name in fields}
    previous = {name: getattr(action, name) for name in ("site_id", "owner_id", "due_on", "source", "completed_on")}
    errors = {}
    for name, value in fields.items():
        if isinstance(value, str) and name in ("title", "description"):
            value = value.strip()
        setattr(action, name, value)
    if "engagement" in fields and "module" not in fields and action.engagement is not None:
        action.module = action.engagement.module
    if action.source != previous["source"] and action.source_type_id is not None:
        errors["source"] = "L'origine d'une action créée depuis un constat, une réclamation ou une enquête est fixe."
    status = status_inputs.pop("status", None)
    if status is not None:
        errors.update(_apply_status(action, by=by, status=status, today=today, **status_inputs))
    else:
        # Inputs of the current status, edited on their own.
        if "abandon_reason" in status_inputs and action.status == Status.ABANDONED:
            action.abandon_reason = (status_inputs["abandon_reason"] or "").strip()
            if not action.abandon_reason:
                errors["abandon_reason"] = "Indiquez le motif d'abandon."
        if "completed_on" in status_inputs and action.status in (Status.DONE, Status.VERIFIED):
            action.completed_on = status_inputs["completed_on"]
            if action.completed_on is None:
                errors["completed_on"] = "Indiquez la date de réalisation."
            elif action.completed_on > today:
                errors["completed_on"] = "La date de réalisation ne peut pas être dans le futur."
    completion_changed = action.completed_on != previous["completed_on"] and action.completed_on is not None
    if completion_changed and action.completed_on < created_on:
        errors.setdefault(
            "completed_on",
            f"La date de réalisation ne peut pas précéder la création de l'action ({short_date(created_on)}).",
        )
    if "progress" in fields and action.status in (Status.DONE, Status.VERIFIED) and action.progress != 100:
        errors.setdefault("progress", "Une action réalisée est avancée à 100 %.")
    _check_action(action, plan=action.plan, errors=errors, creating=False, today=today)
    if action.due_on != previous["due_on"] and isinstance(action.due_on, datetime.date) and action.due_on < created_on:
        errors.setdefault(
            "due_on", f"L'échéance ne peut pas précéder la création de l'action ({short_date(created_on)})."
        )
    if action.site_id != previous["site_id"] and not access.can_create_action(by, action.plan.prefecture, action.site):
        errors.setdefault("site", "Vous ne pouvez pas rattacher l'action à ce site.")
    if action.owner_id != previous["owner_id"] or action.site_id != previous["site_id"]:
        _check_owner(action, errors)
    _raise(errors)
    action._history_user = by
    action.save()
    return action


# An inline status change can be taken back by its author for this long, as long as nothing changed since;
# later, a done action goes back to « en cours » on the quality manager's word only (access.can_reopen_action).
STATUS_UNDO_SECONDS = 15 * 60
STATUS_UNDO_FIELDS = (
    "status",
    "progress",
    "abandon_reason",
    "completed_on",
    "effectiveness",
    "verified_by_id",
    "verified_on",
)
STATUS_UNDO_REASON = "Annulation d'un changement de statut"


def status_change_to_undo(*, by, action, now=None):
    """The history row of the status change ``by`` may still take back on ``action`` (the latest change of the
    action, made by them less than STATUS_UNDO_SECONDS ago, which changed its status), or None."""
    records = list(action.history.order_by("-history_date", "-history_id")[:2])
    if len(records) < 2:
        return None
    latest, previous = records
    now = now or timezone.now()
    if (
        latest.history_user_id != by.pk
        or latest.status == previous.status
        or latest.history_change_reason == STATUS_UNDO_REASON
        or (now - latest.history_date).total_seconds() > STATUS_UNDO_SECONDS
    ):
        return None
    return latest


@transaction.atomic
def action_status_undo(*, by, action, history_id) -> Action:
    """Take back a mistaken status change (« Réalisée » chosen by mistake, for instance): the status and what
    came with it (progress, dates, reason, effectiveness) are those before the change, and the history says so.

    Only the author of the change, within STATUS_UNDO_SECONDS, and only if the action did not change since
    (``history_id`` is the change they saw): anything else is refused with its reason, nothing is overwritten."""
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas modifier cette action.")
    action = Action.objects.select_for_update().get(pk=action.pk)
    latest = status_change_to_undo(by=by, action=action)
    if latest is None or str(latest.history_id) != str(history_id):
        raise ValidationError(
            {
                "status": "Ce changement de statut ne peut plus être annulé (délai dépassé ou action modifiée "
                "depuis) : demandez au responsable qualité de rouvrir l'action si besoin."
            }
        )
    previous = latest.prev_record
    for name in STATUS_UNDO_FIELDS:
        setattr(action, name, getattr(previous, name))
    return save_with_history(action, by=by, reason=STATUS_UNDO_REASON)


@transaction.atomic
def actions_bulk_status(
    *, by, action_ids, status, abandon_reason="", completed_on=None, effectiveness=None
) -> list[Action]:
    """Move several actions to one status: all of them or none (one query to fetch them, one to write them
    and one for their history rows). Returns the actions that changed."""
    try:
        ids = sorted({int(pk) for pk in action_ids})
    except (TypeError, ValueError):
        raise ValidationError("Identifiants d'actions invalides.") from None
    if not ids:
        raise ValidationError("Cochez au moins une action.")
    if status not in Status.values:
        raise ValidationError({"status": "Statut inconnu."})
    actions = list(Action.objects.for_user(by).filter(pk__in=ids).order_by("pk"))
    missing = set(ids) - {action.pk for action in actions}
    if missing:
        raise ValidationError(f"Actions introuvables : n° {', '.join(str(pk) for pk in sorted(missing))}.")
    refused = [action for action in actions if not access.can_edit_action(by, action)]
    if refused:
        titles = " ; ".join(f"« {action.title} »" for action in refused[:5])
        raise PermissionDenied(f"Vous ne pouvez pas modifier : {titles}.")
    today = timezone.localdate()
    errors, changed = [], []
    for action in actions:
        if action.status == status:
            continue
        problems = _apply_status(
            action,
            by=by,
            status=status,
            abandon_reason=abandon_reason,
            completed_on=completed_on,
            effectiveness=effectiveness,
            today=today,
        )
        if problems:
            errors.extend(f"« {action.title} » : {message}" for message in dict.fromkeys(problems.values()))
        else:
            changed.append(action)
    if errors:
        raise ValidationError(errors)
    if changed:
        now = timezone.now()
        for action in changed:
            action.updated_at = now
        bulk_update_with_history(
            changed,
            Action,
            fields=[
                "status",
                "abandon_reason",
                "progress",
                "completed_on",
                "effectiveness",
                "verified_by",
                "verified_on",
                "updated_at",
            ],
            default_user=by,
            default_change_reason="Changement de statut groupé",
        )
        data_version.bump()  # a bulk update sends no signal: the dashboards must not keep the old statuses
    return changed


@transaction.atomic
def actions_copy_open_to_plan(*, by, from_plan, to_plan) -> list[Action]:
    """Carry the open actions of a plan over to another plan of the same prefecture (a new cycle).

    The copies keep their site, owner, due date, status, progress and source; their module and engagement are
    found by their stable code in the new cycle's référentiel (left empty when the new version dropped them).
    The originals are closed as abandoned, with the name of the plan that carries them on, so that an action
    is never open twice. Running it again copies nothing more.
    """
    if not access.can_manage_action_plans(by, to_plan.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture reprend des actions dans un plan.")
    if from_plan.pk == to_plan.pk:
        raise ValidationError({"from_plan": "Choisissez un autre plan que celui qui reçoit les actions."})
    if from_plan.prefecture_id != to_plan.prefecture_id:
        raise ValidationError({"from_plan": "Les deux plans d'action doivent appartenir à la même préfecture."})
    originals = list(
        from_plan.actions.open()
        .select_related("module", "engagement")
        .order_by("due_on", "pk")
        .select_for_update(of=("self",))
    )
    if not originals:
        return []
    referential_id = _plan_referential_id(to_plan)
    modules, engagements = {}, {}
    if referential_id is not None:
        modules = {m.code: m for m in Module.objects.filter(referential_id=referential_id)}
        engagements = {e.code: e for e in Engagement.objects.filter(referential_id=referential_id)}

    def same(obj, mapping):
        if obj is None:
            return None
        if referential_id is None or obj.referential_id == referential_id:
            return obj
        return mapping.get(obj.code)

    copies = [
        Action(
            plan=to_plan,
            prefecture_id=to_plan.prefecture_id,
            site_id=original.site_id,
            module=same(original.module, modules),
            engagement=same(original.engagement, engagements),
            title=original.title,
            description=original.description,
            source=original.source,
            source_type_id=original.source_type_id,
            source_id=original.source_id,
            owner_id=original.owner_id,
            due_on=original.due_on,
            priority=original.priority,
            status=original.status,
            progress=original.progress,
            created_by=by,
        )
        for original in originals
    ]
    for copy in copies:
        if copy.engagement is not None and copy.module is None:
            copy.module = copy.engagement.module
    copies = bulk_create_with_history(
        copies, Action, default_user=by, default_change_reason=f"Reprise du plan « {from_plan.title} »"
    )
    now = timezone.now()
    for original in originals:
        original.status = Status.ABANDONED
        original.abandon_reason = f"Reprise dans le plan d'action « {to_plan.title} »."
        original.updated_at = now
    bulk_update_with_history(
        originals,
        Action,
        fields=["status", "abandon_reason", "updated_at"],
        default_user=by,
        default_change_reason=f"Reprise dans le plan « {to_plan.title} »",
    )
    data_version.bump()  # bulk writes send no signal
    return copies
