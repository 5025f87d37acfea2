"""What the writes of the two registers share (complaints.services, complaints.correspondence.services): an item
received on a site, given to one of the people who handle its site, answered within a delay in working days.

Each register keeps its own rules and French messages (a complaint is « attribuée », a letter « attribué »): the
functions take the message where it differs, and the update flow (``Register.update``) asks a register object.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access
from accounts.models import Membership, User
from complaints import deadlines
from qualipref.lib.models import refuse_other_fields
from sites.models import Site


def site_with_prefecture(site):
    """The site with its prefecture: the calendar reads the site's département, fetched once with the site."""
    if "prefecture" in site._state.fields_cache:
        return site
    return Site.objects.select_related("prefecture").get(pk=site.pk)


# The history's creation line of what a prefecture's mailbox brought (filed by its task or from the triage).
MAILBOX_REASON = "courriel reçu dans la boîte de la préfecture"


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


# --- the one update flow of both registers ------------------------------------------------------------


class Register:
    """What one register says in the flows both share: its model, its editable fields, its access rules and its
    French messages (a complaint is « attribuée », a letter « attribué »), and the steps of its own. One subclass a
    register (complaints.services.COMPLAINTS, complaints.correspondence.services.CORRESPONDENCE). The pages and the
    API ask ``check_handler`` before showing a form or reading a payload, so a refusal says the same thing
    everywhere."""

    model = None
    editable = frozenset()
    # Fields whose change recomputes the due date (with the site, always).
    deadline_fields = ("received_on",)
    # {action: message of the refusal}; "handle" is the default one.
    refusals = {}
    other_prefecture = ""
    site_refused = ""

    # Functions of the register: (user, item) -> bool, (user, site) -> bool, (user, item) -> message or None.
    may_handle = may_record = assignee_error = None

    def check_editable(self, item):
        """Raise ValidationError when the item may no longer be edited at all."""

    def check(self, item, errors, *, today):
        """Fill ``errors`` with what is wrong with the item's fields (French, by field); may tidy them."""
        raise NotImplementedError

    def assigned(self, item):
        """The item was given to someone (or to nobody): what else changes with it."""

    def compute_deadline(self, item):
        raise NotImplementedError

    def save(self, item, *, by):
        item._history_user = by
        item.save()
        return item

    def check_handler(self, by, item, action="handle"):
        """PermissionDenied, with the register's message for ``action``, when ``by`` may not handle the item."""
        if not self.may_handle(by, item):
            raise PermissionDenied(self.refusals.get(action) or self.refusals["handle"])

    def update(self, *, by, item, fields):
        """Change what describes an item. A new site (of the same prefecture), or a new value of a
        ``deadline_fields``, recomputes its due date and the facts of its answer. On any error the item is left as
        it was (read again)."""
        self.check_handler(by, item, "edit")
        refuse_other_fields(fields, self.editable)
        self.check_editable(item)
        try:
            return self._update(by=by, item=item, fields=fields)
        except (ValidationError, PermissionDenied):
            item.refresh_from_db()
            raise

    def _update(self, *, by, item, fields):
        previous = {name: getattr(item, name) for name in ("site_id", "assigned_to_id", *self.deadline_fields)}
        for name, value in fields.items():
            setattr(item, name, value)
        errors = {}
        site_changed = item.site_id != previous["site_id"]
        if site_changed:
            item.site = site_with_prefecture(item.site)
            if item.site.prefecture_id != item.prefecture_id:
                errors["site"] = self.other_prefecture
            elif not self.may_record(by, item.site):
                errors["site"] = self.site_refused
        self.check(item, errors, today=timezone.localdate())
        if item.assigned_to_id != previous["assigned_to_id"] or site_changed:
            message = self.assignee_error(item.assigned_to, item)
            if message:
                errors.setdefault("assigned_to", message)
            self.assigned(item)
        if errors:
            raise ValidationError(errors)
        if site_changed or any(getattr(item, name) != previous[name] for name in self.deadline_fields):
            item.site = site_with_prefecture(item.site)
            self.compute_deadline(item)
        elif "answered_on" in fields:
            set_answer(item, item.answered_on)
        return self.save(item, by=by)
