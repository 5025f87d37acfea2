"""The figures of a prefecture's yearly review, built from the registers: one module per section of the 2015
Bouches-du-Rhône document, each returning plain dataclasses; ``build(prefecture, year)`` assembles them. A region's
or the whole country's review has its own figures (``national.build``); ``for_review(review)`` picks.

The number of queries does not depend on the year's volume (tests/reviews/test_build.py pins it): every register
is counted by the database. The programme (planning) gives section I the meetings planned next to those held and
the year's programme per kind, and section V the next year's programme.
"""

import datetime
from dataclasses import dataclass

from qualipref.lib.table_export import Column, Table

from . import actions, evaluation, indicators, national, outlook, pilotage
from .indicators import as_float


@dataclass
class Review:
    prefecture: object
    year: int
    pilotage: pilotage.Pilotage
    actions: actions.ActionsDone
    evaluation: evaluation.Evaluation
    indicators: indicators.IndicatorTrends
    outlook: outlook.Outlook
    is_wider = False  # a prefecture's (national.WiderReview: a region's or the whole country's)

    @property
    def first(self):
        return datetime.date(self.year, 1, 1)

    @property
    def last(self):
        return datetime.date(self.year, 12, 31)

    def tables(self):
        """The review's tables ([Table]), as its workbook has them (one sheet each)."""
        return tables(self)


def build(prefecture, year):
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Review(
        prefecture=prefecture,
        year=year,
        pilotage=pilotage.build(prefecture, first, last),
        actions=actions.build(prefecture, first, last),
        evaluation=evaluation.build(prefecture, first, last),
        indicators=indicators.build(prefecture, year),
        outlook=outlook.build(prefecture, last),
    )


def for_review(review):
    """The figures of a YearlyReview: a prefecture's (``build``), a region's or the whole country's
    (``national.build``)."""
    if review.prefecture_id is None:
        return national.build(review.region, review.year)
    return build(review.prefecture, review.year)


def tables(review):
    p, e = review.pilotage, review.evaluation
    result = [
        Table(
            title="Cycles de labellisation",
            columns=[Column("Référentiel", 30), Column("Étape", 20), Column("Modules", 60), Column("Labellisé le", 14)],
            rows=[[cycle.referential, cycle.status, " ; ".join(cycle.modules), cycle.granted_on] for cycle in p.cycles],
        ),
        Table(
            title="Événements de labellisation",
            columns=[Column("Date", 12), Column("Événement", 36), Column("Référentiel", 30), Column("Commentaire", 60)],
            rows=[[event.happened_on, event.kind, event.referential, event.note] for event in p.events],
        ),
        Table(
            title="Réunions qualité tenues",
            columns=[Column("Instance", 28), Column("Nombre", 10), Column("Prévues", 10), Column("Dates", 80)],
            rows=[[held.label, held.count, held.planned, held.dates_label] for held in p.meetings],
        ),
        Table(
            title="Programme qualité de l'année",
            columns=[Column("Élément", 50), Column("Prévus", 10), Column("Réalisés", 10), Column("En retard", 10)],
            rows=[[line.label, line.planned, line.fulfilled, line.late] for line in p.programme],
        ),
        Table(
            title="Réseau des référents",
            columns=[Column("Rôle", 34), Column("Nom", 30), Column("Site", 36)],
            rows=[[referent.role, referent.name, referent.site] for referent in p.referents],
        ),
        Table(
            title="Actions réalisées",
            columns=[
                Column("Site", 36),
                Column("Origine", 28),
                Column("Action", 80),
                Column("Réalisée le", 12),
                Column("Efficacité vérifiée", 12),
            ],
            rows=[
                [site.site, group.label, action.title, action.completed_on, action.verified]
                for site in review.actions.sites
                for group in site.groups
                for action in group.actions
            ],
        ),
    ]
    for number, survey in enumerate(e.surveys, start=1):
        headers = [Column("Site ou service", 44), Column("Réponses", 10)]
        for _, label in survey.dimensions:
            headers += [Column(f"{label} (%)", 14), Column(f"{label} – année précédente (%)", 14)]
        headers += [Column("Points forts", 50), Column("Points de vigilance", 50)]
        result.append(
            Table(
                title=f"Enquête {number} – {survey.title}",
                sheet=f"Satisfaction {number}",
                columns=headers,
                rows=[
                    [row.label, row.responses]
                    + [value for rate in row.rates for value in (as_float(rate.rate), as_float(rate.previous))]
                    + [" ; ".join(row.strengths), " ; ".join(row.vigilance)]
                    for row in survey.rows
                ],
            )
        )
    result.append(
        Table(
            title="Constats d'audit par lieu audité",
            columns=[
                Column("Audit", 28),
                Column("Organisme", 24),
                Column("Dernier jour", 12),
                Column("Lieu audité", 36),
            ]
            + [Column(label, 14) for _, label in e.categories],
            rows=[
                [audit.kind, audit.body, audit.end_on, place.label, *place.counts]
                for audit in e.audits
                for place in audit.places
            ],
        )
    )
    result.append(
        Table(
            title="Réclamations et suggestions",
            columns=[
                Column("Site", 36),
                Column("Reçues", 10),
                Column("Réclamations", 12),
                Column("Suggestions", 12),
                Column("Répondues", 10),
                Column("Répondues en 15 jours ouvrés", 14),
                Column("Part répondue en 15 jours ouvrés (%)", 14),
            ],
            rows=[
                [row.site, row.total, row.complaints, row.suggestions, row.answered, row.in_time, row.in_time_share]
                for row in [*e.complaints, *([e.complaints_total] if e.complaints else [])]
            ],
        )
    )
    result.append(
        Table(
            title="Courriers et courriels",
            columns=[
                Column("Type", 40),
                Column("Reçus", 10),
                Column("Répondus", 10),
                Column("Répondus dans les délais", 14),
                Column("Part dans les délais (%)", 14),
            ],
            rows=[
                [row.kind, row.total, row.answered, row.in_time, row.in_time_share]
                for row in [*e.correspondence, *([e.correspondence_total] if e.correspondence else [])]
            ],
        )
    )
    result.append(review.indicators.table())
    result.append(
        Table(
            title="Actions ouvertes en fin d'année",
            columns=[
                Column("Site", 36),
                Column("Action", 80),
                Column("Origine", 28),
                Column("Échéance", 12),
                Column("Statut aujourd'hui", 18),
            ],
            rows=[
                [action.site, action.title, action.source, action.due_on, action.status]
                for action in review.outlook.open_actions
            ],
        )
    )
    result.append(
        Table(
            title=f"Programme qualité {review.outlook.next_year}",
            columns=[Column("Élément", 50), Column("Nombre", 10), Column("Quand", 60)],
            rows=[[line.label, line.count, line.when] for line in review.outlook.next_programme],
        )
    )
    return result
