"""The assessment grid (every engagement in scope × every audited site) and the mystery visits that feed it.

A cell never saved is « non évalué ». Cells are written one at a time (the grid page autosaves each change),
pre-filled in bulk from the previous audit of the same cycle (only the cells still « non évalué », never what was
entered), or fed by the scored criteria of the mystery visits and calls:

    share of the points of the criteria of an engagement on a site
    ≥ 80 % conforme ; ≥ 50 % non-conformité mineure ; below, non-conformité majeure
"""

import uuid
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import access
from audits.models import Assessment, Audit, MysteryCriterion, MysteryVisit, QuarterlySelfAssessment
from engagements.models import Engagement
from engagements.services.documents import documents_by_engagement
from qualipref.lib import uploads

Result = Assessment.Result
Origin = Assessment.Origin

COMMENT_MAX_LENGTH = 5000
MYSTERY_COMPLIANT_SHARE = 80  # %
MYSTERY_MINOR_SHARE = 50  # %
# Criteria offered when a visit or a call is entered (the auditor adjusts them).
MYSTERY_CRITERIA = {
    MysteryVisit.Channel.CALL: ("Décroché en moins de 5 sonneries", "Accueil courtois", "Réponse exacte et complète"),
    MysteryVisit.Channel.VISIT: (
        "Orientation et signalétique claires",
        "Attente conforme à l'engagement affiché",
        "Accueil courtois",
        "Réponse exacte et complète",
    ),
    MysteryVisit.Channel.EMAIL: ("Réponse en moins de 5 jours ouvrés", "Réponse exacte et complète"),
}


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- scope of the grid --------------------------------------------------------------------------------


def scope_engagements(audit):
    """The engagements of the audited modules, in the order of the référentiel; for a quarterly self-assessment of
    reception conditions, only those of its checklist (``audits.services.self_assessments``), in the same query."""
    engagements = Engagement.objects.filter(module__in=audit.modules.all())
    if audit.kind == Audit.Kind.SELF_ASSESSMENT:
        checklist = QuarterlySelfAssessment.engagements.through.objects.filter(quarterlyselfassessment__audit=audit)
        engagements = engagements.filter(
            ~Exists(QuarterlySelfAssessment.objects.filter(audit=audit)) | Q(pk__in=checklist.values("engagement_id"))
        )
    return engagements.select_related("module").order_by("module__number", "number")


def scope_sites(audit):
    return audit.sites.order_by("kind", "name")


def _require_filler(by, audit, on=None):
    """PermissionDenied unless ``by`` may write the grid and findings of the audit now; ValidationError when the
    audit no longer accepts them (report delivered)."""
    refusal = access.audit_window_refusal(by, audit, on)
    if refusal:
        raise PermissionDenied(refusal)
    if not access.can_fill_audit(by, audit, on):
        raise PermissionDenied(
            "Seuls les auditeurs de cet audit et le responsable qualité de la préfecture le remplissent (et, pour "
            "une autoévaluation, le référent de son site)."
        )
    if not audit.is_editable:
        raise ValidationError(
            f"L'audit est « {audit.get_status_display()} » : la grille, les constats et les visites ne se modifient "
            "plus une fois le rapport remis."
        )


# --- the cells ------------------------------------------------------------------------------------


def _check_cell(audit, *, engagement, site, errors):
    if site is None or not audit.sites.filter(pk=site.pk).exists():
        errors.setdefault("site", "Ce site n'est pas dans le périmètre de l'audit.")
    if engagement is None or not scope_engagements(audit).filter(pk=engagement.pk).exists():
        errors.setdefault("engagement", "Cet engagement ne relève pas des modules audités.")


@transaction.atomic
def assessment_record(
    *, by, audit, engagement, site, result=None, comment=None, evidence=None, remove_evidence=False
) -> Assessment:
    """Write one cell of the grid (result, comment, evidence: only what is given changes)."""
    _require_filler(by, audit)
    errors = {}
    _check_cell(audit, engagement=engagement, site=site, errors=errors)
    if result is not None and result not in Result.values:
        errors["result"] = "Résultat inconnu : conforme, non-conformité mineure ou majeure, non applicable, non évalué."
    if comment is not None and len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = f"Le commentaire dépasse {COMMENT_MAX_LENGTH} caractères."
    kind = None
    if evidence is not None:
        try:
            kind = uploads.check_document(evidence, field="evidence")
        except ValidationError as error:
            errors.update(error.message_dict)
    _raise(errors)
    cell = Assessment.objects.select_for_update().filter(audit=audit, engagement=engagement, site=site).first()
    if cell is None:
        cell = Assessment(audit=audit, engagement=engagement, site=site)
    if result is not None:
        cell.result = result
    if comment is not None:
        cell.comment = comment.strip()
    cell.origin = Origin.ENTERED
    cell.assessed_by = by
    old_file = cell.evidence.name if (evidence is not None or remove_evidence) and cell.evidence else None
    if remove_evidence and evidence is None:
        cell.evidence = ""
        cell.evidence_name = ""
    if evidence is not None:
        extension = uploads.DOCUMENT_TYPES[kind][2][0]
        cell.evidence_name = PurePath(evidence.name or "").name[-200:]
        cell.evidence.save(f"{uuid.uuid4().hex}{extension}", evidence, save=False)
    cell._history_user = by
    cell.save()
    if old_file:
        storage = cell.evidence.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return cell


def _blank(cell):
    return cell.result == Result.NOT_ASSESSED and not cell.comment


def _mystery_or_not_assessed(cell):
    return cell.origin == Origin.MYSTERY or cell.result == Result.NOT_ASSESSED


def _fill_cells(audit, values, origin, *, overwrite, by, reason) -> int:
    """Write ``values`` ({(engagement_id, site_id): (result, comment)}) into the grid, marked ``origin``: a
    missing cell is created, an existing one (locked) is replaced when ``overwrite(cell)`` says so; with their
    history (``reason``). Returns the number of cells written (grid_prefill, mystery_feed_grid)."""
    existing = {(cell.engagement_id, cell.site_id): cell for cell in audit.assessments.select_for_update()}
    to_create, to_update = [], []
    now = timezone.now()
    for (engagement_id, site_id), (result, comment) in values.items():
        cell = existing.get((engagement_id, site_id))
        if cell is None:
            to_create.append(
                Assessment(
                    audit=audit,
                    engagement_id=engagement_id,
                    site_id=site_id,
                    result=result,
                    comment=comment,
                    origin=origin,
                    assessed_by=by,
                )
            )
        elif overwrite(cell):
            cell.result, cell.comment, cell.origin, cell.assessed_by, cell.updated_at = result, comment, origin, by, now
            to_update.append(cell)
    if to_create:
        bulk_create_with_history(to_create, Assessment, default_user=by, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(
            to_update,
            Assessment,
            fields=["result", "comment", "origin", "assessed_by", "updated_at"],
            default_user=by,
            default_change_reason=reason,
        )
    return len(to_create) + len(to_update)


@transaction.atomic
def grid_prefill(*, by, audit, source=None) -> int:
    """Copy the results and comments of the previous audit of the same cycle (or ``source``, an earlier audit of
    the same cycle) into the cells still « non évalué »; returns the number of cells filled."""
    from audits.services.audits import previous_audit

    _require_filler(by, audit)
    source = source or previous_audit(audit)
    if source is None:
        raise ValidationError("Aucun audit précédent dans ce cycle de labellisation : rien à reprendre.")
    if source.labelling_id != audit.labelling_id or source.pk == audit.pk or source.start_on > audit.start_on:
        raise ValidationError("On ne reprend que la grille d'un audit antérieur du même cycle de labellisation.")
    site_ids = set(audit.sites.values_list("pk", flat=True))
    engagement_ids = set(scope_engagements(audit).values_list("pk", flat=True))
    previous = [
        cell
        for cell in source.assessments.exclude(result=Result.NOT_ASSESSED)
        if cell.site_id in site_ids and cell.engagement_id in engagement_ids
    ]
    label = f"Repris de l'{source.title[0].lower()}{source.title[1:]}"
    values = {
        (old.engagement_id, old.site_id): (
            old.result,
            f"{old.comment}\n({label})".strip() if old.comment else f"({label})",
        )
        for old in previous
    }
    return _fill_cells(audit, values, Origin.PREFILLED, overwrite=_blank, by=by, reason=label)


# --- reading the grid -----------------------------------------------------------------------------


@dataclass
class Cell:
    engagement: Engagement
    site: object
    assessment: Assessment | None = None

    @property
    def result(self):
        return self.assessment.result if self.assessment else Result.NOT_ASSESSED

    @property
    def result_label(self):
        return Result(self.result).label

    @property
    def is_gap(self):
        """« Non conforme » (minor or major): what a self-assessment turns into an action."""
        return self.result in Assessment.NONCONFORMITIES

    @property
    def comment(self):
        return self.assessment.comment if self.assessment else ""

    @property
    def is_assessed(self):
        return self.result != Result.NOT_ASSESSED


@dataclass
class ModuleRows:
    module: object
    rows: list = field(default_factory=list)  # [(engagement, [Cell per site])]


@dataclass
class Grid:
    sites: list
    modules: list  # [ModuleRows]
    total: int = 0
    assessed: int = 0
    counts: dict = field(default_factory=dict)  # result -> number of cells

    @property
    def percent(self):
        return round(100 * self.assessed / self.total) if self.total else 0

    @property
    def engagement_count(self):
        return sum(len(module.rows) for module in self.modules)


def build_grid(audit, *, sites=None):
    """The grid of an audit for its pages and its report, in 4 queries (engagements, sites, saved cells, and the
    quality documents serving the engagements: each engagement's ``evidence_documents``, those of the audited
    prefecture's register and the national ones, engagements.services.documents.documents_by_engagement)."""
    engagements = list(scope_engagements(audit))
    documents = documents_by_engagement(
        prefecture_id=audit.prefecture_id, engagement_ids=[engagement.pk for engagement in engagements]
    )
    for engagement in engagements:
        engagement.evidence_documents = documents.get(engagement.pk, [])
    all_sites = list(scope_sites(audit))
    shown = [site for site in all_sites if sites is None or site.pk in {s.pk for s in sites}]
    cells = {
        (cell.engagement_id, cell.site_id): cell
        for cell in audit.assessments.select_related("assessed_by").filter(site__in=shown)
    }
    modules, current = [], None
    counts = dict.fromkeys(Result.values, 0)
    for engagement in engagements:
        if current is None or current.module.pk != engagement.module_id:
            current = ModuleRows(module=engagement.module)
            modules.append(current)
        row = []
        for site in shown:
            cell = Cell(engagement=engagement, site=site, assessment=cells.get((engagement.pk, site.pk)))
            counts[cell.result] += 1
            row.append(cell)
        current.rows.append((engagement, row))
    total = len(engagements) * len(shown)
    return Grid(
        sites=shown,
        modules=modules,
        total=total,
        assessed=total - counts[Result.NOT_ASSESSED],
        counts=counts,
    )


def grid_progress(audit):
    """(assessed cells, total cells, percent) of the whole grid, in 3 queries."""
    total = scope_engagements(audit).count() * audit.sites.count()
    assessed = audit.assessments.exclude(result=Result.NOT_ASSESSED).count()
    return assessed, total, round(100 * assessed / total) if total else 0


# --- mystery visits and calls ---------------------------------------------------------------------


def _check_visit(audit, *, site, service, happened_on, scenario, channel, errors):
    if channel not in MysteryVisit.Channel.values:
        errors["channel"] = "Choisissez le canal : visite, appel ou courriel."
    if not (scenario or "").strip():
        errors["scenario"] = "Décrivez le scénario joué (par exemple : demande de renouvellement de titre de séjour)."
    if happened_on is None:
        errors["happened_on"] = "Indiquez la date de la visite ou de l'appel."
    elif happened_on > timezone.localdate():
        errors["happened_on"] = "La date de la visite ou de l'appel ne peut pas être dans le futur."
    if site is None or not audit.sites.filter(pk=site.pk).exists():
        errors["site"] = "Ce site n'est pas dans le périmètre de l'audit."
    elif service is not None and service.site_id != site.pk:
        errors["service"] = "Ce service n'appartient pas au site choisi."


def _check_criteria(audit, criteria, errors):
    """``criteria``: [{"label", "engagement", "score", "max_score"}]; at least one, scores within 0..max."""
    module_ids = set(audit.modules.values_list("pk", flat=True))
    cleaned = []
    for index, criterion in enumerate(criteria or (), start=1):
        label = (criterion.get("label") or "").strip()
        if not label:
            continue
        engagement = criterion.get("engagement")
        try:
            score = int(criterion.get("score"))
            max_score = int(criterion.get("max_score") or 1)
        except (TypeError, ValueError):
            errors.setdefault("criteria", f"Critère {index} (« {label} ») : la note est un nombre entier.")
            continue
        if max_score < 1 or not 0 <= score <= max_score:
            errors.setdefault(
                "criteria", f"Critère {index} (« {label} ») : la note va de 0 à la note maximale ({max_score})."
            )
        if engagement is not None and engagement.module_id not in module_ids:
            errors.setdefault("criteria", f"Critère {index} (« {label} ») : engagement hors des modules audités.")
        cleaned.append(MysteryCriterion(label=label[:200], engagement=engagement, score=score, max_score=max_score))
    if not cleaned and "criteria" not in errors:
        errors["criteria"] = "Notez au moins un critère."
    return cleaned


@transaction.atomic
def mystery_visit_save(
    *,
    by,
    audit,
    site,
    happened_on,
    scenario,
    criteria,
    channel=MysteryVisit.Channel.VISIT,
    service=None,
    notes="",
    visit=None,
) -> MysteryVisit:
    """Record (or, with ``visit``, replace) a mystery visit or call and its scored criteria."""
    _require_filler(by, audit)
    errors = {}
    _check_visit(
        audit, site=site, service=service, happened_on=happened_on, scenario=scenario, channel=channel, errors=errors
    )
    cleaned = _check_criteria(audit, criteria, errors)
    _raise(errors)
    if visit is None:
        visit = MysteryVisit(audit=audit, created_by=by)
    elif visit.audit_id != audit.pk:
        raise ValidationError("Cette visite appartient à un autre audit.")
    visit.channel, visit.site, visit.service = channel, site, service
    visit.happened_on, visit.scenario, visit.notes = happened_on, scenario.strip(), (notes or "").strip()
    visit.save()
    visit.criteria.all().delete()
    for criterion in cleaned:
        criterion.visit = visit
    MysteryCriterion.objects.bulk_create(cleaned)
    return visit


def mystery_result(score, max_score):
    share = 100 * score / max_score
    if share >= MYSTERY_COMPLIANT_SHARE:
        return Result.COMPLIANT
    if share >= MYSTERY_MINOR_SHARE:
        return Result.MINOR_NONCONFORMITY
    return Result.MAJOR_NONCONFORMITY


@transaction.atomic
def mystery_feed_grid(*, by, audit) -> int:
    """Turn the scored criteria of the audit's visits and calls into grid results (engagement × site), leaving the
    cells entered by hand as they are; returns the number of cells written."""
    _require_filler(by, audit)
    totals = {}
    visits = {}
    criteria = MysteryCriterion.objects.filter(visit__audit=audit, engagement__isnull=False).select_related("visit")
    for criterion in criteria:
        key = (criterion.engagement_id, criterion.visit.site_id)
        score, max_score = totals.get(key, (0, 0))
        totals[key] = (score + criterion.score, max_score + criterion.max_score)
        visits.setdefault(key, set()).add(criterion.visit_id)
    if not totals:
        raise ValidationError("Aucun critère des visites et appels mystère n'est rattaché à un engagement.")
    values = {}
    for key, (score, max_score) in totals.items():
        count = len(visits[key])
        comment = (
            f"Enquête mystère : {score}/{max_score} points ({round(100 * score / max_score)} %) "
            f"sur {count} visite{'s' if count > 1 else ''} ou appel{'s' if count > 1 else ''}."
        )
        values[key] = (mystery_result(score, max_score), comment)
    reason = "Résultats de l'enquête mystère"
    return _fill_cells(audit, values, Origin.MYSTERY, overwrite=_mystery_or_not_assessed, by=by, reason=reason)
