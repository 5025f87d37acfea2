"""IV – Les indicateurs qualité: each indicator of the prefecture over the 12 months of the year against its target,
its sites added up by the database (indicators.services.boards.prefecture_board: a fixed number of queries), with the
dashboards' SVG trend charts (qualipref.lib.charts)."""

import datetime
from dataclasses import dataclass

from indicators.services import boards
from qualipref.lib.table_export import Column, Table


def as_float(value):
    """A Decimal figure as the workbook's number (None stays an empty cell)."""
    return None if value is None else float(value)


@dataclass
class IndicatorTrends:
    months: list
    rows: list  # [BoardRow] measured in the year, in the catalogue's order

    def table(self):
        """The workbook's sheet: one line per indicator, one column per month (a prefecture's, a region's or the
        country's review)."""
        return Table(
            title="Indicateurs qualité",
            columns=[Column("Indicateur", 40), Column("Objectif", 14)]
            + [Column(month.strftime("%m/%Y"), 10) for month in self.months],
            rows=[
                [row.indicator.name, row.indicator.target_label] + [as_float(cell.value) for cell in row.cells]
                for row in self.rows
            ],
        )

    def charts(self):
        """[(row, svg)]: the trend chart of each row (rendered on demand: pygal takes milliseconds per chart)."""
        return [(row, row.chart(f"bilan-indicateur-{row.indicator.code.lower()}")) for row in self.rows]


def build(prefecture, year):
    board = boards.prefecture_board(
        prefecture, last=datetime.date(year, 12, 1), months=12, today=datetime.date(year, 12, 31)
    )
    return IndicatorTrends(months=board.months, rows=[row for row in board.rows if row.measured])
