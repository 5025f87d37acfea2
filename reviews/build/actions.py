"""II – Les actions réalisées: the actions of the prefecture's plans completed in the year, per site (« Toute la
préfecture » for those of no site), grouped by their source (audits, surveys, complaints, CLU and COPIL,
self-assessments...). One query whatever the volume: the rows are the year's completed actions of one prefecture."""

from dataclasses import dataclass, field

from engagements.models import Action

DONE_STATUSES = (Action.Status.DONE, Action.Status.VERIFIED)
WHOLE_PREFECTURE = "Toute la préfecture"
# The order of the sources in the review: the evaluations first, as the 2015 document tells them.
SOURCE_ORDER = [
    Action.Source.AUDIT_FINDING,
    Action.Source.SURVEY,
    Action.Source.COMPLAINT,
    Action.Source.CLU,
    Action.Source.COPIL,
    Action.Source.SELF_ASSESSMENT,
    Action.Source.OTHER,
]


@dataclass
class DoneAction:
    title: str
    completed_on: object
    verified: bool
    engagement: str = ""


@dataclass
class SourceGroup:
    source: str
    label: str
    actions: list = field(default_factory=list)


@dataclass
class SiteActions:
    site: str
    groups: list = field(default_factory=list)  # [SourceGroup] in SOURCE_ORDER, non-empty ones

    @property
    def count(self):
        return sum(len(group.actions) for group in self.groups)


@dataclass
class ActionsDone:
    sites: list  # [SiteActions]: the prefecture's sites by name, then the prefecture-wide actions

    @property
    def count(self):
        return sum(site.count for site in self.sites)

    def counts_by_source(self):
        """[(label, number)] over every site, in SOURCE_ORDER."""
        totals = {}
        for site in self.sites:
            for group in site.groups:
                totals[group.label] = totals.get(group.label, 0) + len(group.actions)
        return list(totals.items())


def build(prefecture, first, last):
    rows = (
        Action.objects.filter(prefecture=prefecture, status__in=DONE_STATUSES, completed_on__range=(first, last))
        .order_by("site__name", "completed_on", "pk")
        .values_list("site__name", "source", "title", "completed_on", "status", "engagement__code")
    )
    labels = dict(Action.Source.choices)
    rank = {source: position for position, source in enumerate(SOURCE_ORDER)}
    per_site = {}
    for site, source, title, completed_on, status, engagement in rows:
        groups = per_site.setdefault(site or WHOLE_PREFECTURE, {})
        group = groups.setdefault(source, SourceGroup(source=source, label=labels.get(source, source)))
        group.actions.append(
            DoneAction(
                title=title,
                completed_on=completed_on,
                verified=status == Action.Status.VERIFIED,
                engagement=engagement or "",
            )
        )
    names = sorted(name for name in per_site if name != WHOLE_PREFECTURE)
    if WHOLE_PREFECTURE in per_site:
        names.append(WHOLE_PREFECTURE)
    return ActionsDone(
        sites=[
            SiteActions(
                site=name,
                groups=sorted(per_site[name].values(), key=lambda group: rank.get(group.source, len(rank))),
            )
            for name in names
        ]
    )
