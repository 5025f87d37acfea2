"""V – Perspectives: the actions still open at the end of the year (created by then, not done by then, not
abandoned), per site, soonest due first. One query. The programme of the next year (planning) comes next to them."""

from dataclasses import dataclass

from django.db.models import F, Q

from engagements.models import Action

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
class Outlook:
    open_actions: list  # [OpenAction]

    def by_site(self):
        grouped = {}
        for action in self.open_actions:
            grouped.setdefault(action.site, []).append(action)
        return list(grouped.items())


def open_at_end_of(prefecture, last):
    """The actions of ``prefecture`` open at the end of the day ``last``: a queryset (one query to read)."""
    return (
        Action.objects.filter(prefecture=prefecture, created_at__date__lte=last)
        .exclude(status=Action.Status.ABANDONED)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=last))
    )


def build(prefecture, last):
    labels, statuses = dict(Action.Source.choices), dict(Action.Status.choices)
    rows = (
        open_at_end_of(prefecture, last)
        .order_by(F("site__name").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "pk")
        .values_list("site__name", "title", "source", "due_on", "status")
    )
    return Outlook(
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
        ]
    )
