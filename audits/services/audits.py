"""Audits: planning, scope, auditors and their access window, statuses, report due date, decision.

The statuses of an audit::

    planifié → en cours → rapport en rédaction → rapport remis → réponse de la préfecture → clos
                                                   rapport remis → clos (nothing to answer)

- ``report_due_on`` = last audit day + 15 days (« rapport écrit sous 15 jours »), computed here when the audit is
  planned and recomputed here only, when its dates change;
- the scope (sites, modules) lies within the perimeter of the labelling cycle; by default, the whole perimeter;
- auditors hold an active auditor role; they see the audit only during its access window, by default from 15
  days before the first audit day to 15 days after the report is due;
- labelling and renewal audits end with the body's decision (favourable or unfavourable), recorded once the
  report is delivered: it moves the labelling cycle forward through engagements.services.labellings (the
  labelling or renewal audit step first when the cycle has not recorded it yet, then the decision);
- an audit with non-conformities or sensitive points is closed after the prefecture's response; a labelling or
  renewal audit is closed after its decision (its closure writes nothing more in the cycle);
- a follow-up audit closes with the body's opinion on keeping the label (favourable or unfavourable): in the same
  transaction, the cycle records its follow-up audit step, dated at the audit's first day and linked to it (once
  per audit), and its next follow-up is due one period later (engagements.services.labellings); any refusal of
  the cycle leaves the audit unclosed. A cycle that has ended since (closed, or moved to another référentiel)
  has nothing to move: the audit closes without it;
- internal audits, self-assessments and mystery visits never move the cycle when they close.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.models import Membership, Role
from audits.models import Audit, AuditReport, Finding
from engagements.models import Labelling
from engagements.services import labellings as labelling_services
from qualipref.lib.dates import short_date
from qualipref.lib.models import refuse_other_fields, save_with_history

Status = Audit.Status
Kind = Audit.Kind

ACCESS_MARGIN_DAYS = 15  # default window: 15 days before the audit, until 15 days after the report is due

# step (URL and API name) -> (target status, button label, date label)
STEPS = {
    "start": (Status.IN_PROGRESS, "Démarrer l'audit", "date de début"),
    "write": (Status.WRITING, "Passer à la rédaction du rapport", "date de fin des visites"),
    "deliver": (Status.DELIVERED, "Enregistrer la remise du rapport", "date de remise du rapport"),
    "respond": (Status.RESPONDED, "Transmettre la réponse de la préfecture", "date de la réponse"),
    "close": (Status.CLOSED, "Clore l'audit", "date de clôture"),
}
TRANSITIONS = {
    Status.PLANNED: ("start",),
    Status.IN_PROGRESS: ("write",),
    Status.WRITING: ("deliver",),
    Status.DELIVERED: ("respond", "close"),
    Status.RESPONDED: ("close",),
    Status.CLOSED: (),
}
# What an audit's edit may change, in the order of the form and the API's write serializer; MANY_FIELDS are lists.
FIELDS = (
    "kind",
    "body",
    "start_on",
    "end_on",
    "sites",
    "modules",
    "auditors",
    "access_from",
    "access_until",
    "summary",
)
MANY_FIELDS = ("sites", "modules", "auditors")
EDITABLE_FIELDS = frozenset(FIELDS)
SUMMARY_MAX_LENGTH = 20_000


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _require_manager(by, prefecture, message="Seul le responsable qualité de la préfecture planifie ses audits."):
    if not access.can_manage_audits(by, prefecture):
        raise PermissionDenied(message)


def default_access_window(start_on, end_on):
    return (
        start_on - datetime.timedelta(days=ACCESS_MARGIN_DAYS),
        Audit.compute_report_due_on(end_on) + datetime.timedelta(days=ACCESS_MARGIN_DAYS),
    )


# --- scope and people -----------------------------------------------------------------------------


def _check_dates(start_on, end_on, errors):
    if start_on is None:
        errors.setdefault("start_on", "Indiquez le premier jour d'audit.")
    if end_on is None:
        errors.setdefault("end_on", "Indiquez le dernier jour d'audit.")
    if start_on and end_on and end_on < start_on:
        errors.setdefault(
            "end_on",
            f"Le dernier jour d'audit ne peut pas précéder le premier ({short_date(start_on)}) : dates inversées ?",
        )


def _check_window(access_from, access_until, errors):
    if access_from and access_until and access_until < access_from:
        errors.setdefault(
            "access_until",
            f"La fin de l'accès des auditeurs ne peut pas précéder son début ({short_date(access_from)}) : "
            "dates inversées ?",
        )


def _scope(labelling, *, sites, modules, errors):
    """(sites, modules) of an audit: the cycle's perimeter by default; refused outside it."""
    perimeter_sites = {site.pk: site for site in labelling.sites.all()}
    perimeter_modules = {module.pk: module for module in labelling.modules.all()}
    sites = list(dict.fromkeys(sites)) if sites else list(perimeter_sites.values())
    modules = list(dict.fromkeys(modules)) if modules else list(perimeter_modules.values())
    outside = [site for site in sites if site.pk not in perimeter_sites]
    if outside:
        names = ", ".join(f"« {site.name} »" for site in outside)
        errors.setdefault("sites", f"Hors du périmètre du cycle de labellisation : {names}.")
    elif not sites:
        errors.setdefault(
            "sites", "Le cycle de labellisation n'a aucun site dans son périmètre : complétez-le d'abord."
        )
    outside = [module for module in modules if module.pk not in perimeter_modules]
    if outside:
        names = ", ".join(f"« {module.title} »" for module in outside)
        errors.setdefault("modules", f"Hors du périmètre du cycle de labellisation : {names}.")
    elif not modules:
        errors.setdefault("modules", "Choisissez au moins un module audité.")
    return sites, modules


def auditor_candidates():
    """Users holding an active auditor role (the people an audit may be assigned to)."""
    from accounts.models import User

    ids = Membership.objects.active().filter(role=Role.AUDITOR).values("user_id")
    return User.objects.filter(is_active=True, pk__in=ids).order_by("last_name", "first_name", "username")


def _check_auditors(auditors, errors):
    auditors = list(dict.fromkeys(auditors or ()))
    if not auditors:
        return auditors
    eligible = set(auditor_candidates().filter(pk__in=[user.pk for user in auditors]).values_list("pk", flat=True))
    refused = [user for user in auditors if user.pk not in eligible]
    if refused:
        names = ", ".join(f"« {user.get_full_name() or user.username} »" for user in refused)
        errors.setdefault("auditors", f"Sans habilitation d'auditeur en cours : {names}.")
    return auditors


# --- planning -------------------------------------------------------------------------------------


@transaction.atomic
def audit_create(
    *,
    by,
    labelling,
    kind,
    body,
    start_on,
    end_on,
    sites=(),
    modules=(),
    auditors=(),
    access_from=None,
    access_until=None,
    summary="",
) -> Audit:
    """Plan an audit of a running labelling cycle."""
    _require_manager(by, labelling.prefecture)
    labelling = Labelling.objects.select_related("prefecture").get(pk=labelling.pk)
    errors = {}
    if not labelling.is_running:
        errors["labelling"] = "Ce cycle de labellisation est clos : planifiez l'audit sur le cycle en cours."
    if kind not in Kind.values:
        errors["kind"] = "Choisissez la nature de l'audit."
    body = (body or "").strip()
    if not body:
        errors["body"] = "Indiquez l'organisme qui conduit l'audit (par exemple : AFNOR Certification)."
    _check_dates(start_on, end_on, errors)
    if access_from is None and access_until is None and start_on and end_on and end_on >= start_on:
        access_from, access_until = default_access_window(start_on, end_on)
    _check_window(access_from, access_until, errors)
    sites, modules = _scope(labelling, sites=sites, modules=modules, errors=errors)
    auditors = _check_auditors(auditors, errors)
    if len(summary or "") > SUMMARY_MAX_LENGTH:
        errors["summary"] = f"La synthèse dépasse {SUMMARY_MAX_LENGTH} caractères."
    _raise(errors)
    audit = save_new_audit(
        labelling,
        by=by,
        sites=sites,
        modules=modules,
        kind=kind,
        body=body,
        start_on=start_on,
        end_on=end_on,
        access_from=access_from,
        access_until=access_until,
        summary=(summary or "").strip(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit.auditors.set(auditors)
    return audit


def save_new_audit(labelling, *, by, sites, modules, end_on, history_date=None, **fields):
    """Write an audit of ``labelling`` (its prefecture; its report due date from ``end_on``) and its scope,
    once checked (``audit_create``; the demonstration data, whose history is dated ``history_date``).
    ``fields``: the audit's other fields."""
    audit = Audit(
        labelling=labelling,
        prefecture=labelling.prefecture,
        end_on=end_on,
        report_due_on=Audit.compute_report_due_on(end_on),
        **fields,
    )
    if history_date is not None:
        audit._history_date = history_date
    audit._history_user = by
    audit.save()
    audit.sites.set(sites)
    audit.modules.set(modules)
    return audit


def _used_outside(audit, sites, modules):
    """French errors when findings or grid cells already use a site or module taken out of the scope."""
    errors = {}
    site_ids = {site.pk for site in sites}
    module_ids = {module.pk for module in modules}
    used_sites = set(audit.findings.exclude(site__isnull=True).values_list("site_id", flat=True))
    used_sites |= set(audit.assessments.values_list("site_id", flat=True))
    if used_sites - site_ids:
        errors["sites"] = "Des constats ou des évaluations portent sur les sites retirés : supprimez-les d'abord."
    used_modules = set(audit.findings.exclude(module__isnull=True).values_list("module_id", flat=True))
    used_modules |= set(audit.assessments.values_list("engagement__module_id", flat=True))
    if used_modules - module_ids:
        errors["modules"] = "Des constats ou des évaluations portent sur les modules retirés : supprimez-les d'abord."
    return errors


@transaction.atomic
def audit_update(*, by, audit, **fields) -> Audit:
    """Change an audit that is not closed; its dates until the report is delivered, its nature while planned."""
    _require_manager(by, audit.prefecture, "Seul le responsable qualité de la préfecture modifie ses audits.")
    refuse_other_fields(fields, EDITABLE_FIELDS)
    audit = Audit.objects.select_for_update().select_related("labelling", "prefecture").get(pk=audit.pk)
    errors = {}
    if audit.status == Status.CLOSED:
        raise ValidationError("Cet audit est clos : il ne se modifie plus.")
    if "kind" in fields and fields["kind"] != audit.kind:
        if audit.status != Status.PLANNED:
            errors["kind"] = "La nature d'un audit ne change plus une fois l'audit démarré."
        elif fields["kind"] not in Kind.values:
            errors["kind"] = "Choisissez la nature de l'audit."
    dates_changed = any(name in fields and fields[name] != getattr(audit, name) for name in ("start_on", "end_on"))
    if dates_changed and not audit.is_editable:
        errors["start_on"] = "Le rapport est remis : les dates de l'audit ne changent plus."
    start_on = fields.get("start_on", audit.start_on)
    end_on = fields.get("end_on", audit.end_on)
    _check_dates(start_on, end_on, errors)
    access_from = fields.get("access_from", audit.access_from)
    access_until = fields.get("access_until", audit.access_until)
    _check_window(access_from, access_until, errors)
    if "body" in fields:
        fields["body"] = (fields["body"] or "").strip()
        if not fields["body"]:
            errors["body"] = "Indiquez l'organisme qui conduit l'audit."
    if len(fields.get("summary") or "") > SUMMARY_MAX_LENGTH:
        errors["summary"] = f"La synthèse dépasse {SUMMARY_MAX_LENGTH} caractères."
    scope_changed = "sites" in fields or "modules" in fields
    sites = modules = None
    if scope_changed:
        sites, modules = _scope(
            audit.labelling,
            sites=fields.get("sites", list(audit.sites.all())),
            modules=fields.get("modules", list(audit.modules.all())),
            errors=errors,
        )
        if "sites" not in errors and "modules" not in errors:
            errors.update(_used_outside(audit, sites, modules))
    auditors = _check_auditors(fields["auditors"], errors) if "auditors" in fields else None
    _raise(errors)
    for name in ("kind", "body", "start_on", "end_on", "access_from", "access_until"):
        if name in fields:
            setattr(audit, name, fields[name])
    if "summary" in fields:
        audit.summary = (fields["summary"] or "").strip()
    audit.report_due_on = Audit.compute_report_due_on(audit.end_on)
    audit._history_user = by
    audit.save()
    if scope_changed:
        audit.sites.set(sites)
        audit.modules.set(modules)
    if auditors is not None:
        audit.auditors.set(auditors)
    return audit


# --- statuses -------------------------------------------------------------------------------------


def allowed_steps(audit):
    return list(TRANSITIONS[Status(audit.status)])


def _unanswered(audit):
    return audit.findings.filter(category__in=Finding.ANSWERABLE, response="")


def step_blockers(audit, step):
    """Why ``step`` cannot be recorded now (French sentences; empty when it can). Shown next to the buttons."""
    blockers = []
    if step == "respond":
        if not audit.findings.filter(category__in=Finding.ANSWERABLE).exists():
            blockers.append("Aucune non-conformité ni aucun point sensible n'appelle de réponse : clôturez l'audit.")
        else:
            missing = _unanswered(audit).count()
            if missing:
                blockers.append(
                    f"{missing} non-conformité(s) ou point(s) sensible(s) sans réponse argumentée : "
                    "répondez à chacun avant de transmettre la réponse."
                )
    if step == "close":
        if audit.status == Status.DELIVERED and audit.findings.filter(category__in=Finding.ANSWERABLE).exists():
            blockers.append(
                "La préfecture doit d'abord transmettre sa réponse aux non-conformités et points sensibles."
            )
        if audit.takes_decision and not audit.decision:
            blockers.append("Enregistrez d'abord la décision de l'organisme certificateur.")
    return blockers


def asks_opinion(audit, step):
    """Whether recording ``step`` asks the body's opinion on keeping the label (closing a follow-up audit)."""
    return step == "close" and audit.kind == Kind.FOLLOW_UP


OPINION_ONLY_AT_FOLLOW_UP = (
    "L'avis de l'organisme sur le maintien du label se donne à la clôture d'un audit de suivi seulement."
)


def _record_follow_up(*, by, audit, on, opinion):
    """The follow-up audit step of the audit's cycle (see the module's docstring), the cycle's refusals put on
    the fields of the audit's step: ``opinion``, or ``step`` for what the cycle refuses (date, status)."""
    labelling = audit.labelling
    if not labelling.is_running:
        return
    try:
        labelling_services.labelling_record_follow_up_audit(
            by=by,
            labelling=labelling,
            happened_on=audit.start_on,
            opinion=opinion,
            source=audit,
            held_until=on,
            note=f"{audit.title} ({audit.body}).",
        )
    except ValidationError as error:
        prefix = f"Le cycle de labellisation refuse l'audit de suivi du {short_date(audit.start_on)} : "
        if not hasattr(error, "error_dict"):
            raise ValidationError({"step": prefix + " ".join(error.messages)}) from None
        errors = {}
        for name, messages in error.message_dict.items():
            if name == "opinion":
                errors["opinion"] = messages
            else:
                errors.setdefault("step", []).extend(prefix + message for message in messages)
        raise ValidationError(errors) from None


@transaction.atomic
def audit_transition(*, by, audit, step, on=None, opinion="") -> Audit:
    """Move the audit to the status of ``step`` (a key of ``STEPS``) on ``on`` (today by default).

    Closing a follow-up audit takes the body's ``opinion`` (a ``Audit.Decision`` value) and moves the cycle."""
    _require_manager(by, audit.prefecture, "Seul le responsable qualité de la préfecture fait avancer ses audits.")
    if step not in STEPS:
        raise ValidationError({"step": f"Étape inconnue : « {step} »."})
    audit = Audit.objects.select_for_update().select_related("prefecture", "labelling").get(pk=audit.pk)
    target, label, date_label = STEPS[step]
    if step not in TRANSITIONS[Status(audit.status)]:
        possible = " ou ".join(f"« {STEPS[name][1]} »" for name in TRANSITIONS[Status(audit.status)])
        hint = f" : possible maintenant, {possible}" if possible else " : il est clos"
        raise ValidationError({"step": f"« {label} » impossible : l'audit est « {audit.get_status_display()} »{hint}."})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": f"La {date_label} ne peut pas être dans le futur."})
    if step in ("start", "write") and on < audit.start_on:
        raise ValidationError(
            {"on": f"L'audit commence le {short_date(audit.start_on)} : la {date_label} ne peut pas précéder."}
        )
    if step == "deliver" and on < audit.end_on:
        raise ValidationError(
            {
                "on": f"Le rapport suit le dernier jour d'audit ({short_date(audit.end_on)}) : "
                "la remise ne peut pas précéder."
            }
        )
    if step in ("respond", "close") and audit.report_delivered_on and on < audit.report_delivered_on:
        raise ValidationError(
            {"on": f"Rapport remis le {short_date(audit.report_delivered_on)} : la {date_label} ne peut pas précéder."}
        )
    blockers = step_blockers(audit, step)
    if blockers:
        raise ValidationError({"step": " ".join(blockers)})
    if opinion and not asks_opinion(audit, step):
        raise ValidationError({"opinion": OPINION_ONLY_AT_FOLLOW_UP})
    if asks_opinion(audit, step):
        _record_follow_up(by=by, audit=audit, on=on, opinion=opinion or "")
    audit.status = target
    if step == "deliver":
        audit.report_delivered_on = on
        _mark_delivered_report(audit, on)
    elif step == "respond":
        audit.responded_on = on
    elif step == "close":
        audit.closed_on = on
    return save_with_history(audit, by=by, reason=label)


def _mark_delivered_report(audit, on):
    """The latest report produced by Qualipref becomes the one delivered (kept unchanged, with its checksum)."""
    report = audit.reports.filter(status=AuditReport.Status.DONE).order_by("-generated_at", "-pk").first()
    if report is not None and not audit.reports.filter(delivered_on__isnull=False).exists():
        report.delivered_on = on
        report.save(update_fields=["delivered_on", "updated_at"])


# --- decision -------------------------------------------------------------------------------------


@transaction.atomic
def audit_record_decision(*, by, audit, decision, decided_on, renewal_due=None, note="") -> Audit:
    """The body's decision after a labelling or renewal audit, once its report is delivered. The labelling cycle
    moves forward through engagements.services.labellings: its labelling (or renewal) audit step is recorded
    first when missing, then the decision; any refusal of that service leaves both unchanged."""
    _require_manager(by, audit.prefecture, "Seul le responsable qualité de la préfecture enregistre la décision.")
    audit = Audit.objects.select_for_update().select_related("labelling", "prefecture").get(pk=audit.pk)
    if not audit.takes_decision:
        raise ValidationError(
            {
                "decision": (
                    f"Un « {audit.get_kind_display().lower()} » ne donne pas lieu à une décision : seuls les audits "
                    "de labellisation et de renouvellement se concluent par une décision de l'organisme."
                )
            }
        )
    if audit.decision:
        raise ValidationError({"decision": "La décision de cet audit est déjà enregistrée."})
    if audit.status not in Audit.RESPONSE_STATUSES:
        raise ValidationError(
            {"decision": "La décision suit la remise du rapport : enregistrez d'abord la remise du rapport."}
        )
    errors = {}
    if decision not in Audit.Decision.values:
        errors["decision"] = "Choisissez la décision de l'organisme : favorable ou défavorable."
    if decided_on is None:
        errors["decided_on"] = "Indiquez la date de la décision."
    elif decided_on < audit.end_on:
        errors["decided_on"] = f"La décision ne peut pas précéder le dernier jour d'audit ({short_date(audit.end_on)})."
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "La date de la décision ne peut pas être dans le futur."
    _raise(errors)
    labelling = audit.labelling
    Step = labelling_services.Kind
    audit_step = Step.LABELLING_AUDIT if audit.kind == Kind.LABELLING else Step.RENEWAL_AUDIT
    if audit_step in labelling_services.allowed_steps(labelling):
        record_audit_step = (
            labelling_services.labelling_record_labelling_audit
            if audit_step == Step.LABELLING_AUDIT
            else labelling_services.labelling_record_renewal_audit
        )
        labelling = record_audit_step(
            by=by, labelling=labelling, happened_on=audit.start_on, note=f"{audit.title} ({audit.body}).", source=audit
        )
    try:
        labelling_services.labelling_record_decision(
            by=by,
            labelling=labelling,
            happened_on=decided_on,
            decision=decision,
            decision_body=audit.body,
            renewal_due=renewal_due,
            source=audit,
            note=note or f"Décision à l'issue de l'{audit.title[0].lower()}{audit.title[1:]}.",
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "happened_on" in error.error_dict:
            raise ValidationError({"decided_on": error.error_dict.pop("happened_on")}) from None
        raise
    return save_with_history(audit, by=by, reason="Décision de l'organisme", decision=decision, decision_on=decided_on)


# --- reading ----------------------------------------------------------------------------------------


def previous_audit(audit):
    """The audit of the same cycle held just before this one (the grid is pre-filled from it)."""
    return (
        Audit.objects.filter(labelling_id=audit.labelling_id, start_on__lt=audit.start_on)
        .exclude(pk=audit.pk)
        .order_by("-start_on", "-pk")
        .first()
    )
