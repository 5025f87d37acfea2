"""Factories of the indicators' tests (the base ones come from tests.factories)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from indicators.models import FootfallSlot, Indicator, Measurement
from tests import factories


def indicator(code):
    """An indicator of the shipped catalogue (loaded by the migration)."""
    return Indicator.objects.get(code=code)


# An entered prefecture-wide indicator of the tests: the catalogue's two (the crisis cell's) are computed from the
# crisis registers (crisis/); entry, grids and imports of prefecture-wide values stay for the ones to come.
PREFECTURE_WIDE = "prefecture_minutes_test"
PREFECTURE_WIDE_RATE = "prefecture_rate_test"


def prefecture_wide_indicator(code=PREFECTURE_WIDE):
    """An entered prefecture-wide indicator (``PREFECTURE_WIDE``: minutes, lower is better; ``PREFECTURE_WIDE_RATE``:
    a rate, higher is better), created once."""
    rate = code == PREFECTURE_WIDE_RATE
    return Indicator.objects.get_or_create(
        code=code,
        defaults={
            "name": "Taux saisi pour la préfecture (test)" if rate else "Délai saisi pour la préfecture (test)",
            "short_name": "Taux préfecture" if rate else "Délai préfecture",
            "theme": Indicator.Theme.ORGANISATION,
            "unit": Indicator.Unit.PERCENT if rate else Indicator.Unit.MINUTES,
            "comparison": "gte" if rate else "lt",
            "target": 100 if rate else 60,
            "source": Indicator.Source.ENTERED,
            "level": Indicator.Level.PREFECTURE,
            "position": 9990,
        },
    )[0]


class MeasurementFactory(DjangoModelFactory):
    """An entered measurement of a site: « peak_hours_displayed_rate » at 100 % in March 2026 by default."""

    class Meta:
        model = Measurement

    indicator = factory.LazyFunction(lambda: indicator("peak_hours_displayed_rate"))
    site = factory.SubFactory(factories.SiteFactory)
    prefecture = factory.LazyAttribute(lambda o: o.site.prefecture if o.site else factories.PrefectureFactory())
    period = datetime.date(2026, 3, 1)
    value = 100
    is_rate = factory.LazyAttribute(lambda o: o.indicator.is_rate)
    source = Indicator.Source.ENTERED

    class Params:
        lost_calls = factory.Trait(
            indicator=factory.LazyFunction(lambda: indicator("lost_calls_rate")),
            numerator=80,
            denominator=1000,
            value=8,
            source=Indicator.Source.IMPORTED,
        )
        computed = factory.Trait(
            indicator=factory.LazyFunction(lambda: indicator("complaints_in_time")),
            numerator=4,
            denominator=4,
            value=100,
            source=Indicator.Source.COMPUTED,
        )


class FootfallSlotFactory(DjangoModelFactory):
    class Meta:
        model = FootfallSlot

    service = factory.SubFactory(factories.ServiceFactory)
    site = factory.SelfAttribute("service.site")
    day = datetime.date(2026, 3, 2)
    hour = 9
    visitors = 40
    waiting_minutes = 15


def add_sites_with_figures(prefecture, count):
    """`count` more sites of `prefecture`, each with a complaint (received on 02/03/2026, unanswered) and a lost
    calls rate for March 2026: what the prefecture's dashboard and downloads read per site."""
    for _ in range(count):
        site = factories.SiteFactory(prefecture=prefecture)
        factories.ComplaintFactory(site=site)
        MeasurementFactory(site=site, lost_calls=True, period=datetime.date(2026, 3, 1))
