"""Deadlines in working days (jours ouvrés) of the items of the register, in the calendar of their site.

Kept apart from the complaints so that correspondence (letters 15 days, e-mails 5 days) and the alert job reuse
them: every function takes a site (fetched with ``select_related("prefecture")``) or objects with ``site_id``,
``due_on`` and ``answered_on``.

- ``due_on`` is the Nth working day after the day of receipt (that day not counted), see sites.calendars;
- the delay of an answer is the number of working days in (received_on, answered_on];
- it is answered in time when answered_on <= due_on;
- the remaining working days of an open item are those in (today, due_on]; once past due, the working days late
  in (due_on, today] are given as a negative number.
"""

from dataclasses import dataclass

from django.utils import timezone

from sites import calendars

COMPLAINT_DELAY = 15  # working days to answer a complaint or a suggestion (docs/domaine.md, § Engagements chiffrés)


def due_date(site, received_on, working_days=COMPLAINT_DELAY):
    """The due date of an item of ``site`` received on ``received_on``."""
    return calendars.nth_working_day_after(site, received_on, working_days)


@dataclass(frozen=True)
class AnswerFacts:
    delay: int  # working days from receipt to answer
    in_time: bool


def answer_facts(site, *, received_on, due_on, answered_on):
    """The delay of an answer in working days and whether it came in time."""
    return AnswerFacts(
        delay=calendars.working_days_between(site, received_on, answered_on), in_time=answered_on <= due_on
    )


def remaining_working_days(calendar, *, due_on, today):
    """Working days left in (today, due_on]; negative once past due: minus the working days late."""
    if due_on >= today:
        return calendar.working_days_between(today, due_on)
    return -calendar.working_days_between(due_on, today)


def attach_remaining_working_days(items, *, today=None, attr="remaining_working_days"):
    """Set ``attr`` on each item: its remaining working days while unanswered, None once answered.

    The calendars of all their sites are read in two queries (sites.calendars.calendars_for_sites), however many
    items and sites: call it on a page of a list, not item by item. Returns the items as a list.
    """
    items = list(items)
    today = today or timezone.localdate()
    pending = [item for item in items if item.answered_on is None]
    for item in items:
        setattr(item, attr, None)
    if not pending:
        return items
    start = min(today, *(item.due_on for item in pending))
    end = max(today, *(item.due_on for item in pending))
    calendar_of = calendars.calendars_for_sites({item.site_id for item in pending}, start=start, end=end)
    for item in pending:
        setattr(item, attr, remaining_working_days(calendar_of[item.site_id], due_on=item.due_on, today=today))
    return items
