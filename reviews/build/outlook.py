"""V – Perspectives: the actions still open at the end of the year (created by then, not done by then, not
abandoned), per site, soonest due first (one query), and the programme of the next year (planning: its items once
built, else what the rules and the labelling cycle plan; one to four queries), summed up per kind as the 2015
document writes it: « COPIL mensuels ; auto-évaluations trimestrielles ; avril : comité local des usagers »."""

from dataclasses import dataclass, field

from django.db.models import F, Q

from engagements.models import Action
from planning import services as planning
from planning.models import CYCLE_KINDS, Kind, month_span
from qualipref.lib.dates import short_date

from .actions import WHOLE_PREFECTURE


@dataclass
class OpenAction:
    site: str
    title: str
    source: str
    due_on: object
    status: str
    late: bool  # due before the end of the year and not done by then


@dataclass
class NextItems:
    """A kind of the next year's programme: « Autoévaluation trimestrielle … : 20, chaque trimestre (5 sites) »."""

    label: str
    count: int
    when: str


@dataclass
class Outlook:
    open_actions: list  # [OpenAction]
    next_year: int = 0
    next_programme: list = field(default_factory=list)  # [NextItems] in the order of the kinds

    def by_site(self):
        grouped = {}
        for action in self.open_actions:
            grouped.setdefault(action.site, []).append(action)
        return list(grouped.items())


def open_at_end_of(prefecture, last):
    """The actions of ``prefecture`` open at the end of the day ``last``: a queryset (one query to read)."""
    return open_among(Action.objects.filter(prefecture=prefecture), last)


def open_among(actions, last):
    """Those of ``actions`` (a queryset: a prefecture's, a region's, every one) open at the end of the day ``last``:
    created by then, not done by then, not abandoned."""
    return (
        actions.filter(created_at__date__lte=last)
        .exclude(status=Action.Status.ABANDONED)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=last))
    )


def _when(kind, items):
    """« chaque mois », « chaque trimestre (5 sites) », « mai – juin », « avant le 27/11/2016 »."""
    if kind in CYCLE_KINDS:
        return ", ".join(f"avant le {short_date(item.ends_on)}" for item in items)
    sites = {item.site_id for item in items if item.site_id}
    where = f" ({len(sites)} site{'s' if len(sites) > 1 else ''})" if len(sites) > 1 else ""
    spans = sorted({(item.starts_on.month, item.ends_on.month) for item in items})
    if spans == [(month, month) for month in range(1, 13)]:
        return "chaque mois" + where
    if spans == [(3 * quarter - 2, 3 * quarter) for quarter in range(1, 5)]:
        return "chaque trimestre" + where
    return ", ".join(month_span(first, end) for first, end in spans) + where


def next_programme(prefecture, year):
    """[NextItems] of ``prefecture``'s programme of ``year``, in the order of the kinds."""
    by_kind = {}
    for item in planning.planned_of_year(prefecture, year):
        by_kind.setdefault(item.kind, []).append(item)
    return [
        NextItems(label=label, count=len(by_kind[kind]), when=_when(kind, by_kind[kind]))
        for kind, label in Kind.choices
        if kind in by_kind
    ]


def build(prefecture, last):
    labels, statuses = dict(Action.Source.choices), dict(Action.Status.choices)
    rows = (
        open_at_end_of(prefecture, last)
        .order_by(F("site__name").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "pk")
        .values_list("site__name", "title", "source", "due_on", "status")
    )
    return Outlook(
        next_year=last.year + 1,
        next_programme=next_programme(prefecture, last.year + 1),
        open_actions=[
            OpenAction(
                site=site or WHOLE_PREFECTURE,
                title=title,
                source=labels.get(source, source),
                due_on=due_on,
                status=statuses.get(status, status),
                late=due_on is not None and due_on <= last,
            )
            for site, title, source, due_on, status in rows
        ],
    )
