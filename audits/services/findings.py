"""Findings of an audit, the prefecture's response, corrective actions, closure of non-conformities, good practices.

- A finding lies within its audit's scope: one of the audited sites (or none: a general finding), an engagement
  of the audited modules.
- The prefecture answers non-conformities and sensitive points with an argued response (réponse argumentée) and,
  when it moves a deadline, a revised calendar (``response_due_on``), once the report is delivered.
- « Créer l'action » turns a finding into an action of the prefecture's action plan through
  engagements.services.actions (same rules as every action): the action points to the finding
  (``action.source_object``) and the finding lists its actions (``finding.actions``); an existing action of the
  plan may be linked too.
- Closure rule of a non-conformity (enforced here, explained on its page): it is lifted only when
  1. it has at least one corrective action, and every one of them (abandoned ones aside) is done;
  2. a later audit of the prefecture, held after the actions were done, verified their effectiveness.
  Closing records that audit (``verified_in``); the done actions become « vérifiée efficace » through the action
  service when the actor may verify them (the prefecture's quality manager).
- The cause analysis of a non-conformity (families of causes among the « 5 M » — personnel, méthodes, matériel,
  milieu, communication — and up to five « pourquoi ? » or a free analysis) and its immediate correction (what was
  done at once, distinct from the corrective actions) are recorded by who may create its actions (the quality
  manager, the referent of its site) and national administrators, once the report is delivered.
- At closure the quality manager records the effectiveness check (when, evidence, effective or not):
  effective, the closure proceeds by the rule above; not effective, the non-conformity stays — or becomes again —
  open, its done actions are set aside (« vérifiée inefficace » when the actor may verify them) and it needs new
  corrective actions before it can be lifted.
- National administrators publish strengths in the library of good practices.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from audits.models import Audit, Finding, FindingAction, GoodPractice
from audits.services.grid import _require_filler
from engagements.models import Action
from engagements.services import actions as action_services
from qualipref.lib import uploads
from qualipref.lib.dates import short_date
from qualipref.lib.history import EMPTY, FieldHistory
from qualipref.lib.models import refuse_other_fields, save_with_history

Category = Finding.Category
TEXT_MAX_LENGTH = 10_000
RESPONSE_MAX_LENGTH = 20_000
WHY_MAX_LENGTH = 1_000
CauseCategory = Finding.CauseCategory
EDITABLE_FIELDS = frozenset({"category", "site", "module", "engagement", "text"})


def _raise(errors):
    if errors:
        raise ValidationError(errors)


def _names(objects):
    return ", ".join(str(getattr(obj, "name", obj)) for obj in objects)


def _check_scope(audit, finding, errors):
    """The site and the engagement of a finding lie within its audit's scope; the module follows the engagement."""
    if finding.site_id is not None:
        sites = list(audit.sites.order_by("name"))
        if finding.site_id not in {site.pk for site in sites}:
            errors.setdefault(
                "site",
                f"« {finding.site.name} » n'est pas dans le périmètre de cet audit (sites audités : {_names(sites)}).",
            )
    module_ids = set(audit.modules.values_list("pk", flat=True))
    if finding.engagement_id is not None:
        engagement = finding.engagement
        if finding.module_id is None:
            finding.module_id = engagement.module_id
        if engagement.module_id not in module_ids:
            errors.setdefault(
                "engagement",
                f"L'engagement {engagement.code} ne relève pas des modules audités : choisissez un engagement du "
                "périmètre de l'audit.",
            )
        elif finding.module_id != engagement.module_id:
            errors.setdefault("engagement", "Cet engagement ne relève pas du module choisi.")
    if finding.module_id is not None and finding.module_id not in module_ids:
        errors.setdefault("module", "Ce module n'est pas dans le périmètre de l'audit.")


def _check_finding(audit, finding, errors):
    if finding.category not in Category.values:
        errors["category"] = "Choisissez la catégorie du constat."
    finding.text = (finding.text or "").strip()
    if not finding.text:
        errors["text"] = "Rédigez le constat."
    elif len(finding.text) > TEXT_MAX_LENGTH:
        errors["text"] = f"Le constat dépasse {TEXT_MAX_LENGTH} caractères."
    _check_scope(audit, finding, errors)
    if finding.pk and finding.category not in Finding.ANSWERABLE and finding.response:
        errors.setdefault(
            "category", "Ce constat a reçu une réponse : il reste une non-conformité ou un point sensible."
        )


# --- findings -------------------------------------------------------------------------------------


@transaction.atomic
def finding_create(*, by, audit, category, text, site=None, engagement=None, module=None) -> Finding:
    _require_filler(by, audit)
    finding = Finding(
        audit=audit,
        category=category,
        text=text,
        site=site,
        engagement=engagement,
        module=module,
        created_by=by if getattr(by, "pk", None) else None,
    )
    errors = {}
    _check_finding(audit, finding, errors)
    _raise(errors)
    finding._history_user = by
    finding.save()
    return finding


@transaction.atomic
def finding_update(*, by, finding, **fields) -> Finding:
    refuse_other_fields(fields, EDITABLE_FIELDS)
    audit = finding.audit
    _require_filler(by, audit)
    if "engagement" in fields and "module" not in fields:
        fields["module"] = fields["engagement"].module if fields["engagement"] is not None else finding.module
    for name, value in fields.items():
        setattr(finding, name, value)
    errors = {}
    _check_finding(audit, finding, errors)
    if errors:
        finding.refresh_from_db()
        raise ValidationError(errors)
    finding._history_user = by
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, by, finding) -> None:
    _require_filler(by, finding.audit)
    if finding.action_links.exists():
        raise ValidationError("Ce constat a des actions correctives : il ne se supprime pas.")
    if GoodPractice.objects.filter(finding=finding).exists():
        raise ValidationError("Ce point fort est publié dans les bonnes pratiques : retirez-le d'abord.")
    finding._history_user = by
    finding.delete()


# --- the prefecture's response ----------------------------------------------------------------------


@transaction.atomic
def finding_respond(*, by, finding, response, response_due_on=None) -> Finding:
    """The prefecture's argued response to a non-conformity or a sensitive point, with a revised calendar."""
    audit = finding.audit
    if not access.can_manage_audits(by, audit.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture répond aux constats de ses audits.")
    if not finding.is_answerable:
        raise ValidationError(
            {"response": "Seules les non-conformités et les points sensibles appellent une réponse argumentée."}
        )
    if audit.status not in Audit.RESPONSE_STATUSES:
        raise ValidationError(
            {"response": f"La réponse suit la remise du rapport : l'audit est « {audit.get_status_display()} »."}
        )
    errors = {}
    response = (response or "").strip()
    if not response:
        errors["response"] = "Rédigez la réponse argumentée de la préfecture."
    elif len(response) > RESPONSE_MAX_LENGTH:
        errors["response"] = f"La réponse dépasse {RESPONSE_MAX_LENGTH} caractères."
    today = timezone.localdate()
    if response_due_on is not None and not isinstance(response_due_on, datetime.date):
        errors["response_due_on"] = "Indiquez une échéance valide (JJ/MM/AAAA)."
    elif response_due_on is not None and audit.report_delivered_on and response_due_on < audit.report_delivered_on:
        errors["response_due_on"] = (
            f"L'échéance révisée ne peut pas précéder la remise du rapport ({short_date(audit.report_delivered_on)})."
        )
    _raise(errors)
    return save_with_history(
        finding,
        by=by,
        reason="Réponse argumentée de la préfecture",
        response=response,
        response_due_on=response_due_on,
        responded_on=today,
        responded_by=by,
    )


# --- corrective actions -----------------------------------------------------------------------------


def _action_title(finding):
    first = finding.text.strip().splitlines()[0].strip()
    prefix = {
        Category.MINOR_NONCONFORMITY: "Lever la non-conformité : ",
        Category.MAJOR_NONCONFORMITY: "Lever la non-conformité majeure : ",
        Category.SENSITIVE_POINT: "Traiter le point sensible : ",
        Category.IMPROVEMENT: "Piste de progrès : ",
    }.get(finding.category, "")
    title = f"{prefix}{first[0].lower()}{first[1:]}" if prefix and first else first
    return title if len(title) <= 250 else title[:249].rstrip() + "…"


def suggested_action_title(finding):
    return _action_title(finding)


@transaction.atomic
def finding_create_action(*, by, finding, title=None, plan=None, site=None, owner=None, due_on=None, description=None):
    """Turn the finding into an action of the prefecture's action plan (its current plan by default), on the
    finding's site and engagement, linked both ways. Returns the action."""
    finding = Finding.objects.select_related("audit__prefecture", "site", "engagement", "module").get(pk=finding.pk)
    if not access.can_create_action_from_finding(by, finding):
        raise PermissionDenied("Seuls le responsable qualité et le référent du site créent des actions.")
    fields = {"owner": owner, "due_on": due_on}
    if site is not None:
        fields["site"] = site
    if finding.module_id and not finding.engagement_id:
        fields["module"] = finding.module
    audit = finding.audit
    action = action_services.action_create_from_source(
        by=by,
        source_object=finding,
        source=Action.Source.AUDIT_FINDING,
        prefecture=audit.prefecture,
        plan=plan,
        title=(title or "").strip() or _action_title(finding),
        description=description
        if description is not None
        else f"{finding.get_category_display()} de l'{audit.title[0].lower()}{audit.title[1:]} : {finding.text}",
        **fields,
    )
    FindingAction.objects.create(finding=finding, action=action, linked_by=by)
    return action


@transaction.atomic
def finding_link_action(*, by, finding, action) -> FindingAction:
    """Link an existing action of the prefecture's plan to the finding (it corrects it)."""
    if not access.can_create_action_from_finding(by, finding) or not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas rattacher cette action à ce constat.")
    if action.prefecture_id != finding.audit.prefecture_id:
        raise ValidationError({"action": "Cette action relève du plan d'une autre préfecture."})
    if FindingAction.objects.filter(finding=finding, action=action).exists():
        raise ValidationError({"action": "Cette action est déjà rattachée au constat."})
    return FindingAction.objects.create(finding=finding, action=action, linked_by=by)


# --- closure of a non-conformity --------------------------------------------------------------------

DONE = (Action.Status.DONE, Action.Status.VERIFIED)


@dataclass
class ClosureCheck:
    """Where a non-conformity stands against its closure rule (shown on its page)."""

    finding: Finding
    actions: list = field(default_factory=list)  # the corrective actions, abandoned ones aside
    done: list = field(default_factory=list)
    audits: list = field(default_factory=list)  # later audits that may verify them

    ineffective: list = field(default_factory=list)  # set aside by an effectiveness check that found them wanting

    @property
    def has_actions(self):
        return bool(self.actions)

    @property
    def all_done(self):
        return self.has_actions and len(self.done) == len(self.actions)

    @property
    def last_done_on(self):
        days = [action.completed_on for action in self.done if action.completed_on]
        return max(days) if days else None

    @property
    def verifying_audits(self):
        """Later audits held after the last action was done: they may verify the effectiveness."""
        last = self.last_done_on
        return [audit for audit in self.audits if last is None or audit.end_on >= last]

    @property
    def can_close(self):
        return (
            self.finding.is_nonconformity
            and not self.finding.is_closed
            and self.all_done
            and bool(self.verifying_audits)
        )

    @property
    def missing(self):
        """What still prevents the closure, in French."""
        if not self.finding.is_nonconformity:
            return ["Seules les non-conformités se lèvent."]
        if self.finding.is_closed:
            return []
        reasons = []
        if not self.has_actions and self.finding.found_ineffective:
            reasons.append(
                "Les actions n'ont pas été jugées efficaces le "
                f"{short_date(self.finding.effectiveness_checked_on)} : créez de nouvelles actions correctives."
            )
        elif not self.has_actions:
            reasons.append("Aucune action corrective n'est rattachée à la non-conformité.")
        elif not self.all_done:
            reasons.append(f"{len(self.actions) - len(self.done)} action(s) corrective(s) pas encore réalisée(s).")
        if self.all_done and not self.verifying_audits:
            reasons.append("Aucun audit ultérieur n'a encore pu vérifier l'efficacité des actions.")
        elif not self.all_done and not self.audits:
            reasons.append("Aucun audit ultérieur n'a encore eu lieu.")
        return reasons


def later_audits(finding):
    """Audits of the same prefecture held after the finding's audit."""
    audit = finding.audit
    return list(
        Audit.objects.filter(
            prefecture_id=audit.prefecture_id, start_on__gt=audit.end_on, status__in=Audit.HELD_STATUSES
        )
        .exclude(pk=audit.pk)
        .order_by("start_on", "pk")
    )


def closure_check(finding, *, actions=None, audits=None):
    """Where a non-conformity stands against its closure rule; ``actions`` and ``audits`` (the later audits of
    the prefecture) are read from the database when not given."""
    if actions is None:
        actions = list(finding.actions.all())
    if audits is None:
        audits = later_audits(finding) if finding.is_nonconformity and not finding.is_closed else []
    kept = [action for action in actions if action.status != Action.Status.ABANDONED]
    ineffective = [action for action in kept if _found_ineffective(finding, action)]
    kept = [action for action in kept if action not in ineffective]
    return ClosureCheck(
        finding=finding,
        actions=kept,
        done=[action for action in kept if action.status in DONE],
        audits=audits,
        ineffective=ineffective,
    )


def _found_ineffective(finding, action):
    """An action verified not effective, or done by the time an effectiveness check found the actions wanting."""
    if action.effectiveness == Action.Effectiveness.NOT_EFFECTIVE:
        return True
    return (
        finding.found_ineffective
        and action.status in DONE
        and action.completed_on is not None
        and action.completed_on <= finding.effectiveness_checked_on
    )


def _locked(finding):
    return Finding.objects.select_for_update().select_related("audit__prefecture").get(pk=finding.pk)


@transaction.atomic
def finding_close(*, by, finding, verified_in, note="") -> Finding:
    """Lift a non-conformity: see the closure rule in the module's docstring. Lifting is an effectiveness check
    found effective, recorded as such (today, by ``by``; the evidence is the note, else the verifying audit), so
    that no non-conformity is lifted without its check (the API's ``close`` predates the check)."""
    finding = _locked(finding)
    if not access.can_manage_audits(by, finding.audit.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture lève les non-conformités de ses audits.")
    if finding.is_closed:  # the same refusal as the closure rule's, before the evidence is made up
        raise ValidationError(f"Cette non-conformité est déjà levée (le {short_date(finding.closed_on)}).")
    if verified_in is None:
        raise ValidationError({"verified_in": "Indiquez l'audit ultérieur qui a vérifié l'efficacité des actions."})
    note = (note or "").strip()
    return finding_check_effectiveness(
        by=by,
        finding=finding,
        effective=True,
        checked_on=timezone.localdate(),
        evidence_text=note or f"Vérifiée lors de l'audit : {verified_in}",
        verified_in=verified_in,
        note=note,
    )


def _close(*, by, finding, verified_in, note, reason="Non-conformité levée", check=None, **values):
    """The closure rule, then the closure (with ``values``: the effectiveness check that goes with it)."""
    if finding.is_closed:
        raise ValidationError(f"Cette non-conformité est déjà levée (le {short_date(finding.closed_on)}).")
    check = check or closure_check(finding)
    if verified_in is None:
        raise ValidationError({"verified_in": "Indiquez l'audit ultérieur qui a vérifié l'efficacité des actions."})
    if verified_in.pk not in {audit.pk for audit in check.audits}:
        raise ValidationError(
            {"verified_in": "Choisissez un audit de la même préfecture, tenu après celui du constat."}
        )
    if not check.can_close:
        reasons = check.missing or ["L'audit choisi a eu lieu avant la réalisation des actions."]
        raise ValidationError({"verified_in": "La non-conformité ne peut pas encore être levée : " + " ".join(reasons)})
    if check.last_done_on and verified_in.end_on < check.last_done_on:
        raise ValidationError(
            {"verified_in": "Cet audit a eu lieu avant la réalisation des actions : il n'a pas pu les vérifier."}
        )
    for action in check.done:
        if action.status == Action.Status.DONE and access.can_verify_action(by, action):
            action_services.action_update(
                by=by, action=action, status=Action.Status.VERIFIED, effectiveness=Action.Effectiveness.EFFECTIVE
            )
    return save_with_history(
        finding,
        by=by,
        reason=reason,
        closed_on=timezone.localdate(),
        closed_by=by,
        verified_in=verified_in,
        closure_note=(note or "").strip(),
        **values,
    )


# --- cause analysis and immediate correction --------------------------------------------------------


def _check_day(day, *, field, label, not_before, not_before_label, errors):
    """A date typed by the user: valid, not in the future, not before ``not_before``."""
    if not isinstance(day, datetime.date):
        errors[field] = f"Indiquez la date {label} (JJ/MM/AAAA)."
    elif day > timezone.localdate():
        errors[field] = f"La date {label} ne peut pas être dans le futur."
    elif not_before is not None and day < not_before:
        errors[field] = f"La date {label} ne peut pas précéder {not_before_label} ({short_date(not_before)})."


def _clean_text(value, *, field, label, errors, max_length=TEXT_MAX_LENGTH):
    value = (value or "").strip()
    if len(value) > max_length:
        errors[field] = f"{label} dépasse {max_length} caractères."
    return value


def _clean_categories(values, errors):
    values = list(values or [])
    unknown = [value for value in values if value not in CauseCategory.values]
    if unknown:
        errors["cause_categories"] = (
            f"Catégorie de causes inconnue ({', '.join(map(str, unknown))}) : choisissez parmi "
            f"{', '.join(CauseCategory.labels)}."
        )
    elif not values:
        errors["cause_categories"] = "Cochez au moins une catégorie de causes."
    return [value for value in CauseCategory.values if value in values]  # in their order, without duplicates


def _clean_whys(values, errors):
    whys = [(value or "").strip() for value in (values or [])]
    whys = [why for why in whys if why]
    if len(whys) > Finding.WHYS_MAX:
        errors["cause_whys"] = f"Au plus {Finding.WHYS_MAX} « pourquoi ? »."
    elif any(len(why) > WHY_MAX_LENGTH for why in whys):
        errors["cause_whys"] = f"Une réponse à « pourquoi ? » dépasse {WHY_MAX_LENGTH} caractères."
    return whys


@transaction.atomic
def finding_analyse(
    *, by, finding, cause_categories=(), cause_whys=(), cause_analysis="", correction="", corrected_on=None
) -> Finding:
    """Record (or change) the cause analysis of a non-conformity and its immediate correction. The analysis — its
    families of causes (at least one) and its « pourquoi ? » or free analysis — and the correction — its text and
    date — may come one without the other; what is not given is emptied."""
    finding = _locked(finding)
    audit = finding.audit
    if not (access.can_manage_audits(by, audit.prefecture) or access.can_create_action_from_finding(by, finding)):
        raise PermissionDenied(
            "Seuls le responsable qualité de la préfecture et le référent du site analysent ses non-conformités."
        )
    if not finding.is_nonconformity:
        raise ValidationError({"cause_categories": "Seules les non-conformités appellent une analyse des causes."})
    if audit.status not in Audit.REPORT_DELIVERED_STATUSES:
        raise ValidationError(
            {"cause_categories": f"L'analyse suit la remise du rapport : l'audit est « {audit.get_status_display()} »."}
        )
    errors = {}
    whys = _clean_whys(cause_whys, errors)
    analysis = _clean_text(cause_analysis, field="cause_analysis", label="L'analyse", errors=errors)
    correction = _clean_text(correction, field="correction", label="La correction", errors=errors)
    analysed = bool(cause_categories or whys or analysis)
    categories = _clean_categories(cause_categories, errors) if analysed else []
    if analysed and not whys and not analysis and "cause_whys" not in errors:
        errors["cause_analysis"] = "Répondez aux « pourquoi ? » ou rédigez une analyse libre des causes."
    if not analysed and not correction and corrected_on is None:
        errors["cause_categories"] = "Renseignez l'analyse des causes ou la correction immédiate."
    if correction or corrected_on is not None:
        if not correction:
            errors.setdefault("correction", "Décrivez la correction immédiate.")
        _check_day(
            corrected_on,
            field="corrected_on",
            label="de la correction",
            not_before=audit.start_on,
            not_before_label="le début de l'audit",
            errors=errors,
        )
    _raise(errors)
    changed_analysis = (categories, whys, analysis) != (
        finding.cause_categories,
        finding.cause_whys,
        finding.cause_analysis,
    )
    values = {
        "cause_categories": categories,
        "cause_whys": whys,
        "cause_analysis": analysis,
        "correction": correction,
        "corrected_on": corrected_on if correction else None,
    }
    if not analysed:
        values.update(analysed_on=None, analysed_by=None)
    elif changed_analysis or finding.analysed_on is None:
        values.update(analysed_on=timezone.localdate(), analysed_by=by)
    return save_with_history(finding, by=by, reason="Analyse des causes et correction immédiate", **values)


# --- effectiveness check at closure -----------------------------------------------------------------


def _store_evidence(finding, evidence, kind):
    old_file = finding.effectiveness_evidence.name if finding.effectiveness_evidence else None
    extension = uploads.DOCUMENT_TYPES[kind][2][0]
    finding.effectiveness_evidence_name = PurePath(evidence.name or "").name[-200:]
    finding.effectiveness_evidence.save(f"{uuid.uuid4().hex}{extension}", evidence, save=False)
    if old_file:
        storage = finding.effectiveness_evidence.storage
        transaction.on_commit(lambda: storage.delete(old_file))


@transaction.atomic
def finding_check_effectiveness(
    *, by, finding, effective, checked_on, evidence=None, evidence_text="", comment="", verified_in=None, note=""
) -> Finding:
    """Record the effectiveness check of a non-conformity's corrective actions (who: ``by``, when, the evidence —
    a document or a text —, effective or not, a comment).

    - Effective and the non-conformity open: it is lifted by the closure rule (``verified_in``: the later audit
      that verified the actions; ``note``: the closure note); already lifted: the check is recorded.
    - Not effective: the done actions are set aside (« vérifiée inefficace » when ``by`` may verify them) and the
      non-conformity stays open — or is reopened when it was lifted —: new corrective actions are needed."""
    finding = _locked(finding)
    audit = finding.audit
    if not access.can_manage_audits(by, audit.prefecture):
        raise PermissionDenied(
            "Seul le responsable qualité de la préfecture vérifie l'efficacité des actions de ses non-conformités."
        )
    if not finding.is_nonconformity:
        raise ValidationError({"effective": "Seules les non-conformités font l'objet d'une vérification d'efficacité."})
    errors = {}
    if not isinstance(effective, bool):
        errors["effective"] = "Indiquez si les actions correctives sont efficaces."
    check = closure_check(finding)
    _check_day(
        checked_on,
        field="checked_on",
        label="de la vérification",
        not_before=audit.end_on,
        not_before_label="l'audit qui a relevé la non-conformité",
        errors=errors,
    )
    if "checked_on" not in errors and check.last_done_on and checked_on < check.last_done_on:
        errors["checked_on"] = (
            "La date de la vérification ne peut pas précéder la réalisation des actions "
            f"({short_date(check.last_done_on)})."
        )
    evidence_text = _clean_text(evidence_text, field="evidence_text", label="La preuve", errors=errors)
    comment = _clean_text(comment, field="comment", label="Le commentaire", errors=errors)
    kind = None
    if evidence:
        try:
            kind = uploads.check_document(evidence, field="evidence")
        except ValidationError as error:
            errors.update(error.message_dict)
    elif not evidence_text and not finding.effectiveness_evidence:
        errors["evidence_text"] = "Joignez un document de preuve ou décrivez les éléments de preuve."
    if effective is False and not comment:
        errors["comment"] = "Expliquez en quoi les actions ne sont pas efficaces."
    if effective is False and not finding.is_closed and not check.done:
        errors["effective"] = (
            "Aucune action corrective n'est réalisée : l'efficacité se vérifie une fois les actions réalisées."
        )
    _raise(errors)
    if kind is not None:
        _store_evidence(finding, evidence, kind)
    try:
        return _record_check(
            by=by,
            finding=finding,
            check=check,
            verified_in=verified_in,
            note=note,
            effective=effective,
            effectiveness_checked_on=checked_on,
            effectiveness_checked_by=by,
            effectiveness_evidence_text=evidence_text,
            effectiveness_comment=comment,
        )
    except ValidationError:
        if kind is not None:  # the closure refused: the new document goes
            finding.effectiveness_evidence.storage.delete(finding.effectiveness_evidence.name)
        raise


def _record_check(*, by, finding, check, verified_in, note, **values):
    effective = values["effective"]
    if effective:
        if finding.is_closed:
            return save_with_history(finding, by=by, reason="Efficacité des actions vérifiée", **values)
        return _close(
            by=by,
            finding=finding,
            verified_in=verified_in,
            note=note,
            check=check,
            reason="Efficacité vérifiée : non-conformité levée",
            **values,
        )
    for action in check.done:
        if action.status == Action.Status.DONE and access.can_verify_action(by, action):
            action_services.action_update(
                by=by, action=action, status=Action.Status.VERIFIED, effectiveness=Action.Effectiveness.NOT_EFFECTIVE
            )
    if finding.is_closed:
        values.update(closed_on=None, closed_by=None, verified_in=None, closure_note="")
        reason = "Actions inefficaces : non-conformité rouverte"
    else:
        reason = "Actions inefficaces : de nouvelles actions sont nécessaires"
    return save_with_history(finding, by=by, reason=reason, **values)


# --- good practices -------------------------------------------------------------------------------


@transaction.atomic
def good_practice_publish(*, by, finding, title, text="") -> GoodPractice:
    """Publish a strength in the library of good practices (national administrators)."""
    if not access.can_publish_good_practices(by):
        raise PermissionDenied("Seuls les administrateurs nationaux publient des bonnes pratiques.")
    if finding.category != Category.STRENGTH:
        raise ValidationError("Seuls les points forts se publient comme bonnes pratiques.")
    if GoodPractice.objects.filter(finding=finding).exists():
        raise ValidationError("Ce point fort est déjà publié.")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Donnez un intitulé à la bonne pratique."
    text = (text or "").strip() or finding.text
    _raise(errors)
    return GoodPractice.objects.create(
        finding=finding,
        prefecture_id=finding.audit.prefecture_id,
        site_id=finding.site_id,
        module_id=finding.module_id,
        engagement_id=finding.engagement_id,
        title=title[:200],
        text=text,
        published_by=by,
        published_on=timezone.localdate(),
    )


@transaction.atomic
def good_practice_withdraw(*, by, practice) -> None:
    if not access.can_publish_good_practices(by):
        raise PermissionDenied("Seuls les administrateurs nationaux retirent des bonnes pratiques.")
    practice.delete()


# --- history ----------------------------------------------------------------------------------------


# The audit and the actors are shown elsewhere on the finding's page.
def _labels(choices):
    labels = dict(choices)
    return lambda values: ", ".join(labels.get(value, value) for value in values) or EMPTY


FINDING_HISTORY = FieldHistory(
    hidden=frozenset(
        {
            "audit",
            "created_by",
            "responded_by",
            "closed_by",
            "analysed_by",
            "effectiveness_checked_by",
            "effectiveness_evidence",
        }
    ),
    formatters={
        "cause_categories": _labels(CauseCategory.choices),
        "cause_whys": lambda whys: " / ".join(whys) or EMPTY,
    },
)


def finding_history(finding):
    """Who changed what and when, newest first (the same entries as the actions' history)."""
    return FINDING_HISTORY.of(finding)
