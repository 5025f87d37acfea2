"""The read side of the indicator pages and of the dashboards' panel: for a site, a prefecture or the nation, each
indicator with its values of the last months, its latest value against its targets (traffic light), whether it
is stale, and its trend.

A board costs a fixed number of queries whatever the data volume: the indicators, the measurements (or, for a
prefecture or the nation, their rollups: indicators.services.rollups) of the months shown, and the latest month
measured of each indicator.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from indicators import periods
from indicators.models import Indicator, Measurement, Status
from indicators.services import aggregates, rollups
from qualipref.lib import charts

MONTHS_SHOWN = 12
STATUS_BADGES = {
    Status.ON_TARGET: "success",
    Status.INTERMEDIATE: "warning",
    Status.OFF_TARGET: "error",
    Status.NO_TARGET: "info",
    Status.MISSING: "",
}
SHORT_STATUS = {
    Status.ON_TARGET: "Atteint",
    Status.INTERMEDIATE: "Intermédiaire",
    Status.OFF_TARGET: "Non atteint",
    Status.NO_TARGET: "Sans objectif",
    Status.MISSING: "Non mesuré",
}


class _StatusLabels:
    """The DSFR badge and the short label of ``self.status`` (a cell's, a row's latest)."""

    @property
    def badge(self):
        return STATUS_BADGES[self.status]

    @property
    def status_label(self):
        return SHORT_STATUS[self.status]


@dataclass
class Cell(_StatusLabels):
    period: object
    value: object = None  # Decimal or None
    status: str = Status.MISSING
    numerator: int | None = None
    denominator: int | None = None
    source: str = ""
    measurement_id: int | None = None


@dataclass
class BoardRow(_StatusLabels):
    indicator: Indicator
    cells: list = field(default_factory=list)  # one per month shown, oldest first
    last_period: object = None  # latest month measured, even before the months shown
    stale: bool = False
    today: object = None

    @property
    def latest(self):
        """The latest cell with a value among the months shown (None when none)."""
        return next((cell for cell in reversed(self.cells) if cell.value is not None), None)

    @property
    def status(self):
        latest = self.latest
        return latest.status if latest else Status.MISSING

    @property
    def measured(self):
        return any(cell.value is not None for cell in self.cells)

    @property
    def next_due_on(self):
        return self.indicator.next_due_on(self.last_period) if self.last_period else None

    @property
    def trend_label(self):
        """The text alternative of the sparkline: the months with a value."""
        values = [
            f"{periods.label(cell.period)} : {self.indicator.format_value(cell.value)}"
            for cell in self.cells
            if cell.value is not None
        ]
        if not values:
            return f"{self.indicator.short_name} : aucune mesure sur la période."
        return f"{self.indicator.short_name}, tendance sur {len(self.cells)} mois — " + " ; ".join(values)

    @property
    def sparkline(self):
        return charts.sparkline(
            [cell.value for cell in self.cells], label=self.trend_label, target=self.indicator.target
        )

    def chart(self, chart_id):
        return charts.line_chart(
            chart_id=chart_id,
            title="",
            labels=[periods.short_label(cell.period) for cell in self.cells],
            series=[(self.indicator.short_name, [cell.value for cell in self.cells], charts.BLUE_FRANCE)],
            target=self.indicator.target,
            target_label=f"Objectif : {self.indicator.target_label}",
            y_title=self.indicator.unit_label,
        )


@dataclass
class Board:
    scope: str  # "site", "prefecture", "region" or "national"
    months: list
    rows: list  # [BoardRow]

    def themes(self):
        """[(theme label, [BoardRow])] in the catalogue's order."""
        grouped = {}
        for row in self.rows:
            grouped.setdefault(row.indicator.get_theme_display(), []).append(row)
        return list(grouped.items())

    def counts(self):
        """How many indicators are on target, intermediate, off target, unmeasured, stale."""
        counts = dict.fromkeys(STATUS_BADGES, 0)
        for row in self.rows:
            counts[row.status] += 1
        counts["stale"] = sum(1 for row in self.rows if row.stale)
        return counts

    def row(self, code):
        return next((row for row in self.rows if row.indicator.code == code), None)


def window(last=None, months=MONTHS_SHOWN, today=None):
    last = periods.month_start(last) if last else periods.current(today)
    return periods.months(periods.add_months(last, -(months - 1)), last)


def _rows(indicators, months, today):
    rows = {}
    for indicator in indicators:
        rows[indicator.pk] = BoardRow(
            indicator=indicator, cells=[Cell(period=period) for period in months], today=today
        )
    return rows


def _finish(rows, last_periods, today):
    for row in rows.values():
        row.last_period = last_periods.get(row.indicator.pk)
        row.stale = row.indicator.is_stale(row.last_period, today)
    return list(rows.values())


def _indicators(levels=None, codes=None):
    indicators = Indicator.objects.active()
    if levels is not None:
        indicators = indicators.filter(level__in=levels)
    if codes is not None:
        indicators = indicators.filter(code__in=codes)
    return list(indicators)


def _put(row, index, value, **extra):
    """The cell of ``value`` (a measurement or an aggregate: period, value, numerator, denominator) in ``row``."""
    row.cells[index[value.period]] = Cell(
        period=value.period,
        value=value.value,
        status=row.indicator.status_of(value.value),
        numerator=value.numerator,
        denominator=value.denominator,
        **extra,
    )


def _board(scope, rows, shown, measurements, today):
    """The board of ``rows``, each with the last period ``measurements`` (or rollups) hold for it up to the last
    month shown: one query, where each indicator's last period is read at the end of an index on (indicator,
    period) rather than by a MAX over every month of every site (37 ms nationally at scale 1, bench/national.py)."""
    latest = (
        measurements.filter(indicator=OuterRef("pk"), period__lte=shown[-1]).order_by("-period").values("period")[:1]
    )
    last_periods = dict(
        Indicator.objects.filter(pk__in=rows)
        .annotate(last=Subquery(latest))
        .exclude(last=None)
        .order_by()
        .values_list("pk", "last")
    )
    return Board(scope=scope, months=shown, rows=_finish(rows, last_periods, today))


def _measured_board(scope, measurements, indicators, shown, today):
    """The board of ``indicators`` from the stored ``measurements`` of one place (no adding up)."""
    rows = _rows(indicators, shown, today)
    index = {period: position for position, period in enumerate(shown)}
    for measurement in measurements.between(shown[0], shown[-1]).select_related(None):
        _put(
            rows[measurement.indicator_id], index, measurement, source=measurement.source, measurement_id=measurement.pk
        )
    return _board(scope, rows, shown, measurements, today)


def site_board(site, *, last=None, months=MONTHS_SHOWN, today=None, codes=None):
    """Every indicator measured per site, for ``site``; the prefecture-wide ones of its prefecture too."""
    today = today or timezone.localdate()
    shown = window(last, months, today)
    indicators = _indicators(codes=codes)
    place = Q(site=site) | Q(site__isnull=True, prefecture_id=site.prefecture_id)
    return _measured_board(
        "site", Measurement.objects.filter(place, indicator__in=indicators), indicators, shown, today
    )


def _aggregate_board(scope, measurements, aggregate_rows, shown, indicators, today):
    rows = _rows(indicators, shown, today)
    index = {period: position for position, period in enumerate(shown)}
    for aggregate in aggregate_rows:
        row = rows.get(aggregate.indicator_id)
        if row is None or aggregate.period not in index:
            continue
        _put(row, index, aggregate)
    return _board(scope, rows, shown, measurements, today)


def prefecture_board(prefecture, *, last=None, months=MONTHS_SHOWN, today=None, codes=None):
    """Every indicator for a whole prefecture: its sites added up (ratio of sums for rates), read from the rollups."""
    today = today or timezone.localdate()
    shown = window(last, months, today)
    indicators = _indicators(codes=codes)
    every_month = rollups.rows(indicators=indicators, prefecture=prefecture)
    rows = rollups.aggregate(indicators=indicators, first=shown[0], last=shown[-1], prefecture=prefecture)
    return _aggregate_board("prefecture", every_month, rows, shown, indicators, today)


def national_board(*, last=None, months=MONTHS_SHOWN, today=None, codes=None, region=None):
    """Every indicator for the nation: every site and prefecture added up, read from the national rollups. Given
    ``region`` (a sites.Department.region): its prefectures' measurements added up by the database (no rollup is
    kept per region; a region holds a few prefectures' sites)."""
    today = today or timezone.localdate()
    shown = window(last, months, today)
    indicators = _indicators(codes=codes)
    if region is None:
        every_month = rollups.rows(indicators=indicators)
        rows = rollups.aggregate(indicators=indicators, first=shown[0], last=shown[-1])
        return _aggregate_board("national", every_month, rows, shown, indicators, today)
    measurements = Measurement.objects.filter(indicator__in=indicators, prefecture__department__region=region)
    rows = aggregates.national(measurements.between(shown[0], shown[-1]))
    return _aggregate_board("region", measurements, rows, shown, indicators, today)


def entry_board(*, site=None, prefecture=None, last=None, months=MONTHS_SHOWN, today=None, codes=None):
    """The rows of the entry grid: the indicators typed or imported at that level, with their values."""
    level = Indicator.Level.SITE if site is not None else Indicator.Level.PREFECTURE
    manual = Indicator.objects.active().manual().filter(level=level)
    if codes is not None:
        manual = manual.filter(code__in=codes)
    codes = list(manual.values_list("code", flat=True))
    if site is not None:
        board = site_board(site, last=last, months=months, today=today, codes=codes)
    else:
        today = today or timezone.localdate()
        shown = window(last, months, today)
        indicators = _indicators(codes=codes)
        measurements = Measurement.objects.filter(prefecture=prefecture, site__isnull=True, indicator__in=indicators)
        board = _measured_board("prefecture", measurements, indicators, shown, today)
    board.rows = [row for row in board.rows if row.indicator.level == level]
    return board


# --- the dashboards' panel -----------------------------------------------------------------------------------

# The indicators a dashboard shows first (the engagements the documents quote with a figure).
PANEL_CODES = (
    "lost_calls_rate",
    "pickup_within_5_rings",
    "counter_waiting_minutes",
    "letters_in_time",
    "emails_in_time",
    "complaints_in_time",
    "id_card_delay_days",
    "agents_trained_4y",
    "actions_on_time",
)


def panel(*, site=None, prefecture=None, today=None):
    """The board of ``templates/indicators/_panel.html`` for a dashboard: the key indicators of a site, a prefecture
    or (neither given) the nation, in a fixed number of queries::

        {% include "indicators/_panel.html" with board=indicator_panel url=indicator_url %}
    """
    if site is not None:
        return site_board(site, today=today, codes=PANEL_CODES)
    if prefecture is not None:
        return prefecture_board(prefecture, today=today, codes=PANEL_CODES)
    return national_board(today=today, codes=PANEL_CODES)
