"""Working days per site. Every expected date below was written by hand, from a paper calendar.

Easter: 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16, 2029-04-01, 2030-04-21; Easter Monday is
Easter + 1, Ascension + 39, Pentecost Monday + 50, Good Friday - 2.
"""

import datetime
import itertools

import pytest

from sites import calendars
from sites.calendars import (
    WorkingCalendar,
    calendar_for_site,
    calendars_for_sites,
    nth_working_day_after,
    public_holidays,
    working_days_between,
)
from sites.models import Site
from tests.factories import DepartmentFactory, PrefectureFactory, SiteClosureFactory, SiteFactory

d = datetime.date.fromisoformat
YEARS = range(2024, 2031)

# fmt: off
MAINLAND = {
    2024: ["2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08", "2024-05-09", "2024-05-20",
           "2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25"],
    2025: ["2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
           "2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25"],
    2026: ["2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
           "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"],
    2027: ["2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
           "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25"],
    2028: ["2028-01-01", "2028-04-17", "2028-05-01", "2028-05-08", "2028-05-25", "2028-06-05",
           "2028-07-14", "2028-08-15", "2028-11-01", "2028-11-11", "2028-12-25"],
    2029: ["2029-01-01", "2029-04-02", "2029-05-01", "2029-05-08", "2029-05-10", "2029-05-21",
           "2029-07-14", "2029-08-15", "2029-11-01", "2029-11-11", "2029-12-25"],
    2030: ["2030-01-01", "2030-04-22", "2030-05-01", "2030-05-08", "2030-05-30", "2030-06-10",
           "2030-07-14", "2030-08-15", "2030-11-01", "2030-11-11", "2030-12-25"],
}
# Good Friday and Saint-Étienne (26 December), local law of Alsace-Moselle.
ALSACE_MOSELLE = {
    2024: ["2024-03-29", "2024-12-26"],
    2025: ["2025-04-18", "2025-12-26"],
    2026: ["2026-04-03", "2026-12-26"],
    2027: ["2027-03-26", "2027-12-26"],
    2028: ["2028-04-14", "2028-12-26"],
    2029: ["2029-03-30", "2029-12-26"],
    2030: ["2030-04-19", "2030-12-26"],
}
# Abolition of slavery (Code du travail L3422-2) and Victor Schœlcher (21 July, administrations closed; in the
# State's calendar). Not Good Friday nor Mi-Carême: customs, recorded as site closures where they are observed.
GUADELOUPE = {
    2024: ["2024-05-27", "2024-07-21"],
    2025: ["2025-05-27", "2025-07-21"],
    2026: ["2026-05-27", "2026-07-21"],
    2027: ["2027-05-27", "2027-07-21"],
    2028: ["2028-05-27", "2028-07-21"],
    2029: ["2029-05-27", "2029-07-21"],
    2030: ["2030-05-27", "2030-07-21"],
}
MARTINIQUE = {
    2024: ["2024-05-22", "2024-07-21"],
    2025: ["2025-05-22", "2025-07-21"],
    2026: ["2026-05-22", "2026-07-21"],
    2027: ["2027-05-22", "2027-07-21"],
    2028: ["2028-05-22", "2028-07-21"],
    2029: ["2029-05-22", "2029-07-21"],
    2030: ["2030-05-22", "2030-07-21"],
}
# 10 June 2030 is also Pentecost Monday: one day off, not two.
GUYANE = {
    2024: ["2024-06-10"], 2025: ["2025-06-10"], 2026: ["2026-06-10"], 2027: ["2027-06-10"],
    2028: ["2028-06-10"], 2029: ["2029-06-10"], 2030: ["2030-06-10"],
}
REUNION = {
    2024: ["2024-12-20"], 2025: ["2025-12-20"], 2026: ["2026-12-20"], 2027: ["2027-12-20"],
    2028: ["2028-12-20"], 2029: ["2029-12-20"], 2030: ["2030-12-20"],
}
MAYOTTE = {
    2024: ["2024-04-27"], 2025: ["2025-04-27"], 2026: ["2026-04-27"], 2027: ["2027-04-27"],
    2028: ["2028-04-27"], 2029: ["2029-04-27"], 2030: ["2030-04-27"],
}
# fmt: on
LOCAL = {
    None: {},
    "57": ALSACE_MOSELLE,
    "6AE": ALSACE_MOSELLE,
    "971": GUADELOUPE,
    "972": MARTINIQUE,
    "973": GUYANE,
    "974": REUNION,
    "976": MAYOTTE,
}
# The holiday subdivision of each département a test puts a site in (Paris: the mainland calendar).
SUBDIVISION_OF = {
    "75": None,  # Paris
    "57": "57",  # Moselle
    "67": "6AE",  # Bas-Rhin
    "68": "6AE",  # Haut-Rhin
    "971": "971",  # Guadeloupe
    "972": "972",  # Martinique
    "973": "973",  # Guyane
    "974": "974",  # La Réunion
    "976": "976",  # Mayotte
}


def expected_holidays(subdivision, year):
    return {d(day) for day in MAINLAND[year] + LOCAL[subdivision].get(year, [])}


def make_site(code, **fields):
    """A site of the département ``code`` (reference data loaded by a migration, with its name and region)."""
    return SiteFactory(prefecture=PrefectureFactory(department=DepartmentFactory(code=code)), **fields)


def every_day_of(year):
    day = datetime.date(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


# Public holidays, territory by territory.


# Easter Monday, Ascension, Pentecost Monday: the movable days of MAINLAND above.
MOVABLE = {
    2024: ("2024-04-01", "2024-05-09", "2024-05-20"),
    2025: ("2025-04-21", "2025-05-29", "2025-06-09"),
    2026: ("2026-04-06", "2026-05-14", "2026-05-25"),
    2027: ("2027-03-29", "2027-05-06", "2027-05-17"),
    2028: ("2028-04-17", "2028-05-25", "2028-06-05"),
    2029: ("2029-04-02", "2029-05-10", "2029-05-21"),
    2030: ("2030-04-22", "2030-05-30", "2030-06-10"),
}


@pytest.mark.parametrize("year", YEARS)
def test_the_hand_written_tables_are_consistent_with_easter(year):
    # A check of the tables themselves, so a typo in them cannot pass for a bug of the package.
    easter_monday, ascension, pentecost_monday = (d(day) for day in MOVABLE[year])
    good_friday = d(ALSACE_MOSELLE[year][0])
    assert {easter_monday, ascension, pentecost_monday} <= {d(day) for day in MAINLAND[year]}
    assert [day.weekday() for day in (good_friday, easter_monday, ascension, pentecost_monday)] == [4, 0, 3, 0]
    assert (easter_monday - good_friday).days == 3
    assert (ascension - easter_monday).days == 38
    assert (pentecost_monday - easter_monday).days == 49
    assert len(MAINLAND[year]) == 11


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("subdivision", list(LOCAL), ids=lambda s: s or "metropole")
def test_public_holidays_of_each_territory_match_the_hand_checked_table(subdivision, year):
    assert set(public_holidays(subdivision, year)) == expected_holidays(subdivision, year)


def test_two_holidays_on_the_same_day_keep_both_names():
    assert public_holidays("973", 2030)[d("2030-06-10")] == "Abolition de l'esclavage ; Lundi de Pentecôte"


def test_customary_days_off_of_the_antilles_are_working_days_unless_the_site_closes():
    guadeloupe = WorkingCalendar(subdivision="971")
    assert guadeloupe.is_working_day(d("2026-04-03"))  # Vendredi saint
    assert guadeloupe.is_working_day(d("2026-03-12"))  # Mi-Carême
    assert guadeloupe.is_working_day(d("2026-02-17"))  # Mardi gras
    assert not guadeloupe.is_working_day(d("2026-07-21"))  # Victor Schœlcher
    martinique = WorkingCalendar(subdivision="972")
    assert not martinique.is_working_day(d("2026-07-21"))
    saint_martin = WorkingCalendar(subdivision="MF")
    assert saint_martin.is_working_day(d("2026-07-21"))
    assert not saint_martin.is_working_day(d("2026-05-28"))  # abolition, 28 May in Saint-Martin


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["75", "57", "67", "68", "971", "972", "973", "974", "976"])
def test_a_site_works_every_weekday_but_its_territory_s_holidays_from_2024_to_2030(code):
    subdivision = SUBDIVISION_OF[code]
    calendar = calendar_for_site(make_site(code))
    assert calendar.subdivision == subdivision
    for year in YEARS:
        holidays = expected_holidays(subdivision, year)
        not_working = {day for day in every_day_of(year) if not calendar.is_working_day(day)}
        assert not_working == {day for day in every_day_of(year) if day.weekday() >= 5} | holidays, year


# Deadlines: the Nth working day after the day of receipt, counted by hand.

# fmt: off
DEADLINES = [
    # subdivision, received on, n, due on, why
    (None,  "2026-01-09", 1,  "2026-01-12", "un vendredi : le lundi suivant"),
    (None,  "2026-01-10", 1,  "2026-01-12", "reçu un samedi"),
    (None,  "2026-01-10", 0,  "2026-01-10", "n = 0 : le jour même, même un samedi"),
    (None,  "2026-12-18", 15, "2027-01-12", "Noël et 1er janvier un vendredi"),
    ("57",  "2026-12-18", 15, "2027-01-12", "le 26 décembre 2026 est un samedi : pas d'écart"),
    (None,  "2025-12-19", 15, "2026-01-13", "Noël jeudi"),
    ("57",  "2025-12-19", 15, "2026-01-14", "Saint-Étienne vendredi 26 décembre"),
    (None,  "2025-12-24", 15, "2026-01-16", "veille de Noël"),
    ("6AE", "2025-12-24", 15, "2026-01-19", "Saint-Étienne en Alsace"),
    (None,  "2029-12-20", 15, "2030-01-14", "Noël et 1er janvier un mardi"),
    ("57",  "2029-12-20", 15, "2030-01-15", "Saint-Étienne mercredi"),
    ("974", "2029-12-20", 15, "2030-01-14", "reçu le jour férié réunionnais, qui ne compte pas de toute façon"),
    (None,  "2029-12-19", 15, "2030-01-11", ""),
    ("974", "2029-12-19", 15, "2030-01-14", "20 décembre férié à La Réunion"),
    (None,  "2024-12-19", 5,  "2024-12-27", ""),
    ("974", "2024-12-19", 5,  "2024-12-30", "vendredi 20 décembre à La Réunion"),
    ("57",  "2024-12-19", 5,  "2024-12-30", "jeudi 26 décembre en Moselle"),
    (None,  "2024-04-30", 15, "2024-05-27", "1er, 8 mai, Ascension et Pentecôte"),
    ("971", "2024-04-30", 15, "2024-05-28", "27 mai un lundi en Guadeloupe"),
    (None,  "2026-05-04", 15, "2026-05-28", "8 mai, Ascension, lundi de Pentecôte"),
    ("971", "2026-05-04", 15, "2026-05-29", "mercredi 27 mai en Guadeloupe"),
    ("972", "2026-05-04", 15, "2026-05-29", "vendredi 22 mai en Martinique"),
    (None,  "2025-05-23", 5,  "2025-06-02", "Ascension jeudi 29 mai"),
    ("971", "2025-05-23", 5,  "2025-06-03", "Ascension et 27 mai"),
    (None,  "2025-06-06", 1,  "2025-06-10", "lundi de Pentecôte 9 juin"),
    (None,  "2028-05-22", 5,  "2028-05-30", "Ascension jeudi 25 mai"),
    (None,  "2030-06-07", 1,  "2030-06-11", "lundi de Pentecôte"),
    ("973", "2030-06-07", 1,  "2030-06-11", "10 juin guyanais le même lundi"),
    (None,  "2026-04-24", 5,  "2026-05-04", "1er mai vendredi"),
    ("976", "2026-04-24", 5,  "2026-05-05", "lundi 27 avril à Mayotte"),
    (None,  "2027-03-25", 5,  "2027-04-02", "lundi de Pâques"),
    ("6AE", "2027-03-25", 5,  "2027-04-05", "Vendredi saint en Alsace"),
    ("971", "2027-03-25", 5,  "2027-04-02", "Vendredi saint : pas férié en Guadeloupe"),
    (None,  "2026-04-02", 1,  "2026-04-03", ""),
    ("57",  "2026-04-02", 1,  "2026-04-07", "Vendredi saint puis lundi de Pâques"),
    ("57",  "2026-04-03", 1,  "2026-04-07", "reçu le Vendredi saint"),
    (None,  "2026-07-10", 15, "2026-08-03", "14 juillet"),
    ("972", "2026-07-10", 15, "2026-08-04", "21 juillet en Martinique"),
]
# fmt: on


@pytest.mark.parametrize(("subdivision", "received_on", "n", "due_on", "why"), DEADLINES)
def test_the_due_date_is_the_nth_working_day_after_receipt(subdivision, received_on, n, due_on, why):
    calendar = WorkingCalendar(subdivision=subdivision)
    assert calendar.add_working_days(d(received_on), n) == d(due_on), why
    # And back: the due date is exactly n working days after receipt.
    assert calendar.working_days_between(d(received_on), d(due_on)) == n, why


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("closures", "due_on"),
    [
        ([], "2026-05-28"),
        ([("2026-05-15", "2026-05-15")], "2026-05-29"),  # pont de l'Ascension
        ([("2026-05-15", "2026-05-22")], "2026-06-05"),  # six working days closed
        ([("2026-05-16", "2026-05-17")], "2026-05-28"),  # a weekend changes nothing
        ([("2026-05-14", "2026-05-14"), ("2026-05-25", "2026-05-26")], "2026-05-29"),  # on holidays, and one more
        ([("2026-04-20", "2026-05-04")], "2026-05-28"),  # ends on the day of receipt
    ],
)
def test_site_closures_push_the_due_date(closures, due_on):
    site = make_site("75")
    for start_on, end_on in closures:
        SiteClosureFactory(site=site, start_on=d(start_on), end_on=d(end_on))
    SiteClosureFactory(site=make_site("13"), start_on=d("2026-05-05"), end_on=d("2026-05-29"))  # another site's

    assert nth_working_day_after(site, d("2026-05-04"), 15) == d(due_on)


@pytest.mark.django_db
def test_a_guadeloupe_site_closed_for_carnival_records_it_as_a_closure():
    site = make_site("971")
    assert nth_working_day_after(site, d("2026-02-13"), 5) == d("2026-02-20")
    SiteClosureFactory(site=site, start_on=d("2026-02-16"), end_on=d("2026-02-18"), reason="Jours gras")
    assert nth_working_day_after(site, d("2026-02-13"), 5) == d("2026-02-25")


# Working days between two dates: (start, end], start excluded, end included.


@pytest.mark.parametrize(
    ("subdivision", "start", "end", "count"),
    [
        (None, "2026-05-04", "2026-05-04", 0),
        (None, "2026-05-28", "2026-05-04", 0),  # end before start: nothing left, not negative
        (None, "2026-12-18", "2026-12-19", 0),  # Friday to Saturday
        (None, "2026-12-18", "2026-12-20", 0),  # Friday to Sunday
        (None, "2026-12-18", "2026-12-21", 1),  # Friday to Monday
        (None, "2026-12-17", "2026-12-18", 1),  # the end day counts
        (None, "2026-12-24", "2026-12-28", 1),  # Christmas Friday
        (None, "2026-01-12", "2026-01-14", 2),  # due Monday, answered Wednesday: two days late
        (None, "2026-01-14", "2026-01-12", 0),  # ...and nothing remaining
        (None, "2025-12-31", "2026-12-31", 252),  # 261 weekdays, 9 holidays on a weekday
        ("57", "2025-12-31", "2026-12-31", 251),  # + Good Friday; 26 December is a Saturday
        ("971", "2025-12-31", "2026-12-31", 250),  # + 27 May, 21 July
        ("972", "2025-12-31", "2026-12-31", 250),  # + 22 May, 21 July
        ("974", "2025-12-31", "2026-12-31", 252),  # 20 December is a Sunday
        ("976", "2025-12-31", "2026-12-31", 251),  # + Monday 27 April
        (None, "2023-12-31", "2024-12-31", 252),  # 262 weekdays, 10 holidays on a weekday
        ("6AE", "2023-12-31", "2024-12-31", 250),  # + Good Friday and Thursday 26 December
        (None, "2026-07-31", "2026-08-31", 21),  # August 2026: Assumption on a Saturday
    ],
)
def test_working_days_between_counts_the_end_but_not_the_start(subdivision, start, end, count):
    assert WorkingCalendar(subdivision=subdivision).working_days_between(d(start), d(end)) == count


@pytest.mark.parametrize("subdivision", list(LOCAL), ids=lambda s: s or "metropole")
def test_working_days_between_agrees_with_walking_day_by_day(subdivision):
    calendar = WorkingCalendar(subdivision=subdivision, closed_days={d("2026-08-03"), d("2026-08-08"), d("2027-12-31")})
    for start, end in [
        ("2024-01-01", "2030-12-31"),
        ("2025-12-20", "2026-01-05"),
        ("2026-08-01", "2026-08-10"),
        ("2026-08-03", "2026-08-03"),
        ("2027-12-30", "2028-01-03"),
    ]:
        walked, day = 0, d(start)
        while day < d(end):
            day += datetime.timedelta(days=1)
            walked += calendar.is_working_day(day)
        assert calendar.working_days_between(d(start), d(end)) == walked, (start, end)


def test_working_days_add_up_over_consecutive_periods():
    calendar = WorkingCalendar(subdivision="57")
    days = [d("2025-12-15"), d("2025-12-24"), d("2025-12-26"), d("2026-01-02"), d("2026-04-30")]
    for first, middle, last in itertools.combinations(days, 3):
        assert calendar.working_days_between(first, middle) + calendar.working_days_between(
            middle, last
        ) == calendar.working_days_between(first, last)


def test_counting_back_a_due_date_gives_its_number_of_working_days():
    calendar = WorkingCalendar(subdivision="974", closed_days={d("2029-12-27")})
    for offset in range(0, 30, 3):
        received_on = d("2029-12-01") + datetime.timedelta(days=offset)
        for n in range(0, 25):
            assert calendar.working_days_between(received_on, calendar.add_working_days(received_on, n)) == n


@pytest.mark.django_db
def test_a_closure_overlapping_the_period_counts_only_inside_it():
    site = make_site("75")
    SiteClosureFactory(site=site, start_on=d("2026-08-03"), end_on=d("2026-08-14"), reason="Travaux")
    assert working_days_between(site, d("2026-07-31"), d("2026-08-31")) == 11
    assert working_days_between(site, d("2026-08-09"), d("2026-08-20")) == 4
    assert working_days_between(site, d("2026-08-14"), d("2026-08-17")) == 1
    # A closure touching the period by its first or last day only is still read.
    assert not calendar_for_site(site, start=d("2026-08-14")).is_working_day(d("2026-08-14"))
    assert not calendar_for_site(site, end=d("2026-08-03")).is_working_day(d("2026-08-03"))


# Queries and caching.


@pytest.mark.django_db
def test_a_site_s_calendar_is_read_in_one_query(django_assert_num_queries):
    site = make_site("57")
    SiteClosureFactory(site=site, start_on=d("2026-12-28"), end_on=d("2026-12-31"))
    site = Site.objects.select_related("prefecture").get(pk=site.pk)
    with django_assert_num_queries(1):
        calendar = calendar_for_site(site)
    assert calendar.add_working_days(d("2026-12-18"), 15) == d("2027-01-18")


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_sites", [1, 8])
def test_calendars_for_many_sites_take_two_queries_whatever_their_number(number_of_sites, django_assert_num_queries):
    codes = ["57", "75", "971", "974"]
    sites = [make_site(codes[i % len(codes)]) for i in range(number_of_sites)]
    for site in sites:
        SiteClosureFactory(site=site, start_on=d("2026-05-15"), end_on=d("2026-05-15"))

    with django_assert_num_queries(2):
        by_id = calendars_for_sites(sites)
    with django_assert_num_queries(2):
        by_queryset = calendars_for_sites(Site.objects.filter(pk__in=[site.pk for site in sites]))

    assert set(by_id) == set(by_queryset) == {site.pk for site in sites}
    for site in sites:
        assert by_id[site.pk].subdivision == site.prefecture.department.holiday_subdivision
        assert by_id[site.pk].closed_days == by_queryset[site.pk].closed_days == {d("2026-05-15")}


@pytest.mark.django_db
def test_calendars_for_sites_keep_each_site_s_own_territory_and_closures():
    moselle, paris = make_site("57"), make_site("75")
    SiteClosureFactory(site=paris, start_on=d("2026-12-21"), end_on=d("2026-12-23"))
    SiteClosureFactory(site=paris, start_on=d("2025-01-01"), end_on=d("2025-12-31"))  # outside the period

    calendars_by_site = calendars_for_sites([moselle.pk, paris], start=d("2026-12-01"), end=d("2027-01-31"))

    assert calendars_by_site[paris.pk].closed_days == {d("2026-12-21"), d("2026-12-22"), d("2026-12-23")}
    assert calendars_by_site[paris.pk].add_working_days(d("2026-12-18"), 15) == d("2027-01-15")
    assert calendars_by_site[moselle.pk].add_working_days(d("2026-12-18"), 15) == d("2027-01-12")


@pytest.mark.django_db
def test_the_convenience_functions_read_one_query_for_a_site_with_its_prefecture(django_assert_num_queries):
    site = Site.objects.select_related("prefecture").get(pk=make_site("67").pk)
    with django_assert_num_queries(1):
        assert nth_working_day_after(site, d("2027-03-25"), 5) == d("2027-04-05")
    with django_assert_num_queries(1):
        assert working_days_between(site, d("2027-03-25"), d("2027-04-05")) == 5


def test_holidays_are_computed_once_per_territory_and_year(monkeypatch):
    built = []
    real_france = calendars.holidays.France

    def counting_france(**kwargs):
        built.append((kwargs["subdiv"], kwargs["years"]))
        return real_france(**kwargs)

    public_holidays.cache_clear()
    monkeypatch.setattr(calendars.holidays, "France", counting_france)
    try:
        calendar = WorkingCalendar(subdivision="57")
        for _ in range(3):
            calendar.add_working_days(d("2026-12-18"), 15)
            calendar.working_days_between(d("2026-12-18"), d("2027-01-12"))
        WorkingCalendar(subdivision="57").add_working_days(d("2026-12-18"), 15)
    finally:
        public_holidays.cache_clear()
    assert built == [("57", 2026), ("57", 2027)]


# Bad input.


def test_a_negative_number_of_working_days_is_refused_in_french():
    with pytest.raises(ValueError, match="positif ou nul, pas -1"):
        WorkingCalendar().add_working_days(d("2026-01-05"), -1)


@pytest.mark.parametrize("n", [1.5, "3", True, None])
def test_a_number_of_working_days_that_is_not_an_integer_is_refused(n):
    with pytest.raises(TypeError, match="doit être un entier"):
        WorkingCalendar().add_working_days(d("2026-01-05"), n)


@pytest.mark.parametrize("value", ["2026-01-05", 20260105, None])
def test_a_day_that_is_not_a_date_is_refused(value):
    calendar = WorkingCalendar()
    with pytest.raises(TypeError, match=r"doit être une date \(datetime.date\)"):
        calendar.is_working_day(value)
    with pytest.raises(TypeError, match="doit être une date"):
        calendar.add_working_days(value, 1)
    with pytest.raises(TypeError, match="doit être une date"):
        calendar.working_days_between(d("2026-01-05"), value)


def test_a_datetime_is_refused_because_its_day_depends_on_the_time_zone():
    with pytest.raises(TypeError, match="timezone.localdate"):
        WorkingCalendar().add_working_days(datetime.datetime(2026, 1, 5, 23, 30), 1)


def test_an_unknown_subdivision_is_refused():
    with pytest.raises(ValueError, match="Subdivision de jours fériés inconnue : '99'"):
        WorkingCalendar(subdivision="99")


def test_closed_days_must_be_dates():
    with pytest.raises(TypeError, match="Un jour de fermeture doit être une date"):
        WorkingCalendar(closed_days={"2026-05-15"})


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_is_refused():
    site = make_site("75")
    with pytest.raises(ValueError, match="se termine le 31/01/2026, avant son début le 01/02/2026"):
        calendar_for_site(site, start=d("2026-02-01"), end=d("2026-01-31"))
    with pytest.raises(ValueError, match="avant son début"):
        calendars_for_sites([site], start=d("2026-02-01"), end=d("2026-01-31"))


@pytest.mark.django_db
def test_a_calendar_loaded_for_a_period_refuses_days_outside_it():
    calendar = calendar_for_site(make_site("75"), start=d("2026-08-10"), end=d("2026-08-20"))
    assert calendar.is_working_day(d("2026-08-20"))
    with pytest.raises(ValueError, match="que du 10/08/2026 au 20/08/2026 : impossible de dire si le 21/08/2026"):
        calendar.is_working_day(d("2026-08-21"))
    with pytest.raises(ValueError, match="impossible de dire si le 21/08/2026"):
        calendar.add_working_days(d("2026-08-10"), 15)
    with pytest.raises(ValueError, match="impossible de dire si le 01/08/2026"):
        calendar.working_days_between(d("2026-07-31"), d("2026-08-20"))


@pytest.mark.django_db
def test_bad_input_is_refused_before_any_query(django_assert_num_queries):
    site = Site.objects.select_related("prefecture").get(pk=make_site("75").pk)
    with django_assert_num_queries(0):
        with pytest.raises(ValueError, match="positif ou nul"):
            nth_working_day_after(site, d("2026-01-05"), -3)
        with pytest.raises(TypeError, match="timezone.localdate"):
            working_days_between(site, datetime.datetime(2026, 1, 5, 8), d("2026-01-12"))
        assert nth_working_day_after(site, d("2026-01-10"), 0) == d("2026-01-10")
        assert working_days_between(site, d("2026-01-12"), d("2026-01-05")) == 0
