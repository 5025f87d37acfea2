"""Writes on action plans and actions: creation, edits and status changes, comments, evidence, copies.

Every function is keyword-only, takes its actor (``by``), asks accounts.access what the actor may do, raises
``PermissionDenied`` or ``ValidationError`` (French messages, by field) and writes in one transaction:
nothing is half-saved. History rows (django-simple-history) carry the actor as their user.
"""

import datetime
import uuid
import zipfile
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import access
from accounts.models import Membership, User
from engagements.models import Action, ActionComment, ActionEvidence, ActionPlan, Engagement, Labelling, Module

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

ACTION_EDITABLE_FIELDS = frozenset(
    {
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
    }
)
STATUS_FIELDS = ("status", "abandon_reason", "completed_on", "effectiveness")

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# kind -> (MIME type stored, extensions accepted)
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
EVIDENCE_ACCEPT = ",".join(ext for _, extensions in EVIDENCE_TYPES.values() for ext in extensions)
COMMENT_MAX_LENGTH = 5000

# Source objects of other apps, by model label (audit findings, complaints, surveys call action_create_from_source).
SOURCE_BY_MODEL = {
    "audits.finding": Action.Source.AUDIT_FINDING,
    "audits.audit": Action.Source.AUDIT_FINDING,
    "complaints.complaint": Action.Source.COMPLAINT,
    "surveys.campaign": Action.Source.SURVEY,
    "surveys.survey": Action.Source.SURVEY,
    "surveys.response": Action.Source.SURVEY,
}


def _date(value):
    return value.strftime("%d/%m/%Y")


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


# --- action plans ---------------------------------------------------------------------------------


def _check_labelling(labelling, prefecture):
    if labelling is not None and labelling.prefecture_id != prefecture.pk:
        raise ValidationError({"labelling": "Ce cycle de labellisation appartient à une autre préfecture."})


@transaction.atomic
def action_plan_create(*, by, prefecture, title, labelling=None) -> ActionPlan:
    if not access.can_manage_action_plans(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture crée ses plans d'action.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Indiquez l'intitulé du plan d'action."})
    _check_labelling(labelling, prefecture)
    plan = ActionPlan(prefecture=prefecture, labelling=labelling, title=title)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def action_plan_update(*, by, plan, **fields) -> ActionPlan:
    if not access.can_manage_action_plans(by, plan.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses plans d'action.")
    unknown = set(fields) - {"title", "labelling"}
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    if "title" in fields:
        plan.title = (fields["title"] or "").strip()
        if not plan.title:
            raise ValidationError({"title": "Indiquez l'intitulé du plan d'action."})
    if "labelling" in fields and fields["labelling"] != plan.labelling:
        labelling = fields["labelling"]
        _check_labelling(labelling, plan.prefecture)
        if labelling is not None:
            foreign = plan.actions.exclude(engagement__isnull=True).exclude(
                engagement__referential_id=labelling.referential_id
            )
            if foreign.exists():
                raise ValidationError(
                    {"labelling": "Des actions de ce plan relèvent d'engagements d'un autre référentiel que ce cycle."}
                )
        plan.labelling = labelling
    plan.full_clean()
    plan.save()
    return plan


def current_plan(prefecture):
    """The plan new actions go to by default: the one of the running cycle, else the most recent."""
    plans = ActionPlan.objects.filter(prefecture=prefecture)
    running = plans.filter(labelling__in=Labelling.objects.current()).order_by("-created_at").first()
    return running or plans.order_by("-created_at", "-pk").first()


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


# --- actions --------------------------------------------------------------------------------------


def _source_kind(source_object, source):
    if source:
        return source
    explicit = getattr(source_object, "action_source", None)
    if explicit:
        return explicit
    label = source_object._meta.label_lower
    if label == "engagements.meeting":
        return source_object.kind
    if label == "engagements.meetingdecision":
        return source_object.meeting.kind
    if label in SOURCE_BY_MODEL:
        return SOURCE_BY_MODEL[label]
    raise ValidationError({"source": "Indiquez l'origine de l'action."})


def _source_prefecture_id(source_object):
    """The prefecture of a source object: its own, its site's, or its parent's (audit, meeting, campaign)."""
    if getattr(source_object, "prefecture_id", None):
        return source_object.prefecture_id
    site = getattr(source_object, "site", None)
    if site is not None:
        return site.prefecture_id
    for parent in ("audit", "meeting", "campaign", "survey"):
        obj = getattr(source_object, parent, None)
        if obj is not None:
            return _source_prefecture_id(obj)
    return None


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
def action_create_from_source(*, by, source_object, title, plan=None, source=None, **fields) -> Action:
    """An action born from an audit finding, a complaint, a survey, a meeting...: linked to its source.

    The plan defaults to the current plan of the source's prefecture; the site and the engagement default to
    the source's own when it has them.
    """
    kind = _source_kind(source_object, source)
    prefecture_id = _source_prefecture_id(source_object)
    if plan is None:
        if prefecture_id is None:
            raise ValidationError({"plan": "Indiquez le plan d'action auquel rattacher l'action."})
        plan = current_plan(prefecture_id)
        if plan is None:
            raise ValidationError(
                {"plan": "Cette préfecture n'a pas encore de plan d'action : le responsable qualité doit en créer un."}
            )
    elif prefecture_id is not None and prefecture_id != plan.prefecture_id:
        raise ValidationError(
            {"plan": "L'origine de l'action et le plan d'action relèvent de préfectures différentes."}
        )
    for name in ("site", "engagement"):
        if name not in fields and getattr(source_object, f"{name}_id", None) is not None:
            fields[name] = getattr(source_object, name)
    return action_create(by=by, plan=plan, title=title, source=kind, source_object=source_object, **fields)


@transaction.atomic
def action_update(*, by, action, **fields) -> Action:
    """Change fields of an action, its status included (the transitions of ``TRANSITIONS``).

    A status change takes its own inputs: ``abandon_reason`` (abandoned), ``completed_on`` (done, today by
    default), ``effectiveness`` (verified, by the quality manager). On any error the action is left as it was,
    in the database and on the instance.
    """
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas modifier cette action.")
    unknown = set(fields) - ACTION_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
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
            f"La date de réalisation ne peut pas précéder la création de l'action ({_date(created_on)}).",
        )
    if "progress" in fields and action.status in (Status.DONE, Status.VERIFIED) and action.progress != 100:
        errors.setdefault("progress", "Une action réalisée est avancée à 100 %.")
    _check_action(action, plan=action.plan, errors=errors, creating=False, today=today)
    if action.due_on != previous["due_on"] and isinstance(action.due_on, datetime.date) and action.due_on < created_on:
        errors.setdefault("due_on", f"L'échéance ne peut pas précéder la création de l'action ({_date(created_on)}).")
    if action.site_id != previous["site_id"] and not access.can_create_action(by, action.plan.prefecture, action.site):
        errors.setdefault("site", "Vous ne pouvez pas rattacher l'action à ce site.")
    if action.owner_id != previous["owner_id"] or action.site_id != previous["site_id"]:
        _check_owner(action, errors)
    _raise(errors)
    action._history_user = by
    action.save()
    return action


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
    return copies


# --- comments and evidence ------------------------------------------------------------------------


@transaction.atomic
def action_comment_add(*, by, action, text) -> ActionComment:
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas commenter cette action.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Le commentaire est vide."})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": f"Le commentaire dépasse {COMMENT_MAX_LENGTH} caractères."})
    return ActionComment.objects.create(action=action, author=by, text=text)


def _read_head(file, size=8):
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def detect_file_kind(file):
    """The real type of an uploaded file, from its first bytes (and, for office documents, its zip entries)."""
    head = _read_head(file, 8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == EVIDENCE_TYPES["odt"][0]:
                        return "odt"
                if "[Content_Types].xml" in names:
                    if "word/document.xml" in names:
                        return "docx"
                    if "xl/workbook.xml" in names:
                        return "xlsx"
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        finally:
            file.seek(0)
    return None


def _accepted_types():
    return "PDF, PNG, JPEG, ODT, DOCX ou XLSX"


@transaction.atomic
def action_evidence_add(*, by, action, file) -> ActionEvidence:
    """Attach a proof (≤ 10 Mo; PDF, PNG, JPEG, ODT, DOCX or XLSX, checked on the content, not the name)."""
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas ajouter de justificatif à cette action.")
    if file is None:
        raise ValidationError({"file": "Choisissez un fichier."})
    name = PurePath(file.name or "").name[-200:]
    size = file.size
    if not size:
        raise ValidationError({"file": "Le fichier est vide."})
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": f"Le fichier dépasse la taille maximale de 10 Mo ({size / 1024 / 1024:.1f} Mo).".replace(
                    ".", ",", 1
                )
            }
        )
    extension = PurePath(name).suffix.lower()
    expected = next((kind for kind, (_, exts) in EVIDENCE_TYPES.items() if extension in exts), None)
    if expected is None:
        raise ValidationError(
            {"file": f"Type de fichier refusé : seuls les fichiers {_accepted_types()} sont acceptés."}
        )
    kind = detect_file_kind(file)
    if kind is None:
        raise ValidationError(
            {"file": f"Le contenu du fichier n'est pas un {_accepted_types()} valide : il a été refusé."}
        )
    if kind != expected:
        raise ValidationError({"file": f"Le contenu du fichier ne correspond pas à son extension ({extension})."})
    evidence = ActionEvidence(action=action, name=name, size=size, content_type=EVIDENCE_TYPES[kind][0], uploaded_by=by)
    # Stored under a random name (the original one is kept in ``name``): no guessable paths under media.
    evidence.file.save(f"{uuid.uuid4().hex}{EVIDENCE_TYPES[kind][1][0]}", file, save=False)
    stored = evidence.file.name
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def action_evidence_delete(*, by, evidence) -> None:
    if not access.can_edit_action(by, evidence.action):
        raise PermissionDenied("Vous ne pouvez pas retirer ce justificatif.")
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- reading the history --------------------------------------------------------------------------

# Fields not shown in the history: denormalised or set once by the application.
HISTORY_HIDDEN_FIELDS = ("prefecture", "plan", "created_by", "source_type", "source_id")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object
    old_display: str
    new_display: str


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.datetime
    user: object  # User or None (changes made by the application itself)
    kind: str  # "creation" or "modification"
    reason: str
    changes: list = dataclass_field(default_factory=list)

    @property
    def user_display(self):
        return _user_display(self.user) if self.user is not None else "Qualipref"


def _user_display(user):
    return user.get_full_name() or user.username


def _display(field, value, related):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        obj = related.get(field.related_model, {}).get(value)
        if obj is None:
            return f"n° {value} (supprimé)"
        return _user_display(obj) if field.related_model is User else str(obj)
    if isinstance(value, datetime.date):
        return _date(value)
    if field.name == "progress":
        return f"{value} %"
    return str(value)


def action_history(action):
    """Who changed what and when on an action, newest first: [HistoryEntry(changes=[FieldChange...])].

    One query for the history rows, then one per kind of related object named in the changes (sites, users...).
    """
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {field.name: field for field in Action._meta.fields}
    raw, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN_FIELDS)
            changes = [change for change in delta.changes if change.field in fields]
        raw.append((record, changes))
        previous = record
    wanted = {}
    for _, changes in raw:
        for change in changes:
            field = fields[change.field]
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v)
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items() if ids}
    entries = []
    for record, changes in raw:
        entries.append(
            HistoryEntry(
                date=record.history_date,
                user=record.history_user,
                kind="creation" if record.history_type == "+" else "modification",
                reason=record.history_change_reason or "",
                changes=[
                    FieldChange(
                        field=change.field,
                        label=str(fields[change.field].verbose_name),
                        old=change.old,
                        new=change.new,
                        old_display=_display(fields[change.field], change.old, related),
                        new_display=_display(fields[change.field], change.new, related),
                    )
                    for change in sorted(changes, key=lambda c: list(fields).index(c.field))
                ],
            )
        )
    return [entry for entry in reversed(entries) if entry.kind == "creation" or entry.changes or entry.reason]
