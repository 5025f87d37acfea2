"""The writes of the programme: its rules (``rule_save``, ``rule_delete``), the build of a prefecture's year
(``programme_build``), the links to what fulfils each item (``link_fulfilments``, ``unlink``) and the daily sweep
(``refresh_programmes``).

A build is idempotent: items are found by their ``slot``; fulfilled items, manual items (no slot) and items whose
window is over are kept as they are; the others follow the rules and the labelling cycle (updated, created, or
removed when nothing plans them any more). Every function reads and writes a constant number of queries, whatever
the number of items.
"""

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access
from audits.models import Audit, QuarterlySelfAssessment
from engagements.models import Labelling, Meeting
from qualipref.lib import data_version
from qualipref.lib.dates import short_date
from qualipref.lib.models import save_with_history
from qualipref.lib.months import MONTHS
from sites.models import Prefecture, Site
from surveys.models import Campaign

from .models import MONTH_KINDS, RULE_KINDS, Kind, PlannedItem, ProgrammeRule, month_window

RULE_FIELDS = ("kind", "site", "month", "end_month", "first_year", "active", "note")
# A follow-up or renewal audit is planned in the months before its due date.
CYCLE_WINDOW_DAYS = 90
# From this month on, the daily sweep builds next year's programme too (the yearly review's outlook reads it).
NEXT_YEAR_FROM_MONTH = 10


@dataclasses.dataclass
class Planned:
    """An item as the rules and the cycle want it."""

    slot: str
    kind: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    site_id: int | None = None
    rule_id: int | None = None


@dataclasses.dataclass
class BuildResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    linked: int = 0


# --- rules ----------------------------------------------------------------------------------------


@transaction.atomic
def rule_save(*, by, prefecture, rule=None, **fields) -> ProgrammeRule:
    """Create (``rule`` None) or change a rule of ``prefecture``'s programme, then rebuild its current year (and the
    next one if it was built): the future unfulfilled items follow the rule."""
    if not access.can_manage_programme(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie les règles de son programme.")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    if rule is None:
        rule = ProgrammeRule(prefecture=prefecture)
        kind = fields.get("kind")
        if kind in MONTH_KINDS and fields.get("month") is None:
            fields["month"] = MONTH_KINDS[kind]
        if kind == Kind.SURVEY and fields.get("end_month") is None and fields.get("month") == MONTH_KINDS[kind]:
            fields["end_month"] = 6
    elif rule.prefecture_id != prefecture.pk:
        raise ValidationError("Cette règle est celle d'une autre préfecture.")
    for name, value in fields.items():
        setattr(rule, name, value)
    if rule.kind not in RULE_KINDS:
        raise ValidationError({"kind": "Choisissez la nature : COPIL, CLU, autoévaluation, enquête ou audit interne."})
    rule.full_clean()
    save_with_history(rule, by=by, reason="Règle du programme")
    _rebuild_after_rule_change(prefecture)
    return rule


@transaction.atomic
def rule_delete(*, by, rule):
    """Remove a rule: its future unfulfilled items go with it, its past and fulfilled ones stay."""
    prefecture = rule.prefecture
    if not access.can_manage_programme(by, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie les règles de son programme.")
    rule._history_user = by
    rule.delete()
    _rebuild_after_rule_change(prefecture)


def _rebuild_after_rule_change(prefecture):
    today = timezone.localdate()
    years = {today.year} | set(
        PlannedItem.objects.filter(prefecture=prefecture, year__gt=today.year).values_list("year", flat=True)
    )
    for year in sorted(years):
        programme_build(prefecture=prefecture, year=year, today=today)


# --- what the rules and the cycle plan ------------------------------------------------------------


def of_month(month):
    """« de mars », « d'avril »."""
    name = MONTHS[month - 1]
    return f"d'{name}" if name[0] in "aeiou" else f"de {name}"


def _planned_by_rules(rules, sites, year):
    for rule in rules:
        kind = Kind(rule.kind)
        if kind == Kind.COPIL:
            for month in range(1, 13):
                yield Planned(
                    f"copil:{year}-{month:02d}",
                    kind,
                    f"COPIL qualité {of_month(month)} {year}",
                    *month_window(year, month),
                    rule_id=rule.pk,
                )
        elif kind == Kind.SELF_ASSESSMENT:
            for site in sites:
                for quarter in range(1, 5):
                    yield Planned(
                        f"self_assessment:{site.pk}:{year}-Q{quarter}",
                        kind,
                        f"Autoévaluation T{quarter} {year} – {site.name}",
                        *month_window(year, 3 * quarter - 2, 3 * quarter),
                        site_id=site.pk,
                        rule_id=rule.pk,
                    )
        elif kind in MONTH_KINDS:
            # Once a year, in the rule's month (the survey's months; only an internal audit names a site).
            yield Planned(
                f"rule:{rule.pk}:{year}",
                kind,
                _yearly_title(rule, kind, year),
                *month_window(year, rule.month, rule.end_month),
                site_id=rule.site_id,
                rule_id=rule.pk,
            )


def _yearly_title(rule, kind, year):
    if kind == Kind.CLU:
        return f"Comité local des usagers {year}"
    if kind == Kind.SURVEY:
        return f"Enquête de satisfaction {year}"
    where = rule.site.name if rule.site_id else "toute la préfecture"
    return f"Audit interne {year} – {where}"


def _planned_by_cycle(labellings, year):
    """The follow-up and renewal audits the running labelled cycles are due for in ``year``."""
    dues = (
        ("next_audit_due", (Labelling.Status.GRANTED,), Kind.FOLLOW_UP_AUDIT, "follow_up"),
        ("renewal_due", (Labelling.Status.GRANTED, Labelling.Status.RENEWAL), Kind.RENEWAL_AUDIT, "renewal"),
    )
    for labelling in labellings:
        for field, statuses, kind, prefix in dues:
            due_on = getattr(labelling, field)
            if labelling.status not in statuses or due_on is None or due_on.year != year:
                continue
            yield Planned(
                f"{prefix}:{labelling.pk}:{due_on.isoformat()}",
                kind,
                f"{kind.label} (avant le {short_date(due_on)})",
                max(due_on - datetime.timedelta(days=CYCLE_WINDOW_DAYS), datetime.date(year, 1, 1)),
                due_on,
            )


def _wanted(prefecture, year):
    """{slot: Planned}: what ``prefecture``'s active rules of ``year`` and its labelling cycle plan (3 queries)."""
    rules = list(
        ProgrammeRule.objects.filter(prefecture=prefecture, active=True)
        .filter(Q(first_year__isnull=True) | Q(first_year__lte=year))
        .select_related("site")
    )
    sites = (
        list(Site.objects.filter(prefecture=prefecture, is_active=True).order_by("name", "pk"))
        if any(rule.kind == Kind.SELF_ASSESSMENT for rule in rules)
        else []
    )
    labellings = Labelling.objects.filter(
        prefecture=prefecture, status__in=(Labelling.Status.GRANTED, Labelling.Status.RENEWAL)
    )
    wanted = {}
    for planned in (*_planned_by_rules(rules, sites, year), *_planned_by_cycle(labellings, year)):
        wanted.setdefault(planned.slot, planned)
    return wanted


def planned_of_year(prefecture, year):
    """[Planned] of ``prefecture``'s programme of ``year`` in the order of their windows, without writing: its items
    once built, else what its rules and cycle would plan (the yearly review's outlook reads the next year, which the
    daily sweep builds only from October). 1 query, or 4 when the year is not built."""
    items = list(
        PlannedItem.objects.for_year(prefecture, year)
        .order_by("starts_on", "ends_on", "kind", "pk")
        .values_list("slot", "kind", "title", "starts_on", "ends_on", "site_id", "rule_id")
    )
    if items:
        return [Planned(*item) for item in items]
    return sorted(_wanted(prefecture, year).values(), key=lambda p: (p.starts_on, p.ends_on, p.kind, p.slot))


@transaction.atomic
def programme_build(*, prefecture, year, today=None) -> BuildResult:
    """Build or refresh ``prefecture``'s programme of ``year`` from its active rules and its labelling cycle, then
    link what fulfils its items. Idempotent; 8 to 11 queries whatever the number of items."""
    today = today or timezone.localdate()
    wanted = _wanted(prefecture, year)
    existing = {
        item.slot: item for item in PlannedItem.objects.filter(prefecture=prefecture, year=year).exclude(slot="")
    }
    result = BuildResult()
    to_update, to_remove = [], []
    for slot, item in existing.items():
        planned = wanted.get(slot)
        if item.fulfilment_id is not None:
            continue
        if planned is None:
            if item.ends_on >= today:
                to_remove.append(item.pk)
            continue
        if item.ends_on < today and planned.ends_on < today:
            continue  # a past window stays as it was planned (late, or fulfilled later by a record of its window)
        values = {
            "kind": planned.kind,
            "title": planned.title,
            "starts_on": planned.starts_on,
            "ends_on": planned.ends_on,
            "site_id": planned.site_id,
            "rule_id": planned.rule_id,
        }
        if any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            to_update.append(item)
    new = [
        PlannedItem(
            prefecture=prefecture,
            year=year,
            slot=planned.slot,
            kind=planned.kind,
            title=planned.title,
            starts_on=planned.starts_on,
            ends_on=planned.ends_on,
            site_id=planned.site_id,
            rule_id=planned.rule_id,
        )
        for slot, planned in wanted.items()
        if slot not in existing
    ]
    if to_remove:
        PlannedItem.objects.filter(pk__in=to_remove).delete()
    if to_update:
        PlannedItem.objects.bulk_update(
            to_update, ["kind", "title", "starts_on", "ends_on", "site_id", "rule_id", "updated_at"]
        )
    if new:
        PlannedItem.objects.bulk_create(new)
    result.created, result.updated, result.removed = len(new), len(to_update), len(to_remove)
    result.linked = link_fulfilments(prefecture_ids=[prefecture.pk])
    if new or to_update or to_remove:
        data_version.bump()
    return result


# --- links to what fulfils an item ----------------------------------------------------------------


def _candidates(kinds, prefecture_ids, first, last):
    """{kind: [(content type, id, prefecture id, site ids or None, day, extra)]} of the records of the window
    ``first`` .. ``last`` that may fulfil items of ``kinds``: one query per source."""
    found = {}
    meeting_kinds = {Kind.COPIL: Meeting.Kind.COPIL, Kind.CLU: Meeting.Kind.CLU}
    wanted_meetings = [meeting_kinds[kind] for kind in kinds if kind in meeting_kinds]
    if wanted_meetings:
        meeting_type = ContentType.objects.get_for_model(Meeting)
        for pk, prefecture_id, kind, held_on in Meeting.objects.filter(
            prefecture_id__in=prefecture_ids, kind__in=wanted_meetings, held_on__range=(first, last)
        ).values_list("pk", "prefecture_id", "kind", "held_on"):
            found.setdefault(Kind(kind), []).append((meeting_type, pk, prefecture_id, None, held_on, None))
    if Kind.SURVEY in kinds:
        campaign_type = ContentType.objects.get_for_model(Campaign)
        for pk, prefecture_id, opens_on, closes_on in Campaign.objects.filter(
            prefecture_id__in=prefecture_ids, opens_on__lte=last, closes_on__gte=first
        ).values_list("pk", "prefecture_id", "opens_on", "closes_on"):
            found.setdefault(Kind.SURVEY, []).append((campaign_type, pk, prefecture_id, None, opens_on, closes_on))
    audit_kinds = {
        Kind.INTERNAL_AUDIT: Audit.Kind.INTERNAL,
        Kind.FOLLOW_UP_AUDIT: Audit.Kind.FOLLOW_UP,
        Kind.RENEWAL_AUDIT: Audit.Kind.RENEWAL,
    }
    wanted_audits = {audit_kinds[kind]: kind for kind in kinds if kind in audit_kinds}
    if wanted_audits:
        audit_type = ContentType.objects.get_for_model(Audit)
        audits = list(
            Audit.objects.filter(
                prefecture_id__in=prefecture_ids, kind__in=wanted_audits, start_on__range=(first, last)
            ).values_list("pk", "prefecture_id", "kind", "start_on")
        )
        sites = {}
        if Kind.INTERNAL_AUDIT in kinds and audits:
            for audit_id, site_id in Audit.sites.through.objects.filter(
                audit_id__in=[row[0] for row in audits]
            ).values_list("audit_id", "site_id"):
                sites.setdefault(audit_id, set()).add(site_id)
        for pk, prefecture_id, kind, start_on in audits:
            found.setdefault(wanted_audits[kind], []).append(
                (audit_type, pk, prefecture_id, sites.get(pk, set()), start_on, None)
            )
    if Kind.SELF_ASSESSMENT in kinds:
        check_type = ContentType.objects.get_for_model(QuarterlySelfAssessment)
        for pk, prefecture_id, site_id, year, quarter, start_on in QuarterlySelfAssessment.objects.filter(
            audit__prefecture_id__in=prefecture_ids, year__range=(first.year, last.year)
        ).values_list("pk", "audit__prefecture_id", "site_id", "year", "quarter", "audit__start_on"):
            found.setdefault(Kind.SELF_ASSESSMENT, []).append(
                (check_type, pk, prefecture_id, {site_id}, start_on, datetime.date(year, 3 * quarter - 2, 1))
            )
    for rows in found.values():
        rows.sort(key=lambda row: (row[4], row[1]))
    return found


def _fulfils(item, candidate):
    _type, _pk, prefecture_id, site_ids, day, extra = candidate
    if prefecture_id != item.prefecture_id:
        return False
    if item.kind == Kind.SELF_ASSESSMENT:
        # One per site and quarter: the quarter's own self-assessment, whenever it was started.
        return item.site_id in site_ids and extra == item.starts_on
    if item.site_id is not None and (site_ids is None or item.site_id not in site_ids):
        return False
    if item.kind == Kind.SURVEY:
        return day <= item.ends_on and extra >= item.starts_on  # the campaign runs in the window
    return item.starts_on <= day <= item.ends_on


def link_fulfilments(*, prefecture_ids, kinds=None) -> int:
    """Link the unfulfilled items of these prefectures to the records that fulfil them (a record fulfils one item:
    the earliest of its window). Returns how many were linked; about 4 to 9 queries, whatever the volume."""
    items = list(
        PlannedItem.objects.filter(prefecture_id__in=prefecture_ids, fulfilment_id__isnull=True)
        .filter(**({"kind__in": kinds} if kinds else {}))
        .order_by("starts_on", "ends_on", "pk")
    )
    if not items:
        return 0
    first, last = min(item.starts_on for item in items), max(item.ends_on for item in items)
    candidates = _candidates({Kind(item.kind) for item in items}, prefecture_ids, first, last)
    if not candidates:
        return 0
    used = set(
        PlannedItem.objects.filter(prefecture_id__in=prefecture_ids, fulfilment_id__isnull=False).values_list(
            "fulfilment_type_id", "fulfilment_id"
        )
    )
    linked = []
    for item in items:
        for candidate in candidates.get(Kind(item.kind), ()):
            content_type, pk = candidate[0], candidate[1]
            if (content_type.pk, pk) in used or not _fulfils(item, candidate):
                continue
            used.add((content_type.pk, pk))
            item.fulfilment_type, item.fulfilment_id, item.fulfilled_on = content_type, pk, candidate[4]
            linked.append(item)
            break
    if linked:
        PlannedItem.objects.bulk_update(linked, ["fulfilment_type", "fulfilment_id", "fulfilled_on", "updated_at"])
        data_version.bump()
    return len(linked)


def record_saved(*, model, pk, prefecture_id, kinds):
    """A meeting, an audit, a campaign or a self-assessment was saved (planning.signals, on commit): if it fulfils an
    item whose window it has left (its date changed), the item is due again; then the prefecture's items of
    ``kinds`` are linked (this record may fulfil another one)."""
    content_type = ContentType.objects.get_for_model(model)
    item = PlannedItem.objects.filter(fulfilment_type=content_type, fulfilment_id=pk).first()
    if item is not None:
        candidates = _candidates({Kind(item.kind)}, [item.prefecture_id], item.starts_on, item.ends_on)
        still = [
            candidate
            for candidate in candidates.get(Kind(item.kind), ())
            if candidate[0] == content_type and candidate[1] == pk and _fulfils(item, candidate)
        ]
        if not still:
            unlink(model=model, pk=pk)
        elif still[0][4] != item.fulfilled_on:
            PlannedItem.objects.filter(pk=item.pk).update(fulfilled_on=still[0][4], updated_at=timezone.now())
    return link_fulfilments(prefecture_ids=[prefecture_id], kinds=kinds)


def unlink(*, model, pk):
    """The record ``pk`` of ``model`` was deleted: the item it fulfilled is due again (the next link may find
    another record)."""
    content_type = ContentType.objects.get_for_model(model)
    unlinked = PlannedItem.objects.filter(fulfilment_type=content_type, fulfilment_id=pk).update(
        fulfilment_type=None, fulfilment_id=None, fulfilled_on=None, updated_at=timezone.now()
    )
    if unlinked:
        data_version.bump()
    return unlinked


def refresh_programmes(*, today=None) -> dict:
    """The daily sweep: rebuild this year's programme (and next year's from October) of every prefecture that has
    rules or a labelled cycle, and link what was recorded since. {prefecture id: BuildResult}."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= NEXT_YEAR_FROM_MONTH else [])
    prefectures = Prefecture.objects.filter(
        Q(programme_rules__active=True) | Q(labellings__status__in=(Labelling.Status.GRANTED, Labelling.Status.RENEWAL))
    ).distinct()
    results = {}
    for prefecture in prefectures:
        for year in years:
            results[(prefecture.pk, year)] = programme_build(prefecture=prefecture, year=year, today=today)
    return results
