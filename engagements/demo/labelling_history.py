"""The labelling history of the demo prefectures after July 2013, computed in memory by the rules of the service.

What happened to each prefecture after the press kit of July 2013 is not in the documents: the schedule below is
illustrative. Follow-up audits are held a few days before they are due, the label is renewed at the end of its
validity (engagements.services.labellings: due_dates, next_follow_up_due), and the prefectures move to
Qualipref 2.0 in waves: it was published in February 2015, so the national targets (50 % by December 2014, 100 %
by December 2015) could not be met on time; about one prefecture in ten is labelled Qualipref 2.0 at the end of
2015, half at the end of 2016, nearly all in 2018. As of the day the demo is loaded, a few prefectures are late
for their follow-up audit, the last ones moving to Qualipref 2.0 are still in their labelling cycle (one with an
unfavourable decision), and one has closed its cycle.

Cycles are unsaved ``Labelling`` objects with their steps as (kind, status, date, note): the caller writes them.
"""

import datetime

from engagements.models import Labelling, LabellingStep
from engagements.services import labellings as services

Kind = LabellingStep.Kind
Status = Labelling.Status
AFNOR = "AFNOR Certification"
DAY = datetime.timedelta(days=1)

# How long before its due date each audit is held, and the decision after the renewal audit.
FOLLOW_UP_AHEAD = 10 * DAY
RENEWAL_AUDIT_AHEAD = 30 * DAY
RENEWAL_DECISION_AHEAD = 10 * DAY
# A new cycle: internal evaluation after 4 months of indicators, the labelling audit 45 days later, the decision
# a month after it (INDICATOR_TRACKING_MONTHS, INTERNAL_EVALUATION_MIN/MAX_MONTHS of the service hold).
TRACKING_MONTHS = 4
PLAN_REVISION_AFTER = 14 * DAY
AUDIT_AFTER = 45 * DAY
DECISION_AFTER = 30 * DAY

# The move to Qualipref 2.0: the first prefecture starts in March 2015, then one every 10 days in the order of
# ``wave_rank`` (a shuffle of the département codes, so that the map is not filled region by region).
FIRST_MOVE = datetime.date(2015, 3, 2)
MOVE_EVERY = 10 * DAY
SHUFFLE = 37  # coprime with the number of prefectures: rank = index * 37 mod count is a permutation
# The last ones to move: started this many days before today (the last one's labelling decision was unfavourable).
LATE_MOVERS = (60, 140, 190)
REFUSED_MOVER = 300
# Prefectures late for their follow-up audit: nothing recorded in the last LATE_SINCE days (ranks r % 14 == 3).
LATE_SINCE = 380 * DAY
LATE_EVERY, LATE_REMAINDER = 14, 3
# A prefecture that closed its cycle this many days ago and has not started another.
CLOSED_RANK, CLOSED_SINCE = 50, 200 * DAY


def wave_rank(index, count):
    return index * SHUFFLE % count


def fate(rank, count):
    """What happens to the prefecture of that rank: "regular", "late", "closed", "moving" or "refused"."""
    if rank == count - 1:
        return "refused"
    if rank >= count - 1 - len(LATE_MOVERS):
        return "moving"
    if rank == CLOSED_RANK:
        return "closed"
    if rank % LATE_EVERY == LATE_REMAINDER:
        return "late"
    return "regular"


def grant(labelling, steps, day, note=""):
    """A favourable decision: the label runs from ``day`` with the due dates of the service."""
    labelling.status = Status.GRANTED
    labelling.decision, labelling.decision_on, labelling.decision_body = Labelling.Decision.FAVOURABLE, day, AFNOR
    labelling.granted_on = day
    labelling.next_audit_due, labelling.renewal_due = services.due_dates(
        referential=labelling.referential, granted_on=day
    )
    steps.append((Kind.DECISION, Status.GRANTED, day, note))


def next_step(labelling):
    """The next step of a labelled cycle held on time, as (kind, date, note); None when it is not labelled."""
    if labelling.status == Status.GRANTED and labelling.next_audit_due < labelling.renewal_due:
        return Kind.FOLLOW_UP_AUDIT, labelling.next_audit_due - FOLLOW_UP_AHEAD, "Audit de suivi."
    if labelling.status == Status.GRANTED:
        return Kind.RENEWAL_AUDIT, labelling.renewal_due - RENEWAL_AUDIT_AHEAD, "Audit de renouvellement du label."
    if labelling.status == Status.RENEWAL:
        return Kind.DECISION, labelling.renewal_due - RENEWAL_DECISION_AHEAD, "Label renouvelé."
    return None


def keep_up(labelling, steps, until):
    """Follow-up audits on time and renewals at the end of validity, as long as they happen by ``until``."""
    while (step := next_step(labelling)) is not None and step[1] <= until:
        kind, day, note = step
        if kind == Kind.FOLLOW_UP_AUDIT:
            labelling.next_audit_due = services.next_follow_up_due(
                referential=labelling.referential,
                granted_on=labelling.granted_on,
                next_audit_due=labelling.next_audit_due,
                renewal_due=labelling.renewal_due,
            )
            steps.append((kind, Status.GRANTED, day, note))
        elif kind == Kind.RENEWAL_AUDIT:
            labelling.status = Status.RENEWAL
            steps.append((kind, Status.RENEWAL, day, note))
        else:
            grant(labelling, steps, day, note)


def new_cycle_plan(labelling):
    """The steps of a new cycle from its preparation to the decision: [(kind, status, date, note)]."""
    internal_on = services.add_months(labelling.indicators_since, TRACKING_MONTHS)
    audit_on = internal_on + AUDIT_AFTER
    return [
        (Kind.INTERNAL_EVALUATION, Status.INTERNAL_EVALUATION, internal_on, "Audit interne."),
        (Kind.PLAN_REVISION, Status.PLAN_REVISION, internal_on + PLAN_REVISION_AFTER, ""),
        (Kind.LABELLING_AUDIT, Status.LABELLING_AUDIT, audit_on, ""),
        (Kind.DECISION, Status.GRANTED, audit_on + DECISION_AFTER, f"Label {labelling.referential} attribué."),
    ]


def end(labelling, steps, day, note):
    labelling.status, labelling.ended_on = Status.ENDED, day
    steps.append((Kind.END, Status.ENDED, day, note))


def move(old, old_steps, referential, day):
    """The service's change of référentiel: the old cycle ends on ``day``, a new one starts in preparation."""
    end(old, old_steps, day, f"Passage au référentiel {referential} : le cycle se poursuit sur un nouveau cycle.")
    new = Labelling(
        prefecture=old.prefecture,
        referential=referential,
        status=Status.PREPARATION,
        started_on=day,
        indicators_since=day,
        previous=old,
    )
    return new, [
        (Kind.START, Status.PREPARATION, day, f"Suite du cycle {old.referential} (passage au nouveau référentiel).")
    ]


BEFORE_DECISION = (Status.PREPARATION, Status.INTERNAL_EVALUATION, Status.PLAN_REVISION, Status.LABELLING_AUDIT)


def labelling_cycle(labelling, steps, until, *, refused=False):
    """From preparation to the decision, each step not recorded yet recorded when it happens by ``until``."""
    for kind, status, day, note in new_cycle_plan(labelling):
        if labelling.status not in BEFORE_DECISION:
            return
        if kind not in services.ALLOWED_STEPS[labelling.status]:  # recorded already
            continue
        if day > until:
            return
        if kind == Kind.INTERNAL_EVALUATION:
            labelling.internal_evaluation_on = day
        elif kind == Kind.LABELLING_AUDIT:
            labelling.labelling_audit_on = day
        elif kind == Kind.DECISION and not refused:
            grant(labelling, steps, day, note)
            return
        elif kind == Kind.DECISION:
            labelling.status = Status.REFUSED
            labelling.decision, labelling.decision_on = Labelling.Decision.UNFAVOURABLE, day
            labelling.decision_body = AFNOR
            steps.append((kind, Status.REFUSED, day, "Décision défavorable : une nouvelle évaluation interne suivra."))
            return
        labelling.status = status
        steps.append((kind, status, day, note))


def moves_on(kind, rank, count, today):
    """The day the prefecture moves to Qualipref 2.0: in its wave, or lately for the last ones."""
    if kind == "refused":
        return today - datetime.timedelta(days=REFUSED_MOVER)
    if kind == "moving":
        return today - datetime.timedelta(days=LATE_MOVERS[rank - (count - 1 - len(LATE_MOVERS))])
    return FIRST_MOVE + rank * MOVE_EVERY


def continue_history(first, first_steps, *, rank, count, qp2, today):
    """The cycles after the label of 2013 (``first``, in memory): [(labelling, new steps)] from ``first`` on.

    ``first`` may also be a labelled cycle written by an earlier load: it goes on from its state."""
    kind = fate(rank, count)
    until = today - {"late": LATE_SINCE, "closed": CLOSED_SINCE}.get(kind, 0 * DAY)  # nothing recorded after
    move_on = moves_on(kind, rank, count, today)
    cycles = [(first, first_steps)]
    if first.referential_id == qp2.pk:  # a cycle of an earlier load, on Qualipref 2.0 already
        labelling_cycle(first, first_steps, until, refused=kind == "refused")
        keep_up(first, first_steps, until)
        return cycles
    keep_up(first, first_steps, min(move_on, until))
    if move_on <= until:
        second, second_steps = move(first, first_steps, qp2, move_on)
        labelling_cycle(second, second_steps, until, refused=kind == "refused")
        keep_up(second, second_steps, until)
        cycles.append((second, second_steps))
    if kind == "closed":
        last, last_steps = cycles[-1]
        end(last, last_steps, until, "Cycle clos : réorganisation des services, nouvelle démarche à engager.")
    return cycles
