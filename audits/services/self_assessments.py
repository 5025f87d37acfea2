"""« L'autoévaluation trimestrielle des conditions d'accueil » of a site (docs/domaine.md, § Audits et constats).

A self-assessment audit (``Audit.Kind.SELF_ASSESSMENT``) of one site, one per site and quarter, whose grid is the
short checklist of the engagements on reception conditions of the référentiel of the site's running labelling
cycle (``RECEPTION_CONDITIONS``, by their stable codes). The referent of the site or the quality manager starts it
and fills it on site (its grid is written by ``audits.services.grid``); each gap (a cell « non conforme ») becomes
an action of the plan once (``gap_create_action``).
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from accounts import access
from audits.models import Assessment, Audit, QuarterlySelfAssessment
from audits.services.audits import save_new_audit
from audits.services.grid import Result
from engagements.models import Action, Engagement, Labelling
from engagements.services import actions as action_services
from qualipref.lib.models import count_of
from sites.models import Site

# The engagements checked each quarter on site, by référentiel code: what a visitor meets on the spot (published
# hours and access, busy hours shown, priority reception and accessibility, courtesy, signage, waiting rooms,
# pre-reception, confidentiality). Codes are stable from one version to the next (engagements/referentials).
RECEPTION_CONDITIONS = {
    "MARIANNE": ("MAR-E01", "MAR-E02", "MAR-E03", "MAR-E05", "MAR-E06", "MAR-E07", "MAR-E08", "MAR-E09"),
    "QP": tuple(f"QP-M1-E0{number}" for number in range(1, 9)),
    "QP2": tuple(f"QP2-M1-E0{number}" for number in range(1, 9)),
}
BODY = "Autoévaluation trimestrielle des conditions d'accueil"
TITLE_MAX_LENGTH = 250


def quarter_of(day):
    return (day.month - 1) // 3 + 1


def quarter_bounds(year, quarter):
    """(first day, last day) of the quarter."""
    first = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return first, following - datetime.timedelta(days=1)


def running_labelling(site):
    """The running labelling cycle whose perimeter holds the site (None when there is none)."""
    return (
        Labelling.objects.current()
        .filter(prefecture_id=site.prefecture_id, sites=site)
        .select_related("referential")
        .order_by("-pk")
        .first()
    )


def checklist_engagements(labelling):
    """The engagements on reception conditions of the cycle's référentiel, within its perimeter of modules."""
    codes = RECEPTION_CONDITIONS.get(labelling.referential.code, ())
    return (
        Engagement.objects.filter(
            referential_id=labelling.referential_id, code__in=codes, module__in=labelling.modules.all()
        )
        .select_related("module")
        .order_by("module__number", "number")
    )


@transaction.atomic
def self_assessment_start(*, by, site, year=None, quarter=None, on=None) -> QuarterlySelfAssessment:
    """Start the quarterly self-assessment of reception conditions of ``site`` (the current quarter by default,
    or a quarter already begun); refused when the site already has the quarter's."""
    if not access.can_start_self_assessment(by, site):
        raise PermissionDenied(
            "Seuls le responsable qualité de la préfecture et le référent du site commencent son autoévaluation "
            "trimestrielle."
        )
    site = Site.objects.select_for_update().get(pk=site.pk)  # two starts of the same quarter wait for each other
    on = on or timezone.localdate()
    year = year or on.year
    quarter = quarter or quarter_of(on)
    errors = {}
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        errors["quarter"] = "Choisissez un trimestre (T1 à T4) d'une année valide."
    elif quarter_bounds(year, quarter)[0] > on:
        errors["quarter"] = f"Le trimestre T{quarter} {year} n'a pas commencé : son autoévaluation attendra."
    elif QuarterlySelfAssessment.objects.filter(site=site, year=year, quarter=quarter).exists():
        errors["quarter"] = (
            f"L'autoévaluation trimestrielle des conditions d'accueil du T{quarter} {year} du site « {site.name} » "
            "est déjà commencée : complétez-la plutôt que d'en commencer une seconde."
        )
    labelling = running_labelling(site)
    engagements = []
    if labelling is None:
        errors["site"] = (
            f"Le site « {site.name} » n'est dans le périmètre d'aucun cycle de labellisation en cours : "
            "l'autoévaluation porte sur les engagements de son référentiel."
        )
    else:
        engagements = list(checklist_engagements(labelling))
        if not engagements:
            errors["site"] = (
                f"Le référentiel du cycle ({labelling.referential}) n'a aucun engagement sur les conditions "
                "d'accueil dans son périmètre."
            )
    if errors:
        raise ValidationError(errors)
    modules = list({engagement.module_id: engagement.module for engagement in engagements}.values())
    audit = save_new_audit(
        labelling,
        by=by,
        sites=[site],
        modules=modules,
        kind=Audit.Kind.SELF_ASSESSMENT,
        body=BODY,
        start_on=on,
        end_on=on,
        created_by=by,
    )
    check = QuarterlySelfAssessment.objects.create(audit=audit, site=site, year=year, quarter=quarter)
    check.engagements.set(engagements)
    return check


@transaction.atomic
def gap_create_action(*, by, assessment) -> Action:
    """A gap of a self-assessment (a cell « non conforme ») becomes an action of the prefecture's current plan, on
    the cell's site and engagement, source « Autoévaluation », linked to the cell: once only."""
    cell = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("audit__prefecture", "engagement", "site")
        .get(pk=assessment.pk)
    )
    if not access.can_create_action_from_gap(by, cell):
        raise PermissionDenied("Seuls le responsable qualité et le référent du site créent des actions.")
    audit = cell.audit
    if audit.kind != Audit.Kind.SELF_ASSESSMENT:
        raise ValidationError({"result": "Seuls les écarts d'une autoévaluation deviennent ainsi des actions."})
    if cell.result not in Assessment.NONCONFORMITIES:
        raise ValidationError({"result": "Seul un engagement « non conforme » devient une action."})
    existing = Action.objects.from_source(cell).first()
    if existing is not None:
        raise ValidationError({"result": f"Cet écart est déjà devenu l'action « {existing.title} »."})
    check = QuarterlySelfAssessment.objects.filter(audit=audit).first()
    when = f"autoévaluation {check.label}" if check else audit.title[0].lower() + audit.title[1:]
    engagement = cell.engagement
    title = f"{engagement.code} – {engagement.title} ({when}, {cell.site.name})"
    return action_services.action_create_from_source(
        by=by,
        source_object=cell,
        source=Action.Source.SELF_ASSESSMENT,
        prefecture=audit.prefecture,
        title=title[:TITLE_MAX_LENGTH],
        description=cell.comment or f"Écart relevé à l'{when}.",
    )


def gap_actions(cells):
    """{assessment id: action} of the cells turned into actions (one query)."""
    ids = [cell.pk for cell in cells if cell is not None]
    if not ids:
        return {}
    actions = Action.objects.filter(source_type=ContentType.objects.get_for_model(Assessment), source_id__in=ids)
    return {action.source_id: action for action in actions}


# --- a site's year ---------------------------------------------------------------------------------


@dataclass
class QuarterRow:
    year: int
    quarter: int
    check: QuarterlySelfAssessment | None
    state: str  # done, in_progress, missing, due, upcoming
    assessed: int = 0
    total: int = 0
    gaps: int = 0

    STATES = {
        "done": "Faite",
        "in_progress": "En cours",
        "missing": "Manquante",
        "due": "À faire",
        "upcoming": "À venir",
    }

    @property
    def label(self):
        return f"T{self.quarter} {self.year}"

    @property
    def state_label(self):
        return self.STATES[self.state]

    @property
    def may_start(self):
        return self.check is None and self.state in ("missing", "due")


def site_year(site, year, *, on=None):
    """The four quarters of ``year`` for ``site``: which self-assessments are done, in progress, missing (a past
    quarter without one), due (the current quarter) or upcoming; in one query."""
    on = on or timezone.localdate()
    cells = Assessment.objects.filter(audit=OuterRef("audit"), site=OuterRef("site"))
    checklist = QuarterlySelfAssessment.engagements.through.objects.filter(quarterlyselfassessment=OuterRef("pk"))
    checks = {
        check.quarter: check
        for check in QuarterlySelfAssessment.objects.filter(site=site, year=year)
        .select_related("audit")
        .annotate(
            total=count_of(checklist),
            assessed=count_of(cells.exclude(result=Result.NOT_ASSESSED)),
            gaps=count_of(cells.filter(result__in=Assessment.NONCONFORMITIES)),
        )
    }
    rows = []
    for quarter in (1, 2, 3, 4):
        check = checks.get(quarter)
        first, last = quarter_bounds(year, quarter)
        if check is not None:
            state = "done" if check.assessed >= check.total else "in_progress"
            rows.append(QuarterRow(year, quarter, check, state, check.assessed, check.total, check.gaps))
            continue
        state = "upcoming" if first > on else "due" if last >= on else "missing"
        rows.append(QuarterRow(year, quarter, None, state))
    return rows
