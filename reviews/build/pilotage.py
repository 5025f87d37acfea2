"""I – Le pilotage de la démarche: the référentiels and their modules of the cycles that ran in the year, the
labelling events of the year (the cycles' dated steps), the quality meetings held (COPIL, CLU) against those the
programme planned, the programme of the year (planned, done, late per kind: planning), the network of quality
referents at the end of the year. Six queries whatever the volume of the year."""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import Membership, Role
from engagements.models import Labelling, LabellingStep, Meeting, Module
from planning.models import Kind as PlannedKind
from planning.models import PlannedItem
from qualipref.lib.dates import short_date


@dataclass
class Cycle:
    referential: str
    status: str
    modules: list  # ["Module 1 – …"]
    granted_on: object = None
    decision_on: object = None


@dataclass
class Event:
    happened_on: object
    kind: str
    referential: str
    note: str = ""


@dataclass
class MeetingsHeld:
    kind: str  # Meeting.Kind value
    label: str
    dates: list = field(default_factory=list)
    planned: int | None = None  # by the programme of the year; None: no programme of that kind

    @property
    def count(self):
        return len(self.dates)

    @property
    def dates_label(self):
        """« 08/01/2015, 12/02/2015 »."""
        return ", ".join(short_date(day) for day in self.dates)


@dataclass
class ProgrammeLine:
    """A kind of the year's programme: « COPIL qualité : 12 prévus, 12 réalisés, 0 en retard »."""

    kind: str  # planning.models.Kind value (COPIL and CLU share Meeting.Kind's values)
    label: str
    planned: int
    fulfilled: int
    late: int


@dataclass
class Referent:
    role: str
    name: str
    site: str = ""  # empty: the whole prefecture


@dataclass
class Pilotage:
    cycles: list
    events: list
    meetings: list  # [MeetingsHeld], COPIL then CLU
    referents: list
    programme: list = field(default_factory=list)  # [ProgrammeLine] in the order of the kinds

    def referent_counts(self):
        """[(role label, number)] in the order of the roles."""
        counts = {}
        for referent in self.referents:
            counts[referent.role] = counts.get(referent.role, 0) + 1
        return list(counts.items())


def _cycles(prefecture, first, last):
    cycles = list(
        Labelling.objects.filter(prefecture=prefecture, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .select_related("referential")
        .order_by("started_on", "pk")
    )
    modules = {}
    for labelling_id, number, title in (
        Module.objects.filter(labellings__in=cycles).order_by("number").values_list("labellings", "number", "title")
    ):
        modules.setdefault(labelling_id, []).append(f"Module {number} – {title}")
    return [
        Cycle(
            referential=str(cycle.referential),
            status=cycle.get_status_display(),
            modules=modules.get(cycle.pk, []),
            granted_on=cycle.granted_on,
            decision_on=cycle.decision_on,
        )
        for cycle in cycles
    ]


def _events(prefecture, first, last):
    steps = (
        LabellingStep.objects.filter(labelling__prefecture=prefecture, happened_on__range=(first, last))
        .select_related("labelling__referential")
        .order_by("happened_on", "created_at", "pk")
    )
    return [
        Event(
            happened_on=step.happened_on,
            kind=step.get_kind_display(),
            referential=str(step.labelling.referential),
            note=step.note,
        )
        for step in steps
    ]


def meetings_held(prefecture, first, last):
    """[MeetingsHeld] per kind of meeting (COPIL, CLU), with their dates (one query). The programme's meetings
    planned (planning) are compared with these."""
    held = {kind: MeetingsHeld(kind=kind, label=label) for kind, label in Meeting.Kind.choices}
    rows = (
        Meeting.objects.filter(prefecture=prefecture, held_on__range=(first, last))
        .order_by("held_on", "pk")
        .values_list("kind", "held_on")
    )
    for kind, held_on in rows:
        held[kind].dates.append(held_on)
    return list(held.values())


REFERENT_ROLES = (Role.QUALITY_MANAGER, Role.SITE_REFERENT)


def _referents(prefecture, last):
    rows = (
        Membership.objects.active(on=last)
        .filter(role__in=REFERENT_ROLES)
        .filter(Q(prefecture=prefecture) | Q(site__prefecture=prefecture))
        .order_by("role", "site__name", "user__last_name", "user__first_name", "pk")
        .values_list("role", "user__first_name", "user__last_name", "user__username", "site__name")
    )
    labels = dict(Role.choices)
    return [
        Referent(role=labels[role], name=f"{first} {last_name}".strip() or username, site=site or "")
        for role, first, last_name, username, site in rows
    ]


def _programme(prefecture, year, last):
    """[ProgrammeLine] of the year's programme as it stood at the end of the year (one query)."""
    counts = PlannedItem.objects.for_year(prefecture, year).kind_counts(on=last)
    return [
        ProgrammeLine(kind, label, counts[kind]["planned"], counts[kind]["fulfilled"], counts[kind]["late"])
        for kind, label in PlannedKind.choices
        if kind in counts
    ]


def build(prefecture, first, last):
    meetings = meetings_held(prefecture, first, last)
    programme = _programme(prefecture, first.year, last)
    planned = {line.kind: line.planned for line in programme}
    for held in meetings:
        held.planned = planned.get(held.kind)
    return Pilotage(
        cycles=_cycles(prefecture, first, last),
        events=_events(prefecture, first, last),
        meetings=meetings,
        referents=_referents(prefecture, last),
        programme=programme,
    )
