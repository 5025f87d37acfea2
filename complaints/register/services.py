"""What the writes of the two registers share (complaints.services, complaints.correspondence.services): an item
received on a site, given to one of the people who handle its site, answered within a delay in working days.

Each register keeps its own rules and French messages (a complaint is « attribuée », a letter « attribué »): the
functions take the message where it differs.
"""

import datetime

from accounts import access
from accounts.models import Membership, User
from complaints import deadlines
from sites.models import Site


def site_with_prefecture(site):
    """The site with its prefecture: the calendar reads the site's département, fetched once with the site."""
    if "prefecture" in site._state.fields_cache:
        return site
    return Site.objects.select_related("prefecture").get(pk=site.pk)


def assignee_error(user, item, message):
    """``message`` when ``user`` may not be given the item (None when they may, or when nobody is given)."""
    if user is None:
        return None
    memberships = access.complaint_handler_memberships(
        Membership.objects.active().filter(user=user), prefecture_id=item.prefecture_id, site_id=item.site_id
    )
    if user.is_active and memberships.exists():
        return None
    return message


def assignable_users(item):
    """The people an item may be given to (one query): the site's referents and agents, the quality managers of
    its prefecture, with an active membership."""
    memberships = access.complaint_handler_memberships(
        Membership.objects.active(), prefecture_id=item.prefecture_id, site_id=item.site_id
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def is_date(value):
    """A date, not a datetime (a datetime is a date for isinstance)."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def lock_for_answer(model, item):
    """The item read again and locked until the end of the transaction: two people answering it at once do not
    both succeed. With its site and prefecture, for the calendar."""
    return model.objects.select_for_update().select_related("site__prefecture").get(pk=item.pk)


def set_answer(item, answered_on, *, calendar=None):
    """Store the date of the answer and its facts (delay in working days, in time or not); None clears them.
    ``calendar``: the site's WorkingCalendar when the caller has it (the bulk import), else it is read."""
    item.answered_on = answered_on
    if answered_on is None:
        item.answer_delay = item.answered_in_time = None
        return
    if calendar is not None:
        item.answer_delay = calendar.working_days_between(item.received_on, answered_on)
        item.answered_in_time = answered_on <= item.due_on
    else:
        facts = deadlines.answer_facts(
            item.site, received_on=item.received_on, due_on=item.due_on, answered_on=answered_on
        )
        item.answer_delay, item.answered_in_time = facts.delay, facts.in_time
