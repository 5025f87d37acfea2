"""The month and year views of the programme, as plain data the templates lay out.

A month is its days from the 1st to the last (``Day``: the items shown that day — done on it, or due by it when
their window opened within the month — and whether it is today), plus the items open over the whole month
(``spanning``: not done in it, their window opened by the 1st — a month's COPIL, a quarter's self-assessments —,
which would otherwise crowd its last day). The
page shows the days as a 7-column grid on a wide screen and as a list of the days that hold items on a phone.
A year is its twelve months, each with the items whose window starts in it.
"""

import calendar
import dataclasses
import datetime

from django.urls import reverse

from accounts import access
from qualipref.lib.months import MONTHS

from .models import Kind

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclasses.dataclass
class Day:
    date: datetime.date
    items: list
    is_today: bool

    @property
    def weekday(self):
        return WEEKDAYS[self.date.weekday()]


@dataclasses.dataclass
class Month:
    year: int
    month: int
    items: list
    late: int = 0

    @property
    def label(self):
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def param(self):
        return f"{self.year}-{self.month:02d}"


def parse_month(raw, today):
    """(year, month) of ``?mois=AAAA-MM``, today's month when absent or wrong."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def parse_year(raw, today):
    return int(raw) if raw and raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year


def shift_month(year, month, delta):
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def month_bounds(year, month):
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_view(items, year, month, today):
    """(days, spanning): every day of the month with its items, and the items without a day in the month."""
    first, last = month_bounds(year, month)
    by_day, spanning = {}, []
    for item in items:
        day = item.display_day
        done_in_month = item.fulfilled_on is not None and first <= item.fulfilled_on <= last
        if first <= day <= last and (done_in_month or item.starts_on > first):
            by_day.setdefault(day, []).append(item)
        else:
            spanning.append(item)
    days = [
        Day(date=first + datetime.timedelta(days=offset), items=[], is_today=False)
        for offset in range((last - first).days + 1)
    ]
    for day in days:
        day.items = by_day.get(day.date, [])
        day.is_today = day.date == today
    return days, spanning


def year_view(items, year):
    months = [Month(year=year, month=month, items=[]) for month in range(1, 13)]
    for item in items:
        month = (
            months[max(item.starts_on, datetime.date(year, 1, 1)).month - 1] if item.starts_on.year <= year else None
        )
        if month is not None:
            month.items.append(item)
            month.late += item.is_late
    return months


# --- where an item leads ---------------------------------------------------------------------------

_FULFILMENT_PAGES = {
    ("engagements", "meeting"): lambda record: reverse("meeting_detail", kwargs={"pk": record.pk}),
    ("audits", "audit"): lambda record: reverse("audit_detail", kwargs={"pk": record.pk}),
    ("surveys", "campaign"): lambda record: reverse("campaign_detail", kwargs={"pk": record.pk}),
    ("audits", "quarterlyselfassessment"): lambda record: reverse(
        "self_assessment_checklist", kwargs={"pk": record.audit_id}
    ),
}


def fulfilment_url(item):
    """The page of what fulfilled the item (prefetch ``fulfilment``), or ''."""
    record = item.fulfilment if item.fulfilment_id else None
    if record is None:
        return ""
    meta = record._meta
    page = _FULFILMENT_PAGES.get((meta.app_label, meta.model_name))
    return page(record) if page else ""


class Actions:
    """What the user may create for an unfulfilled item, computed once per page (the rules read ids only)."""

    def __init__(self, user, prefecture):
        self.meetings = access.can_manage_meetings(user, prefecture)
        self.audits = access.can_manage_audits(user, prefecture)
        self.campaigns = access.can_manage_campaigns(user, prefecture)
        self.user = user

    def create(self, item):
        """(label, url) of the page that creates what fulfils ``item``, or None."""
        if item.kind in (Kind.COPIL, Kind.CLU) and self.meetings:
            return "Enregistrer la réunion", reverse("meeting_create") + f"?kind={item.kind}"
        if item.kind in (Kind.INTERNAL_AUDIT, Kind.FOLLOW_UP_AUDIT, Kind.RENEWAL_AUDIT) and self.audits:
            return "Planifier l’audit", reverse("audit_create")
        if item.kind == Kind.SURVEY and self.campaigns:
            return "Préparer la campagne", reverse("campaign_create")
        if item.kind == Kind.SELF_ASSESSMENT and item.site_id:
            return (
                "Ouvrir les autoévaluations du site",
                reverse("site_self_assessments", kwargs={"site_pk": item.site_id}) + f"?annee={item.starts_on.year}",
            )
        return None


def decorate(items, actions):
    """Set ``link`` (label, url) on each item: its fulfilment's page, or the page that creates it."""
    for item in items:
        url = fulfilment_url(item)
        if url:
            item.link = ("Voir la réalisation", url)
        else:
            item.link = actions.create(item)
    return items


def items_query(queryset):
    return queryset.select_related("site").prefetch_related("fulfilment").order_by("starts_on", "ends_on", "kind", "pk")
