"""The private iCalendar feed of the programme (RFC 5545, written by the ``icalendar`` library).

``feed_issue(by)`` gives a user a new address (the previous one stops answering) and returns the token once;
``feed_revoke(by)`` ends it; ``feed_user(token)`` finds whose it is (None: unknown or revoked, a 404);
``feed_calendar(user, items)`` writes the VCALENDAR of the items the user may see, one all-day VEVENT per item over
its window, with a UID stable across rebuilds (the item's id and the site's host).
"""

import datetime
import hashlib
import secrets

import icalendar
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES
from qualipref.lib.dates import short_date

from .models import CYCLE_KINDS, CalendarFeed, PlannedItem

TOKEN_BYTES = 32
UID_DOMAIN = "programme.qualipref"
# What a calendar client sees: the year before, this one and the next (the feed stays small).
FEED_YEARS_BEFORE = 1


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_issue(*, by) -> str:
    """A new private address for ``by``: returns its token (shown once); the previous address stops answering."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(user=by, defaults={"token_hash": token_hash(token), "last_read_at": None})
    return token


@transaction.atomic
def feed_revoke(*, by) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=by).delete()
    return bool(deleted)


def feed_user(token):
    """The active user whose feed ``token`` opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    return feed.user


def feed_items(user, today=None):
    """The items ``user`` may see, from last year on (their scope: accounts.access.scope_planned_items); for a
    national administrator, the follow-up and renewal audits only (``national_feed``)."""
    today = today or timezone.localdate()
    items = PlannedItem.objects.for_user(user).filter(year__gte=today.year - FEED_YEARS_BEFORE)
    if national_feed(user):
        # Every prefecture's COPILs would be some 10,000 events a year (about 1.5 ms each to write): a national
        # administrator's agenda gets the labelling cycles' audits of the whole country.
        items = items.filter(kind__in=CYCLE_KINDS)
    return items.select_related("prefecture", "site").order_by("starts_on", "pk")


def national_feed(user):
    """A national administrator without a prefecture or site of their own: their feed is the cycles' audits."""
    scope = access.get_scope(user)
    return scope.national and not (scope.prefecture_ids(*PREFECTURE_ROLES) or scope.site_ids(*SITE_ROLES))


def feed_calendar(user, items, *, base_url, today=None) -> bytes:
    """The VCALENDAR of ``items`` for ``user``."""
    today = today or timezone.localdate()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Qualipref//Programme qualité//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Programme qualité (Qualipref)")
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now()
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"planned-item-{item.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_on)
        event.add("dtend", item.ends_on + datetime.timedelta(days=1))  # all-day: DTEND is exclusive
        status = item.status_on(today)
        where = item.site.name if item.site_id else item.prefecture.name
        event.add("summary", f"{item.title} ({status.label.lower()})")
        event.add("location", where)
        event.add(
            "description",
            f"{item.get_kind_display()} – {where}.\n"
            f"À réaliser du {short_date(item.starts_on)} au {short_date(item.ends_on)}."
            + (f"\nRéalisé le {short_date(item.fulfilled_on)}." if status == PlannedItem.Status.DONE else ""),
        )
        event.add("url", f"{base_url}{item_calendar_path(item)}")
        event.add("last-modified", item.updated_at)
        event.add("categories", [item.get_kind_display()])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def item_calendar_path(item):
    if item.site_id:
        return reverse("programme_site", kwargs={"pk": item.site_id}) + f"?mois={item.starts_on:%Y-%m}"
    return reverse("programme_prefecture", kwargs={"pk": item.prefecture_id}) + f"?mois={item.starts_on:%Y-%m}"


def may_have_feed(user):
    return access.may_use_programme(user)
