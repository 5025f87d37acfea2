"""Working days (jours ouvrés) of a site: not a weekend, not a public holiday of its territory, not a closure.

Deadlines (docs/domaine.md, § Jours ouvrés et échéances): `due_on` is the Nth working day after the day of receipt,
that day not counted.
"""

import datetime
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType

import holidays
from django.db.models import QuerySet

from qualipref.lib.dates import short_date
from sites.models import Department, Site, SiteClosure

ONE_DAY = datetime.timedelta(days=1)
SUBDIVISIONS = frozenset(holidays.France.subdivisions)

# Days `holidays.France` (0.109) lists that are neither public holidays in law (Code du travail L3133-1,
# L3134-13, L3422-2) nor in the State's own calendar (etalab's jours-feries-france): days off by custom
# ("jours chômés d'usage") that each prefecture grants or not, year by year, like the carnival days the package
# does not list at all. A site closed on them records a SiteClosure; listing them here would lengthen every
# deadline of the territory, and nothing could shorten it back. The package also gives Guadeloupe, but not
# Martinique, Good Friday: a sign these are customs, not law.
CUSTOMARY_DAYS_OFF = {
    "971": frozenset({"Vendredi saint", "Mi-Carême"}),
    "MF": frozenset({"Fête de Victor Schoelcher"}),
}


@lru_cache(maxsize=512)
def public_holidays(subdivision: str | None, year: int) -> Mapping[datetime.date, str]:
    """Public holidays of a territory in a year, as a read-only {date: French name}."""
    # Cached per (subdivision, year): deadlines of thousands of items hit the same few years. Read-only because
    # every caller shares the cached mapping.
    if subdivision is not None and subdivision not in SUBDIVISIONS:
        raise ValueError(f"Subdivision de jours fériés inconnue : {subdivision!r}.")
    listed = holidays.France(subdiv=subdivision, years=year, language="fr")
    customary = CUSTOMARY_DAYS_OFF.get(subdivision, frozenset())
    days = {}
    for day in sorted(listed):
        # Two holidays may share a date (Pentecost Monday is Guyane's 10 June in 2030): keep the date if any
        # of its names is a real public holiday.
        names = [name for name in listed.get_list(day) if name not in customary]
        if names:
            days[day] = " ; ".join(names)
    return MappingProxyType(days)


class WorkingCalendar:
    """Working days of one place: weekdays that are neither public holidays of its territory nor closed days.

    `valid_from` / `valid_until` bound the period whose closures were loaded (None: all of them); the calendar
    refuses to answer outside it rather than answer wrongly.
    """

    __slots__ = ("subdivision", "closed_days", "valid_from", "valid_until")

    def __init__(self, *, subdivision=None, closed_days=frozenset(), valid_from=None, valid_until=None):
        _check_period(valid_from, valid_until)
        if subdivision is not None and subdivision not in SUBDIVISIONS:
            raise ValueError(f"Subdivision de jours fériés inconnue : {subdivision!r}.")
        self.subdivision = subdivision
        self.closed_days = frozenset(_check_date(day, "Un jour de fermeture") for day in closed_days)
        self.valid_from = valid_from
        self.valid_until = valid_until

    def __repr__(self):
        return f"WorkingCalendar(subdivision={self.subdivision!r}, {len(self.closed_days)} jour(s) de fermeture)"

    def is_working_day(self, day) -> bool:
        """True for a weekday that is neither a public holiday nor a closed day."""
        _check_date(day, "Le jour")
        self._check_known(day, day)
        return self._is_working_day(day)

    def add_working_days(self, start, n) -> datetime.date:
        """The Nth working day after `start`, `start` itself not counted; n == 0 gives `start` back as is.

        n == 0 keeps `working_days_between(start, add_working_days(start, n)) == n` true for every n >= 0.
        """
        _check_date(start, "La date de départ")
        _check_count(n)
        day = start
        # Day by day: a deadline spans a few weeks, and holidays and closures can fall anywhere in it.
        while n:
            day += ONE_DAY
            self._check_known(day, day)
            if self._is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start, end) -> int:
        """Number of working days in (start, end]: `start` excluded, `end` included; 0 when end <= start.

        Remaining days of an item: (today, due_on]; its delay: (due_on, answered_on]. Either is 0, not negative,
        once the order flips (nothing left, or answered in time).
        """
        _check_date(start, "La date de début")
        _check_date(end, "La date de fin")
        if end <= start:
            return 0
        first = start + ONE_DAY
        self._check_known(first, end)
        # Counted, not walked: indicators may ask for months or years. Weekdays by arithmetic, minus the
        # holidays and closed days that fall on a weekday of the period (each counted once).
        days_off = set(self.closed_days)
        for year in range(first.year, end.year + 1):
            days_off.update(public_holidays(self.subdivision, year))
        weekdays_off = sum(1 for day in days_off if first <= day <= end and day.weekday() < 5)
        return _weekdays_up_to(end) - _weekdays_up_to(start) - weekdays_off

    def _is_working_day(self, day):
        return (
            day.weekday() < 5 and day not in self.closed_days and day not in public_holidays(self.subdivision, day.year)
        )

    def _check_known(self, first, last):
        if (self.valid_from is not None and first < self.valid_from) or (
            self.valid_until is not None and last > self.valid_until
        ):
            outside = first if self.valid_from is not None and first < self.valid_from else last
            known_from = short_date(self.valid_from, empty="l'origine")
            known_until = short_date(self.valid_until, empty="sans fin")
            raise ValueError(
                f"Ce calendrier ne connaît les fermetures du site que du {known_from} au {known_until} : "
                f"impossible de dire si le {short_date(outside)} est un jour ouvré."
            )


def calendar_for_site(site: Site, *, start=None, end=None) -> WorkingCalendar:
    """The calendar of a site: the public holidays of its département and its closures, read in one query.

    With `start` and/or `end`, only the closures overlapping that period are read, and the calendar refuses days
    outside it. Give a site fetched with select_related("prefecture") to spare the query for its prefecture.
    """
    _check_period(start, end)
    closures = _overlapping(SiteClosure.objects.filter(site=site), start, end)
    return WorkingCalendar(
        subdivision=_subdivision(site.prefecture.department_id),
        closed_days=_closed_days(closures.values_list("start_on", "end_on"), start, end),
        valid_from=start,
        valid_until=end,
    )


def calendars_for_sites(sites: QuerySet | Iterable, *, start=None, end=None) -> dict[int, WorkingCalendar]:
    """{site id: calendar} for sites (a queryset, Site objects or ids) in two queries, however many sites.

    `start` / `end` as for `calendar_for_site`. Unknown ids are left out.
    """
    _check_period(start, end)
    if isinstance(sites, QuerySet):
        rows = sites.values_list("pk", "prefecture__department_id")
    else:
        ids = {site.pk if isinstance(site, Site) else site for site in sites}
        rows = Site.objects.filter(pk__in=ids).values_list("pk", "prefecture__department_id")
    # The département comes in the same query as the site, so no query per site for its prefecture.
    department_of = dict(rows)
    ranges_of = {site_id: [] for site_id in department_of}
    closures = _overlapping(SiteClosure.objects.filter(site_id__in=list(department_of)), start, end)
    for site_id, start_on, end_on in closures.values_list("site_id", "start_on", "end_on"):
        ranges_of[site_id].append((start_on, end_on))
    return {
        site_id: WorkingCalendar(
            subdivision=_subdivision(department_id),
            closed_days=_closed_days(ranges_of[site_id], start, end),
            valid_from=start,
            valid_until=end,
        )
        for site_id, department_id in department_of.items()
    }


def nth_working_day_after(site: Site, start, n) -> datetime.date:
    """The Nth working day of `site` after `start` (not counted): the due date of an item received on `start`."""
    _check_date(start, "La date de départ")
    _check_count(n)
    if n == 0:
        return start
    # Only closures ending on or after `start` matter; the end of the deadline is not known yet.
    return calendar_for_site(site, start=start).add_working_days(start, n)


def working_days_between(site: Site, start, end) -> int:
    """Number of working days of `site` in (start, end]; 0 when end <= start."""
    _check_date(start, "La date de début")
    _check_date(end, "La date de fin")
    if end <= start:
        return 0
    return calendar_for_site(site, start=start, end=end).working_days_between(start, end)


def _subdivision(department_code):
    # The rule lives on Department; an unsaved instance applies it without reading the row.
    return Department(code=department_code).holiday_subdivision


def _overlapping(closures, start, end):
    if start is not None:
        closures = closures.filter(end_on__gte=start)
    if end is not None:
        closures = closures.filter(start_on__lte=end)
    return closures


def _closed_days(ranges, start, end):
    # Closures are inclusive ranges; clipped to the period so a long closure does not expand for nothing.
    days = set()
    for first, last in ranges:
        day = max(first, start) if start else first
        last = min(last, end) if end else last
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return days


def _weekdays_up_to(day):
    # Monday-to-Friday days from 1 January of year 1 (ordinal 1, a Monday) to `day` included.
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _check_date(value, label):
    # A datetime is a date to Python, but its day depends on the time zone: the caller must pick it.
    if isinstance(value, datetime.datetime):
        raise TypeError(
            f"{label} doit être une date sans heure (datetime.date), pas un datetime ({value!r}) : "
            "prenez le jour local avec django.utils.timezone.localdate()."
        )
    if not isinstance(value, datetime.date):
        raise TypeError(f"{label} doit être une date (datetime.date), pas {type(value).__name__} ({value!r}).")
    return value


def _check_count(n):
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"Le nombre de jours ouvrés doit être un entier, pas {type(n).__name__} ({n!r}).")
    if n < 0:
        raise ValueError(f"Le nombre de jours ouvrés doit être positif ou nul, pas {n}.")


def _check_period(start, end):
    if start is not None:
        _check_date(start, "Le début de la période")
    if end is not None:
        _check_date(end, "La fin de la période")
    if start is not None and end is not None and end < start:
        raise ValueError(f"La période se termine le {short_date(end)}, avant son début le {short_date(start)}.")
