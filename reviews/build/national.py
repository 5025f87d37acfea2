"""The figures of a region's or of the whole country's yearly review (national administrators): the five sections
of a prefecture's review, the prefectures added up or compared rather than told one by one.

- I: the prefectures (and sous-préfectures in the perimeter of their cycles) labelled on 31/12 per référentiel and
  version, judged from the cycles' history (engagements.services.labellings.labelled_counts); the labelling events
  of the year by kind; the Qualipref 2.0 targets judged at their dates (``national_progress``);
- II: the actions done in the year per prefecture and source;
- III: per indicator with a target, the share of the prefectures meeting it (each prefecture's latest value of the
  year, its sites added up in the prefectures' rollups, indicators.services.rollups, judged by
  ``Indicator.status_of`` as the boards judge their latest value); the best and the worst prefecture and site
  for each satisfaction rate; the share of complaints answered within 15 working days per prefecture, best and
  worst;
- IV: the national (regional) 12-month trends against targets (indicators.services.boards.national_board);
- V: the actions open at the end of the year per prefecture, and how many of them were late.

Every figure is counted by the database: the number of queries depends neither on the number of prefectures nor
on the year's volume (tests/reviews/test_national.py pins it).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from complaints.models import Complaint
from engagements.models import Action, LabellingStep, Referential
from engagements.services import labellings
from indicators.models import Indicator, Measurement, Status
from indicators.services import boards, rollups
from qualipref.lib.rates import percent
from qualipref.lib.table_export import Column, Table
from sites.models import Prefecture

from .actions import DONE_STATUSES, SOURCE_ORDER
from .indicators import IndicatorTrends, as_float
from .outlook import open_among

# --- I ------------------------------------------------------------------------------------------------------


@dataclass
class LabelCount:
    referential: str  # « Qualipref 2.0 numérique (2.0) »
    prefectures: int
    subprefectures: int
    names: list = field(default_factory=list)  # the prefectures', in the order of the departments


@dataclass
class EventCount:
    kind: str
    count: int


@dataclass
class TargetProgress:
    referential_code: str
    deadline: object
    share: int  # the target (%)
    labelled: int
    total: int
    current: float  # the share reached (%) on judged_on
    state: str
    state_label: str
    judged_on: object
    subprefectures_labelled: int


@dataclass
class WiderPilotage:
    prefectures: int  # in the scope
    labels: list  # [LabelCount] by référentiel code, then version
    events: list  # [EventCount] in the order of LabellingStep.Kind
    targets: list  # [TargetProgress]
    labelled: int = 0  # prefectures labelled on 31/12 on any référentiel (each once, whatever its cycles)


def _pilotage(prefectures, total, in_region, first, last):
    counts = labellings.labelled_counts(last, prefectures=prefectures if in_region else None, per_version=True)
    referentials = Referential.objects.filter(pk__in=counts).order_by("code", "published_on", "version")
    cycles = labellings.labelled_on(last).filter(prefecture__in=prefectures)
    names, labelled = {}, set()
    for referential_id, prefecture_id, name in cycles.order_by("prefecture__department_id").values_list(
        "referential_id", "prefecture_id", "prefecture__name"
    ):
        names.setdefault(referential_id, []).append(name)
        labelled.add(prefecture_id)
    labels = [
        LabelCount(
            referential=str(referential),
            prefectures=counts[referential.pk]["prefectures"],
            subprefectures=counts[referential.pk]["subprefectures"],
            names=list(dict.fromkeys(names.get(referential.pk, []))),
        )
        for referential in referentials
    ]
    steps = LabellingStep.objects.filter(happened_on__range=(first, last))
    if in_region:
        steps = steps.filter(labelling__prefecture__in=prefectures)
    by_kind = dict(steps.order_by().values_list("kind").annotate(n=Count("pk")))
    events = [
        EventCount(kind=label, count=by_kind[kind]) for kind, label in LabellingStep.Kind.choices if kind in by_kind
    ]
    targets = [
        TargetProgress(
            referential_code=row["referential_code"],
            deadline=row["deadline"],
            share=row["share"],
            labelled=row["labelled"],
            total=row["total"],
            current=row["current"],
            state=row["state"],
            state_label=labellings.TARGET_STATES[row["state"]],
            judged_on=row["judged_on"],
            subprefectures_labelled=row["subprefectures_labelled"],
        )
        for row in labellings.national_progress(on=last, prefectures=prefectures if in_region else None)
    ]
    return WiderPilotage(prefectures=total, labels=labels, events=events, targets=targets, labelled=len(labelled))


# --- II -----------------------------------------------------------------------------------------------------


@dataclass
class PrefectureCounts:
    prefecture: str
    counts: list  # one per column of the table
    total: int


@dataclass
class ActionsBySource:
    sources: list  # [label] of the sources with an action done, in SOURCE_ORDER
    rows: list  # [PrefectureCounts] of the prefectures with an action done, in the order of the departments
    totals: list  # per source

    @property
    def count(self):
        return sum(self.totals)


def _actions(prefectures, names, first, last):
    rows = (
        Action.objects.filter(prefecture__in=prefectures, status__in=DONE_STATUSES, completed_on__range=(first, last))
        .order_by()
        .values_list("prefecture_id", "source")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for prefecture_id, source, number in rows:
        counts.setdefault(prefecture_id, {})[source] = number
    labels = dict(Action.Source.choices)
    present = {source for by_source in counts.values() for source in by_source}
    sources = [source for source in SOURCE_ORDER if source in present]
    table = [
        PrefectureCounts(
            prefecture=name,
            counts=[counts[pk].get(source, 0) for source in sources],
            total=sum(counts[pk].values()),
        )
        for pk, name in names.items()
        if pk in counts
    ]
    return ActionsBySource(
        sources=[labels[source] for source in sources],
        rows=table,
        totals=[sum(row.counts[index] for row in table) for index in range(len(sources))],
    )


# --- III ----------------------------------------------------------------------------------------------------


@dataclass
class Commitment:
    indicator: str
    target_label: str
    met: int  # prefectures whose latest value of the year meets the target
    measured: int  # prefectures with a value in the year
    prefectures: int  # in the scope

    @property
    def share(self):
        """Percentage of the prefectures measured that meet the target (None when none was measured)."""
        return percent(self.met, self.measured)


@dataclass
class Ranked:
    name: str
    value: object  # Decimal


@dataclass
class SatisfactionExtremes:
    indicator: str
    target_label: str
    best_prefecture: Ranked | None = None
    worst_prefecture: Ranked | None = None
    best_site: Ranked | None = None
    worst_site: Ranked | None = None
    prefectures: int = 0  # measured
    sites: int = 0  # measured

    @property
    def ranked(self):
        """The four extremes in the order of the table's columns."""
        return [self.best_prefecture, self.worst_prefecture, self.best_site, self.worst_site]


@dataclass
class ComplaintShare:
    prefecture: str
    total: int
    in_time: int

    @property
    def in_time_share(self):
        return percent(self.in_time, self.total)


@dataclass
class WiderEvaluation:
    commitments: list  # [Commitment] in the catalogue's order
    satisfaction: list  # [SatisfactionExtremes]
    complaints: list  # [ComplaintShare] of the prefectures that received some, in the order of the departments
    best_complaints: ComplaintShare | None = None
    worst_complaints: ComplaintShare | None = None

    @property
    def complaints_total(self):
        return ComplaintShare(
            prefecture="Total",
            total=sum(row.total for row in self.complaints),
            in_time=sum(row.in_time for row in self.complaints),
        )


def _latest(rows, key):
    """{key(row): row} of the latest period of each key (``rows`` ordered by period)."""
    latest = {}
    for row in rows:
        latest[key(row)] = row
    return latest


def _extremes(values):
    """(best, worst) of [(name, value)]: the highest and lowest value, the first name on a tie; None without any."""
    if not values:
        return None, None
    ordered = sorted(values, key=lambda item: item[0])
    best = max(ordered, key=lambda item: item[1])
    worst = min(ordered, key=lambda item: item[1])
    return Ranked(*best), Ranked(*worst)


def _evaluation(prefectures, in_region, names, first, last, total):
    indicators = list(Indicator.objects.active().filter(target__isnull=False))
    measurements = Measurement.objects.filter(indicator__in=indicators, prefecture__in=prefectures)
    months = (first, last.replace(day=1))
    # each prefecture's latest month of the year per indicator: its value for the year, as its board judges it
    yearly = rollups.per_prefecture(
        indicators=indicators, first=months[0], last=months[1], prefectures=prefectures if in_region else None
    )
    per_prefecture = _latest(
        sorted(yearly, key=lambda row: row.period), key=lambda row: (row.indicator_id, row.prefecture_id)
    )
    commitments = []
    for indicator in indicators:
        values = [row.value for (pk, _), row in per_prefecture.items() if pk == indicator.pk and row.value is not None]
        commitments.append(
            Commitment(
                indicator=indicator.name,
                target_label=indicator.target_label,
                met=sum(1 for value in values if indicator.status_of(value) == Status.ON_TARGET),
                measured=len(values),
                prefectures=total,
            )
        )
    rates = [
        indicator
        for indicator in indicators
        if indicator.theme == Indicator.Theme.SATISFACTION and indicator.unit == Indicator.Unit.PERCENT
    ]
    site_rows = _latest(
        measurements.filter(indicator__in=rates, site__isnull=False, value__isnull=False)
        .between(*months)
        .order_by("period", "pk")
        .values_list("indicator_id", "site_id", "site__name", "value"),
        key=lambda row: (row[0], row[1]),
    )
    satisfaction = []
    for indicator in rates:
        by_prefecture = [
            (names[pk], row.value)
            for (indicator_id, pk), row in per_prefecture.items()
            if indicator_id == indicator.pk and row.value is not None and pk in names
        ]
        by_site = [
            (name, value)
            for (indicator_id, _), (_, _, name, value) in site_rows.items()
            if indicator_id == indicator.pk
        ]
        if not by_prefecture and not by_site:
            continue
        best_prefecture, worst_prefecture = _extremes(by_prefecture)
        best_site, worst_site = _extremes(by_site)
        satisfaction.append(
            SatisfactionExtremes(
                indicator=indicator.short_name,
                target_label=indicator.target_label,
                best_prefecture=best_prefecture,
                worst_prefecture=worst_prefecture,
                best_site=best_site,
                worst_site=worst_site,
                prefectures=len(by_prefecture),
                sites=len(by_site),
            )
        )
    received = {
        row["prefecture_id"]: row
        for row in Complaint.objects.filter(prefecture__in=prefectures, received_on__range=(first, last))
        .order_by()
        .values("prefecture_id")
        .annotate(total=Count("pk"), in_time=Count("pk", filter=Q(answered_in_time=True)))
    }
    complaints = [
        ComplaintShare(prefecture=name, total=received[pk]["total"], in_time=received[pk]["in_time"])
        for pk, name in names.items()
        if pk in received
    ]
    ranked = sorted(complaints, key=lambda row: row.prefecture)
    return WiderEvaluation(
        commitments=commitments,
        satisfaction=satisfaction,
        complaints=complaints,
        best_complaints=max(ranked, key=lambda row: row.in_time_share) if ranked else None,
        worst_complaints=min(ranked, key=lambda row: row.in_time_share) if ranked else None,
    )


# --- V ------------------------------------------------------------------------------------------------------


@dataclass
class OpenCounts:
    prefecture: str
    count: int
    late: int  # due on or before 31/12 and not done by then


@dataclass
class WiderOutlook:
    rows: list = field(default_factory=list)  # [OpenCounts] of the prefectures with open actions

    @property
    def count(self):
        return sum(row.count for row in self.rows)

    @property
    def late(self):
        return sum(row.late for row in self.rows)


def _outlook(prefectures, names, last):
    counts = {
        row["prefecture_id"]: row
        for row in open_among(Action.objects.filter(prefecture__in=prefectures), last)
        .order_by()
        .values("prefecture_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lte=last)))
    }
    return WiderOutlook(
        rows=[
            OpenCounts(prefecture=name, count=counts[pk]["n"], late=counts[pk]["late"])
            for pk, name in names.items()
            if pk in counts
        ]
    )


# --- the review ---------------------------------------------------------------------------------------------


@dataclass
class WiderReview:
    region: str  # "" for the whole country
    year: int
    pilotage: WiderPilotage
    actions: ActionsBySource
    evaluation: WiderEvaluation
    indicators: IndicatorTrends
    outlook: WiderOutlook
    prefecture = None
    is_wider = True

    @property
    def place_name(self):
        return f"Région {self.region}" if self.region else "France entière"

    def tables(self):
        """The review's tables ([Table]), as its workbook has them (one sheet each)."""
        return tables(self)


def build(region, year):
    """The figures of ``region`` (a sites.Department.region) or, ``region`` empty, of the whole country."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    prefectures = Prefecture.objects.all()
    if region:
        prefectures = prefectures.filter(department__region=region)
    names = dict(prefectures.order_by("department_id").values_list("pk", "name"))
    board = boards.national_board(last=datetime.date(year, 12, 1), months=12, today=last, region=region or None)
    return WiderReview(
        region=region or "",
        year=year,
        pilotage=_pilotage(prefectures, len(names), bool(region), first, last),
        actions=_actions(prefectures, names, first, last),
        evaluation=_evaluation(prefectures, bool(region), names, first, last, len(names)),
        indicators=IndicatorTrends(months=board.months, rows=[row for row in board.rows if row.measured]),
        outlook=_outlook(prefectures, names, last),
    )


def _ranked(item):
    return ("", None) if item is None else (item.name, as_float(item.value))


def tables(review):
    p, a, e, o = review.pilotage, review.actions, review.evaluation, review.outlook
    prefecture = Column("Préfecture", 40)
    return [
        Table(
            title=f"Labels au 31/12/{review.year}",
            columns=[
                Column("Référentiel et version", 40),
                Column("Préfectures", 12),
                Column("Sous-préfectures", 14),
                Column("Préfectures labellisées", 100),
            ],
            rows=[
                [label.referential, label.prefectures, label.subprefectures, ", ".join(label.names)]
                for label in p.labels
            ],
        ),
        Table(
            title="Événements de labellisation de l'année",
            columns=[Column("Événement", 40), Column("Nombre", 10)],
            rows=[[event.kind, event.count] for event in p.events],
        ),
        Table(
            title="Objectifs Qualipref 2.0",
            columns=[
                Column("Échéance", 12),
                Column("Objectif (%)", 12),
                Column("Jugé au", 12),
                Column("Préfectures labellisées", 14),
                Column("Préfectures", 12),
                Column("Part (%)", 10),
                Column("État", 36),
            ],
            rows=[[t.deadline, t.share, t.judged_on, t.labelled, t.total, t.current, t.state_label] for t in p.targets],
        ),
        Table(
            title="Actions réalisées par origine",
            columns=[prefecture] + [Column(source, 16) for source in a.sources] + [Column("Total", 10)],
            rows=[[row.prefecture, *row.counts, row.total] for row in a.rows]
            + ([["Total", *a.totals, a.count]] if a.rows else []),
        ),
        Table(
            title="Engagements tenus",
            columns=[
                Column("Indicateur", 44),
                Column("Objectif", 16),
                Column("Préfectures qui l'atteignent", 14),
                Column("Préfectures mesurées", 14),
                Column("Part (%)", 10),
            ],
            rows=[[c.indicator, c.target_label, c.met, c.measured, c.share] for c in e.commitments],
        ),
        Table(
            title="Satisfaction : meilleurs et moins bons taux",
            sheet="Satisfaction",
            columns=[
                Column("Taux de satisfaction", 30),
                Column("Meilleure préfecture", 36),
                Column("Taux (%)", 10),
                Column("Préfecture la moins bien notée", 36),
                Column("Taux (%)", 10),
                Column("Meilleur site", 36),
                Column("Taux (%)", 10),
                Column("Site le moins bien noté", 36),
                Column("Taux (%)", 10),
            ],
            rows=[
                [
                    s.indicator,
                    *_ranked(s.best_prefecture),
                    *_ranked(s.worst_prefecture),
                    *_ranked(s.best_site),
                    *_ranked(s.worst_site),
                ]
                for s in e.satisfaction
            ],
        ),
        Table(
            title="Réclamations répondues en 15 jours ouvrés",
            sheet="Réclamations",
            columns=[
                prefecture,
                Column("Reçues", 10),
                Column("Répondues en 15 jours ouvrés", 14),
                Column("Part (%)", 10),
            ],
            rows=[
                [row.prefecture, row.total, row.in_time, row.in_time_share]
                for row in [*e.complaints, *([e.complaints_total] if e.complaints else [])]
            ],
        ),
        review.indicators.table(),
        Table(
            title="Actions ouvertes en fin d'année",
            columns=[prefecture, Column("Actions ouvertes", 12), Column("Dont en retard", 12)],
            rows=[[row.prefecture, row.count, row.late] for row in o.rows]
            + ([["Total", o.count, o.late]] if o.rows else []),
        ),
    ]
