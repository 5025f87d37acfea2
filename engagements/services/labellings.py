"""Labelling cycles: start, dated steps with evidence, decision, follow-up and renewal, change of référentiel.

The lifecycle (docs/domaine.md, § Cycle de labellisation)::

    préparation → évaluation interne → révision du plan d'action → audit de labellisation → décision
    décision favorable   → labellisée (pérennisation): audits de suivi, then audit de renouvellement → décision
    décision défavorable → a new internal evaluation, or the end of the cycle
    any running cycle    → clôture, or a change of référentiel (the cycle ends, a new one starts and links to it)

Rules checked here, before anything is written (French messages, per field when there is a field):
- at least 3 months of indicator tracking before the internal evaluation;
- the internal evaluation 1 to 3 months before the labelling audit;
- no decision without a labelling (or renewal) audit; no follow-up audit before the label is granted;
- a step is dated, never in the future, never before the previous step of its cycle;
- one running cycle per prefecture; mandatory modules always in the perimeter, at least one optional module
  when the référentiel has some (« module accueil général, plus un ou plusieurs modules missions »),
  modules of the cycle's référentiel only, sites of the prefecture only.

Due dates are computed here, once, and stored on the cycle:
- ``next_audit_due`` = granted on + ``referential.follow_up_months`` (Qualipref 12, Marianne 18); each
  follow-up audit moves it by ``follow_up_months`` more, counted from the date of the label (a late audit
  does not shift the schedule of the next ones);
- ``renewal_due`` = granted on + 3 years (``LABEL_VALIDITY_MONTHS``), unless the body's decision sets an
  earlier renewal audit (Bouches-du-Rhône: labelled end of November 2015, renewal audit « mi-2017 »);
- the next audit is never later than the renewal audit: ``next_audit_due <= renewal_due``.
A renewal ends with a new decision: favourable, the label is granted again from that date (new due dates);
unfavourable, the label is lost.

A step may be written by a record of another app, its ``source`` (the audit whose decision or closure moved the
cycle; audits.services.audits): a source writes each kind of step once, and a follow-up audit recorded by an
audit's closure is refused when entered again by hand. The body's opinion at a follow-up audit (``opinion``) is
kept on its step; unfavourable, the cycle stays labelled and its schedule moves all the same: withdrawing the
label is the body's decision, recorded as the end of the cycle (docs/domaine.md, § Cycle de labellisation).
"""

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts import access
from engagements.models import Labelling, LabellingStep, Module
from qualipref.lib import uploads
from qualipref.lib.dates import short_date
from sites.models import Prefecture, Site

Kind = LabellingStep.Kind
Status = Labelling.Status

INDICATOR_TRACKING_MONTHS = 3
INTERNAL_EVALUATION_MIN_MONTHS, INTERNAL_EVALUATION_MAX_MONTHS = 1, 3  # before the labelling audit
LABEL_VALIDITY_MONTHS = 36  # renewal audit at the latest 3 years after the label is granted

# What may be recorded at each step of a cycle (the buttons of the timeline, the API's ``allowed_steps``).
ALLOWED_STEPS = {
    Status.PREPARATION: (Kind.INTERNAL_EVALUATION, Kind.END),
    Status.INTERNAL_EVALUATION: (Kind.PLAN_REVISION, Kind.END),
    Status.PLAN_REVISION: (Kind.LABELLING_AUDIT, Kind.END),
    Status.LABELLING_AUDIT: (Kind.DECISION, Kind.END),
    Status.GRANTED: (Kind.FOLLOW_UP_AUDIT, Kind.RENEWAL_AUDIT, Kind.END),
    Status.REFUSED: (Kind.INTERNAL_EVALUATION, Kind.END),
    Status.RENEWAL: (Kind.DECISION, Kind.END),
    Status.ENDED: (),
}
# Fields a step takes besides its date, note and evidence.
STEP_FIELDS = {
    Kind.INTERNAL_EVALUATION: ("indicators_since",),
    Kind.DECISION: ("decision", "decision_body", "renewal_due"),
}

# --- evidence files ---------------------------------------------------------------------------------

EVIDENCE_ACCEPT = uploads.DOCUMENT_ACCEPT  # for <input type="file" accept="...">
EVIDENCE_HELP = uploads.DOCUMENT_HELP


def check_evidence_file(file, *, field="evidence"):
    """The shared document check (qualipref.lib.uploads), for an optional file."""
    if file:
        uploads.check_document(file, field=field)


# --- dates ----------------------------------------------------------------------------------------


def add_months(day, months):
    """The same day ``months`` later, or the last day of that month (31/01 + 1 month = 28 or 29/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(*, referential, granted_on, renewal_due=None):
    """(next_audit_due, renewal_due) of a label granted on ``granted_on``: see the module's docstring."""
    renewal_due = renewal_due or add_months(granted_on, LABEL_VALIDITY_MONTHS)
    return min(add_months(granted_on, referential.follow_up_months), renewal_due), renewal_due


def next_follow_up_due(*, referential, granted_on, next_audit_due, renewal_due):
    """The due date after a follow-up audit: one more period counted from the label, never past the renewal."""
    months = referential.follow_up_months
    periods = 1
    while add_months(granted_on, periods * months) <= next_audit_due:
        periods += 1
    return min(add_months(granted_on, periods * months), renewal_due)


def _check_past(day, field, label):
    if day is None:
        raise ValidationError({field: f"Indiquez {label}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label[0].upper()}{label[1:]} ne peut pas être dans le futur."})


# --- checks ---------------------------------------------------------------------------------------


def _require_manager(by, prefecture):
    if not access.can_manage_labellings(by, prefecture):
        raise PermissionDenied(
            "Seul le responsable qualité de la préfecture peut faire avancer ses cycles de labellisation."
        )


def allowed_steps(labelling):
    """The steps that may be recorded now, in the order of the process."""
    return list(ALLOWED_STEPS[labelling.status])


def _lock(*, by, labelling, kind, source=None):
    """The cycle, locked and fresh from the database, when ``by`` may record ``kind`` on it now (and ``source``,
    the record writing the step, has not written it yet)."""
    _require_manager(by, labelling.prefecture)
    labelling = Labelling.objects.select_for_update().select_related("referential", "prefecture").get(pk=labelling.pk)
    _refuse_recorded(source, kind)
    if kind in ALLOWED_STEPS[labelling.status]:
        return labelling
    current = labelling.get_status_display()
    if labelling.status == Status.ENDED:
        message = "Ce cycle est clos : il n'accepte plus d'étape. Démarrez un nouveau cycle."
    elif kind == Kind.DECISION:
        message = (
            "Pas de décision sans audit de labellisation : enregistrez d'abord la date de l'audit "
            f"(le cycle est à l'étape « {current} »)."
        )
    elif kind == Kind.FOLLOW_UP_AUDIT and labelling.status == Status.RENEWAL:
        message = (
            "Le cycle est en renouvellement (son audit de renouvellement est enregistré) : il n'attend plus d'audit "
            "de suivi, mais la décision de l'organisme."
        )
    elif kind == Kind.FOLLOW_UP_AUDIT:
        message = f"Pas d'audit de suivi avant l'attribution du label : le cycle est à l'étape « {current} »."
    else:
        possible = ", ".join(f"« {Kind(step).label} »" for step in ALLOWED_STEPS[labelling.status])
        message = (
            f"Étape « {Kind(kind).label} » impossible : le cycle est à l'étape « {current} » "
            f"(possible maintenant : {possible})."
        )
    raise ValidationError(message)


def _last_step_on(labelling):
    return labelling.steps.order_by("-happened_on").values_list("happened_on", flat=True).first()


def _check_step_date(labelling, happened_on, label="la date de l'étape"):
    _check_past(happened_on, "happened_on", label)
    last = _last_step_on(labelling)
    if last is not None and happened_on < last:
        raise ValidationError(
            {"happened_on": f"La date ne peut pas précéder la dernière étape du cycle ({short_date(last)})."}
        )


# What the date of each step is called in its messages.
STEP_DATE_LABELS = {
    Kind.INTERNAL_EVALUATION: "la date de l'évaluation interne",
    Kind.PLAN_REVISION: "la date de la révision du plan d'action",
    Kind.LABELLING_AUDIT: "la date de l'audit de labellisation",
    Kind.DECISION: "la date de la décision",
    Kind.FOLLOW_UP_AUDIT: "la date de l'audit de suivi",
    Kind.RENEWAL_AUDIT: "la date de l'audit de renouvellement",
    Kind.END: "la date de clôture",
}


def _open_step(*, by, labelling, kind, evidence, happened_on=None, check_date=True, source=None):
    """Every step's prelude: the cycle locked (``_lock``), the evidence file checked, then the step's date."""
    labelling = _lock(by=by, labelling=labelling, kind=kind, source=source)
    check_evidence_file(evidence)
    if check_date:
        _check_step_date(labelling, happened_on, STEP_DATE_LABELS[kind])
    return labelling


def _perimeter(*, prefecture, referential, modules, sites):
    """(modules, sites) of a perimeter: mandatory modules added; errors by field."""
    errors = {}
    chosen = {module.pk: module for module in modules or ()}
    foreign = [module for module in chosen.values() if module.referential_id != referential.pk]
    if foreign:
        names = ", ".join(f"« {module.title} »" for module in foreign)
        errors["modules"] = f"Ces modules n'appartiennent pas au référentiel {referential} : {names}."
    all_modules = list(Module.objects.filter(referential=referential))
    optional = [module for module in all_modules if not module.mandatory]
    if not foreign and optional and not any(not module.mandatory for module in chosen.values()):
        errors["modules"] = (
            f"Choisissez au moins un module optionnel : le référentiel {referential} porte sur les modules "
            "obligatoires plus un ou plusieurs modules métiers."
        )
    sites = list(dict.fromkeys(sites or ()))
    outside = [site for site in sites if site.prefecture_id != prefecture.pk]
    if outside:
        names = ", ".join(f"« {site.name} »" for site in outside)
        errors["sites"] = f"Ces sites n'appartiennent pas à la préfecture {prefecture} : {names}."
    elif not sites:
        errors["sites"] = "Choisissez au moins un site du périmètre."
    if errors:
        raise ValidationError(errors)
    perimeter = [module for module in all_modules if module.mandatory or module.pk in chosen]
    return perimeter, sites


def _record(labelling, *, by, kind, happened_on, note="", evidence=None, source=None, opinion=""):
    """Save the cycle and write its step (the timeline); ``source``: the record that wrote it (an audit)."""
    labelling.save()
    step = LabellingStep(
        labelling=labelling,
        kind=kind,
        status=labelling.status,
        happened_on=happened_on,
        note=note or "",
        recorded_by=by if getattr(by, "pk", None) else None,
        source=source,
        opinion=opinion or "",
    )
    if evidence:
        step.evidence = evidence
    step.save()
    return labelling


# The steps that only move the cycle to a status.
STATUS_STEPS = {Kind.PLAN_REVISION: Status.PLAN_REVISION, Kind.RENEWAL_AUDIT: Status.RENEWAL}


def _status_step(kind, *, by, labelling, happened_on, note, evidence, source=None):
    """A step of STATUS_STEPS: the cycle moves to its status."""
    labelling = _open_step(
        by=by, labelling=labelling, kind=kind, happened_on=happened_on, evidence=evidence, source=source
    )
    labelling.status = STATUS_STEPS[kind]
    return _record(labelling, by=by, kind=kind, happened_on=happened_on, note=note, evidence=evidence, source=source)


# --- starting a cycle -----------------------------------------------------------------------------


def _start_errors(*, started_on, indicators_since, previous):
    errors = {}
    for field, day, label in (
        ("started_on", started_on, "la date de début de la préparation"),
        ("indicators_since", indicators_since, "la date de début du suivi des indicateurs"),
    ):
        if field == "indicators_since" and day is None:
            continue
        try:
            _check_past(day, field, label)
        except ValidationError as error:
            errors.update(error.message_dict)
    if previous is not None and started_on and previous.ended_on and started_on < previous.ended_on:
        errors["started_on"] = (
            f"Le nouveau cycle ne peut pas commencer avant la clôture du précédent ({short_date(previous.ended_on)})."
        )
    return errors


def _checked_perimeter(errors, *, prefecture, referential, modules, sites, evidence):
    """(modules, sites) of a new cycle (``_perimeter``), its evidence file checked; raises ``errors`` (the
    other fields' errors found so far) with those of the perimeter and the file, all at once."""
    try:
        modules, sites = _perimeter(prefecture=prefecture, referential=referential, modules=modules, sites=sites)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        check_evidence_file(evidence)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return modules, sites


def _create(*, by, prefecture, referential, modules, sites, started_on, indicators_since, note, evidence, previous):
    labelling = Labelling(
        prefecture=prefecture,
        referential=referential,
        status=Status.PREPARATION,
        started_on=started_on,
        indicators_since=indicators_since or started_on,
        previous=previous,
    )
    _record(labelling, by=by, kind=Kind.START, happened_on=started_on, note=note, evidence=evidence)
    labelling.modules.set(modules)
    labelling.sites.set(sites)
    return labelling


@transaction.atomic
def labelling_start(
    *,
    by,
    prefecture,
    referential,
    started_on,
    modules=(),
    sites=(),
    indicators_since=None,
    note="",
    evidence=None,
) -> Labelling:
    """Start a prefecture's cycle on a référentiel version, in preparation.

    ``modules``: the optional modules chosen (mandatory ones are always added); ``sites``: sites of the
    prefecture in the perimeter. Refused while another cycle of the prefecture runs: end it, or move it to
    the new référentiel with ``labelling_migrate``. The last ended cycle becomes ``previous``.
    """
    _require_manager(by, prefecture)
    running = Labelling.objects.current().filter(prefecture=prefecture).select_related("referential").first()
    if running is not None:
        raise ValidationError(
            f"La préfecture a déjà un cycle en cours ({running.referential}, "
            f"étape « {running.get_status_display()} ») : "
            "clôturez-le ou faites-le passer au nouveau référentiel avant d'en démarrer un autre."
        )
    previous = (
        Labelling.objects.filter(prefecture=prefecture, next_cycle__isnull=True)
        .order_by("-ended_on", "-started_on")
        .first()
    )
    errors = _start_errors(started_on=started_on, indicators_since=indicators_since, previous=previous)
    modules, sites = _checked_perimeter(
        errors, prefecture=prefecture, referential=referential, modules=modules, sites=sites, evidence=evidence
    )
    return _create(
        by=by,
        prefecture=prefecture,
        referential=referential,
        modules=modules,
        sites=sites,
        started_on=started_on,
        indicators_since=indicators_since,
        note=note,
        evidence=evidence,
        previous=previous,
    )


# --- the steps of a cycle -------------------------------------------------------------------------


@transaction.atomic
def labelling_record_internal_evaluation(
    *, by, labelling, happened_on, indicators_since=None, note="", evidence=None
) -> Labelling:
    """Internal audit (Qualipref) or self-assessment (Marianne), after at least 3 months of indicators."""
    labelling = _open_step(
        by=by, labelling=labelling, kind=Kind.INTERNAL_EVALUATION, happened_on=happened_on, evidence=evidence
    )
    if indicators_since is not None:
        _check_past(indicators_since, "indicators_since", "la date de début du suivi des indicateurs")
    since = indicators_since or labelling.indicators_since or labelling.started_on
    earliest = add_months(since, INDICATOR_TRACKING_MONTHS)
    if happened_on < earliest:
        raise ValidationError(
            {
                "happened_on": (
                    f"Il faut au moins {INDICATOR_TRACKING_MONTHS} mois de suivi des indicateurs avant "
                    f"l'évaluation interne : le suivi a commencé le {short_date(since)}, l'évaluation interne est "
                    f"possible à partir du {short_date(earliest)}."
                )
            }
        )
    labelling.indicators_since = since
    labelling.internal_evaluation_on = happened_on
    labelling.status = Status.INTERNAL_EVALUATION
    return _record(
        labelling, by=by, kind=Kind.INTERNAL_EVALUATION, happened_on=happened_on, note=note, evidence=evidence
    )


@transaction.atomic
def labelling_record_plan_revision(*, by, labelling, happened_on, note="", evidence=None) -> Labelling:
    """The action plan revised after the internal evaluation (corrective actions)."""
    return _status_step(
        Kind.PLAN_REVISION, by=by, labelling=labelling, happened_on=happened_on, note=note, evidence=evidence
    )


@transaction.atomic
def labelling_record_labelling_audit(*, by, labelling, happened_on, note="", evidence=None, source=None) -> Labelling:
    """The external labelling audit, 1 to 3 months after the internal evaluation. ``source``: the audit."""
    labelling = _open_step(
        by=by, labelling=labelling, kind=Kind.LABELLING_AUDIT, happened_on=happened_on, evidence=evidence, source=source
    )
    internal = labelling.internal_evaluation_on
    earliest = add_months(internal, INTERNAL_EVALUATION_MIN_MONTHS)
    latest = add_months(internal, INTERNAL_EVALUATION_MAX_MONTHS)
    if not earliest <= happened_on <= latest:
        raise ValidationError(
            {
                "happened_on": (
                    f"L'évaluation interne ({short_date(internal)}) doit avoir lieu {INTERNAL_EVALUATION_MIN_MONTHS} à "
                    f"{INTERNAL_EVALUATION_MAX_MONTHS} mois avant l'audit de labellisation : date d'audit possible "
                    f"du {short_date(earliest)} au {short_date(latest)}. Au-delà, refaites une évaluation interne."
                )
            }
        )
    labelling.labelling_audit_on = happened_on
    labelling.status = Status.LABELLING_AUDIT
    return _record(
        labelling,
        by=by,
        kind=Kind.LABELLING_AUDIT,
        happened_on=happened_on,
        note=note,
        evidence=evidence,
        source=source,
    )


@transaction.atomic
def labelling_record_decision(
    *, by, labelling, happened_on, decision, decision_body, renewal_due=None, note="", evidence=None, source=None
) -> Labelling:
    """The body's decision after the labelling (or renewal) audit; favourable, the due dates are computed.
    ``source``: the audit whose decision it is (one decision per audit)."""
    labelling = _open_step(
        by=by, labelling=labelling, kind=Kind.DECISION, evidence=evidence, check_date=False, source=source
    )
    errors = {}
    if decision not in Labelling.Decision.values:
        errors["decision"] = "Choisissez la décision de l'organisme : favorable ou défavorable."
    if not (decision_body or "").strip():
        errors["decision_body"] = "Indiquez l'organisme qui a rendu la décision (par exemple : AFNOR Certification)."
    if errors:
        raise ValidationError(errors)
    _check_step_date(labelling, happened_on, STEP_DATE_LABELS[Kind.DECISION])
    favourable = decision == Labelling.Decision.FAVOURABLE
    if favourable:
        latest = add_months(happened_on, LABEL_VALIDITY_MONTHS)
        if renewal_due is not None and not happened_on < renewal_due <= latest:
            raise ValidationError(
                {
                    "renewal_due": (
                        "L'audit de renouvellement a lieu après l'attribution du label et au plus tard 3 ans "
                        f"après : entre le {short_date(happened_on + datetime.timedelta(days=1))} "
                        f"et le {short_date(latest)}."
                    )
                }
            )
        labelling.granted_on = happened_on
        labelling.next_audit_due, labelling.renewal_due = due_dates(
            referential=labelling.referential, granted_on=happened_on, renewal_due=renewal_due
        )
        labelling.status = Status.GRANTED
    else:
        if renewal_due is not None:
            raise ValidationError({"renewal_due": "Une échéance de renouvellement suppose une décision favorable."})
        labelling.granted_on = labelling.next_audit_due = labelling.renewal_due = None
        labelling.status = Status.REFUSED
    labelling.decision = decision
    labelling.decision_on = happened_on
    labelling.decision_body = decision_body.strip()
    return _record(
        labelling, by=by, kind=Kind.DECISION, happened_on=happened_on, note=note, evidence=evidence, source=source
    )


# --- steps written by another record (an audit) ---------------------------------------------------------


def steps_of(source):
    """The steps ``source`` (an audit...) wrote in its cycle: one query (a join, not the content type cache)."""
    return LabellingStep.objects.filter(
        source_type__app_label=source._meta.app_label, source_type__model=source._meta.model_name, source_id=source.pk
    ).order_by("happened_on", "created_at")


def _refuse_recorded(source, kind):
    if source is None:
        return
    step = steps_of(source).filter(kind=kind).first()
    if step is not None:
        raise ValidationError(
            f"« {Kind(kind).label} » est déjà enregistré(e) sur le cycle pour cet audit "
            f"(étape du {short_date(step.happened_on)}) : il ne s'enregistre qu'une fois."
        )


def _check_opinion(opinion, *, required):
    if opinion in Labelling.Decision.values or (not opinion and not required):
        return
    raise ValidationError(
        {"opinion": "Indiquez l'avis de l'organisme : favorable ou défavorable au maintien du label."}
    )


@transaction.atomic
def labelling_record_follow_up_audit(
    *, by, labelling, happened_on, note="", evidence=None, opinion="", source=None, held_until=None
) -> Labelling:
    """A follow-up audit of a granted label: the next one is due ``follow_up_months`` later (counted from the
    label, whatever the ``opinion``: see the module's docstring).

    With ``source`` (the audit, at its closure), the step links to it and is written once; the body's
    ``opinion`` is then required. A follow-up step entered by hand from ``happened_on`` to ``held_until`` (the
    audit's closure) is that audit: it is linked and given the opinion, not written twice (its due date moved
    already). Entered by hand (no source), a follow-up audit that an audit's closure recorded on that date is
    refused."""
    labelling = _lock(by=by, labelling=labelling, kind=Kind.FOLLOW_UP_AUDIT, source=source)
    check_evidence_file(evidence)
    _check_opinion(opinion, required=source is not None)
    follow_ups = labelling.steps.filter(kind=Kind.FOLLOW_UP_AUDIT)
    if source is None:
        recorded = follow_ups.filter(source_id__isnull=False, happened_on=happened_on).first()
        if recorded is not None:
            raise ValidationError(
                {
                    "happened_on": (
                        f"L'audit de suivi du {short_date(happened_on)} est déjà enregistré sur le cycle : il l'a été "
                        "à la clôture de l'audit (lien sur la frise du cycle). Il ne se saisit pas une seconde fois."
                    )
                }
            )
    else:
        entered = (
            follow_ups.filter(source_id__isnull=True, happened_on__range=(happened_on, held_until))
            .order_by("happened_on", "created_at")
            .first()
            if held_until is not None
            else None
        )
        if entered is not None:
            entered.source = source
            entered.opinion = opinion
            entered.note = "\n".join(part for part in (entered.note, note) if part)
            entered.save(update_fields=["source_type", "source_id", "opinion", "note", "updated_at"])
            return labelling
    _check_step_date(labelling, happened_on, STEP_DATE_LABELS[Kind.FOLLOW_UP_AUDIT])
    labelling.next_audit_due = next_follow_up_due(
        referential=labelling.referential,
        granted_on=labelling.granted_on,
        next_audit_due=labelling.next_audit_due,
        renewal_due=labelling.renewal_due,
    )
    return _record(
        labelling,
        by=by,
        kind=Kind.FOLLOW_UP_AUDIT,
        happened_on=happened_on,
        note=note,
        evidence=evidence,
        source=source,
        opinion=opinion,
    )


@transaction.atomic
def labelling_record_renewal_audit(*, by, labelling, happened_on, note="", evidence=None, source=None) -> Labelling:
    """The renewal audit; the body's decision follows (``labelling_record_decision``). ``source``: the audit."""
    return _status_step(
        Kind.RENEWAL_AUDIT,
        by=by,
        labelling=labelling,
        happened_on=happened_on,
        note=note,
        evidence=evidence,
        source=source,
    )


@transaction.atomic
def labelling_end(*, by, labelling, happened_on, note="", evidence=None) -> Labelling:
    """End a running cycle (kept as history); the prefecture may then start a new one."""
    labelling = _open_step(by=by, labelling=labelling, kind=Kind.END, happened_on=happened_on, evidence=evidence)
    if happened_on < labelling.started_on:
        raise ValidationError({"happened_on": f"Le cycle a commencé le {short_date(labelling.started_on)}."})
    labelling.status = Status.ENDED
    labelling.ended_on = happened_on
    return _record(labelling, by=by, kind=Kind.END, happened_on=happened_on, note=note, evidence=evidence)


TRANSITIONS = {
    Kind.INTERNAL_EVALUATION: labelling_record_internal_evaluation,
    Kind.PLAN_REVISION: labelling_record_plan_revision,
    Kind.LABELLING_AUDIT: labelling_record_labelling_audit,
    Kind.DECISION: labelling_record_decision,
    Kind.FOLLOW_UP_AUDIT: labelling_record_follow_up_audit,
    Kind.RENEWAL_AUDIT: labelling_record_renewal_audit,
    Kind.END: labelling_end,
}


def labelling_transition(*, by, labelling, step, happened_on, note="", evidence=None, **fields) -> Labelling:
    """Record ``step`` (a ``LabellingStep.Kind`` value other than ``start``) with its own fields."""
    if step not in TRANSITIONS:
        raise ValidationError({"step": f"Étape inconnue : « {step} »."})
    accepted = STEP_FIELDS.get(step, ())
    unexpected = {
        name: f"Ce champ ne concerne pas l'étape « {Kind(step).label} »."
        for name, value in fields.items()
        if name not in accepted and value not in (None, "")
    }
    if unexpected:
        raise ValidationError(unexpected)
    extra = {name: fields.get(name) for name in accepted}
    if step == Kind.DECISION:
        extra["decision"] = extra["decision"] or ""
        extra["decision_body"] = extra["decision_body"] or ""
    return TRANSITIONS[step](by=by, labelling=labelling, happened_on=happened_on, note=note, evidence=evidence, **extra)


# --- moving to another référentiel ----------------------------------------------------------------


@transaction.atomic
def labelling_migrate(
    *,
    by,
    labelling,
    referential,
    started_on,
    modules=(),
    sites=None,
    indicators_since=None,
    note="",
    evidence=None,
) -> Labelling:
    """Move a prefecture's running cycle to another référentiel version (Marianne → Qualipref 2.0...).

    The running cycle ends on ``started_on`` and stays as history; the new cycle starts in preparation with
    ``previous`` pointing at it. ``sites`` default to the perimeter of the ended cycle. Returns the new cycle.
    """
    _require_manager(by, labelling.prefecture)
    old = Labelling.objects.select_for_update().select_related("referential", "prefecture").get(pk=labelling.pk)
    if not old.is_running:
        raise ValidationError("Ce cycle est déjà clos : démarrez un nouveau cycle sur le nouveau référentiel.")
    errors = {}
    if referential.pk == old.referential_id:
        errors["referential"] = f"Le cycle est déjà sur le référentiel {referential} : choisissez une autre version."
    if sites is None:
        sites = list(old.sites.all())
    errors.update(_start_errors(started_on=started_on, indicators_since=indicators_since, previous=None))
    last = _last_step_on(old)
    if "started_on" not in errors and last is not None and started_on < last:
        errors["started_on"] = (
            f"Le nouveau cycle ne peut pas précéder la dernière étape du cycle actuel ({short_date(last)})."
        )
    modules, sites = _checked_perimeter(
        errors, prefecture=old.prefecture, referential=referential, modules=modules, sites=sites, evidence=evidence
    )
    old.status = Status.ENDED
    old.ended_on = started_on
    _record(
        old,
        by=by,
        kind=Kind.END,
        happened_on=started_on,
        note=f"Passage au référentiel {referential} : le cycle se poursuit sur un nouveau cycle.",
    )
    intro = f"Suite du cycle {old.referential} (passage au nouveau référentiel)."
    return _create(
        by=by,
        prefecture=old.prefecture,
        referential=referential,
        modules=modules,
        sites=sites,
        started_on=started_on,
        indicators_since=indicators_since,
        note=f"{intro}\n{note}".strip(),
        evidence=evidence,
        previous=old,
    )


# --- national targets (read) ----------------------------------------------------------------------

# « 2 objectifs pour la transition du référentiel vers le numérique : 50 % des préfectures labellisées
# Qualipref 2.0 numérique en décembre 2014 ; 100 % en décembre 2015 » (dossier de presse, juillet 2013).
NATIONAL_TARGETS = (
    {"referential_code": "QP2", "deadline": datetime.date(2014, 12, 31), "share": 50},
    {"referential_code": "QP2", "deadline": datetime.date(2015, 12, 31), "share": 100},
)


LABELLED = (Status.GRANTED, Status.RENEWAL)
# « state » of a row of national_progress, as the pages and the exports say it
TARGET_STATES = {
    "reached": "Objectif atteint",
    "missed": "Échéance dépassée, objectif non atteint",
    "pending": "En cours",
}


def labelled_on(day):
    """The cycles labelled on ``day``, from their history rather than from today's state.

    Labelled = the last step of the cycle on or before ``day`` left it granted or in renewal (LabellingStep.status
    is the cycle's step after it: a renewal's unfavourable decision or the end of the cycle leaves it unlabelled),
    the cycle not ended by then, on a référentiel already published on ``day``. One subquery per cycle: a fixed
    number of queries whatever the number of prefectures.
    """
    last = LabellingStep.objects.filter(labelling=OuterRef("pk"), happened_on__lte=day).order_by(
        "-happened_on", "-created_at", "-pk"
    )
    return (
        Labelling.objects.filter(referential__published_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .annotate(status_on=Subquery(last.values("status")[:1]))
        .filter(status_on__in=LABELLED)
    )


def labelled_counts(day, *, prefectures=None, per_version=False):
    """{référentiel code: {"prefectures": n, "subprefectures": n}} labelled on ``day`` (one query); keyed by the
    référentiel's id (each version apart) with ``per_version``; ``prefectures``: a queryset to count among (a
    region's), every prefecture otherwise.

    Sous-préfectures labelled: the sites of kind sous-préfecture in the perimeter (``sites``) of a cycle labelled
    on ``day`` (a perimeter is set when the cycle starts and does not change during the cycle).
    """
    key = "referential_id" if per_version else "referential__code"
    cycles = labelled_on(day)
    if prefectures is not None:
        cycles = cycles.filter(prefecture__in=prefectures)
    rows = (
        cycles.values(key)
        .annotate(
            prefectures=Count("prefecture", distinct=True),
            subprefectures=Count("sites", filter=Q(sites__kind=Site.Kind.SUBPREFECTURE), distinct=True),
        )
        .order_by()
    )
    return {row[key]: {"prefectures": row["prefectures"], "subprefectures": row["subprefectures"]} for row in rows}


def national_progress(*, on=None, prefectures=None, total=None):
    """Each target with the share of prefectures labelled on its référentiel code (any version), judged at its date;
    among ``prefectures`` (a queryset: a region's) when given, every prefecture otherwise.

    A target whose date has come (``deadline <= on``) is judged by the state of the cycles at that date, from their
    history (``labelled_on``): « reached » or « missed ». A target still ahead shows the progress on ``on`` and is
    « pending » (« en cours ») whatever the share. ``subprefectures_labelled``: the sous-préfectures in the
    perimeter of those labelled cycles. Queries: 1 + one per distinct date judged (a fixed number); ``total``: the
    number of those prefectures when the caller has it (one query less).
    """
    on = on or timezone.localdate()
    if total is None:
        total = (Prefecture.objects.all() if prefectures is None else prefectures).count()
    counts = {}
    rows = []
    for target in NATIONAL_TARGETS:
        code, deadline = target["referential_code"], target["deadline"]
        judged_on = min(on, deadline)
        if judged_on not in counts:
            counts[judged_on] = labelled_counts(judged_on, prefectures=prefectures)
        figures = counts[judged_on].get(code, {"prefectures": 0, "subprefectures": 0})
        labelled = figures["prefectures"]
        share = round(100 * labelled / total, 1) if total else 0
        if deadline > on:
            state = "pending"
        elif share >= target["share"]:
            state = "reached"
        else:
            state = "missed"
        rows.append(
            {
                **target,
                "labelled": labelled,
                "subprefectures_labelled": figures["subprefectures"],
                "total": total,
                "current": share,
                "state": state,
                "judged_on": judged_on,
            }
        )
    return rows
