"""The catalogue: seeded from indicators/catalogue.yaml by a migration, and consistent with the référentiels,
whose measurable engagements name their indicator by its code."""

from decimal import Decimal

import pytest
import yaml

from engagements import importer
from engagements.models import Engagement
from indicators import catalogue
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

# The engagements' units (référentiels' YAML) and the catalogue's.
UNITS = {
    "%": Indicator.Unit.PERCENT,
    "jours": Indicator.Unit.DAYS,
    "jours ouvrés": Indicator.Unit.WORKING_DAYS,
    "minutes": Indicator.Unit.MINUTES,
    "sonneries": Indicator.Unit.RINGS,
    "enquête par an": Indicator.Unit.COUNT,
    "réunion par an": Indicator.Unit.COUNT,
}
# Shares of items handled within the promised delay: the engagement gives the delay, the catalogue the share.
SHARES = {"letters_in_time", "emails_in_time", "complaints_in_time", "pickup_within_5_rings"}


def _shipped_targets():
    """(file, engagement code, target) of every measurable engagement of the shipped référentiels."""
    targets = []
    for path in sorted(importer.SHIPPED_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for module in data["modules"]:
            for engagement in module["engagements"]:
                if engagement.get("target"):
                    targets.append((path.name, engagement["code"], engagement["target"]))
    return targets


def test_every_indicator_named_by_a_shipped_referential_is_in_the_catalogue():
    codes = set(Indicator.objects.values_list("code", flat=True))
    missing = sorted({target["indicator"] for _, _, target in _shipped_targets()} - codes)
    assert not missing, f"indicateurs des référentiels absents du catalogue : {missing}"


@pytest.mark.parametrize(
    ("file", "engagement", "target"), _shipped_targets(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_each_engagement_target_agrees_with_its_indicator(file, engagement, target):
    indicator = Indicator.objects.get(code=target["indicator"])
    if indicator.code in SHARES:
        # « moins de 15 jours ouvrés » is the delay of each item; the indicator is the share of items within it.
        assert indicator.unit == Indicator.Unit.PERCENT and indicator.higher_is_better
        assert UNITS[target["unit"]] in (Indicator.Unit.WORKING_DAYS, Indicator.Unit.RINGS)
        return
    assert UNITS[target["unit"]] == indicator.unit, f"{engagement} : unité"
    assert target["comparison"] == indicator.comparison, f"{engagement} : sens de l'objectif"
    assert Decimal(str(target["value"])) == indicator.target, f"{engagement} : objectif"


def test_the_engagements_in_the_database_name_only_catalogued_indicators():
    named = set(Engagement.objects.exclude(target_indicator="").values_list("target_indicator", flat=True))
    assert named and named <= set(Indicator.objects.values_list("code", flat=True))


def test_every_measurable_engagement_of_the_domain_is_seeded():
    expected = {
        "lost_calls_rate": ("percent", "lt", 10),
        "pickup_rate": ("percent", "gte", None),
        "pickup_within_5_rings": ("percent", "gte", None),
        "letters_in_time": ("percent", "gte", None),
        "emails_in_time": ("percent", "gte", None),
        "complaints_in_time": ("percent", "gte", None),
        "id_card_delay_days": ("days", "lt", 10),
        "passport_delay_days": ("days", "lt", 15),
        "driving_licence_delay_days": ("days", "lt", 10),
        "agents_trained_4y": ("percent", "gte", 100),
        "actions_on_time": ("percent", "gte", None),
        "counter_waiting_minutes": ("minutes", "lte", None),
        "crisis_cell_activation_minutes": ("minutes", "lt", 60),
        "pickup_mean_rings": ("rings", "lt", 5),
        "complaints_answer_delay": ("working_days", "lte", 15),
    }
    for code in ("phone", "accessibility", "conditions", "opening_hours", "signage", "courtesy", "waiting_time"):
        expected[f"satisfaction_{code}"] = ("percent", "gte", None)
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    for code, (unit, comparison, target) in expected.items():
        indicator = indicators[code]
        assert (indicator.unit, indicator.comparison) == (unit, comparison), code
        if target is not None:
            assert indicator.target == target, code
    # Frequencies, sources and levels follow the documents: satisfaction yearly, crisis cell per prefecture.
    assert indicators["satisfaction_phone"].frequency == Indicator.Frequency.YEARLY
    assert indicators["crisis_cell_activation_minutes"].level == Indicator.Level.PREFECTURE
    assert indicators["complaints_in_time"].source == Indicator.Source.COMPUTED
    assert indicators["lost_calls_rate"].source == Indicator.Source.IMPORTED
    assert {i.unit for i in indicators.values()} == set(Indicator.Unit.values)


def test_every_computed_indicator_has_a_computation():
    from indicators.computations import registered

    computed = set(Indicator.objects.filter(source=Indicator.Source.COMPUTED).values_list("code", flat=True))
    assert computed <= set(registered())


def test_syncing_the_catalogue_again_creates_nothing_and_keeps_the_targets_set_by_administrators():
    Indicator.objects.filter(code="lost_calls_rate").update(target=8)
    count = Indicator.objects.count()

    assert catalogue.sync() == []

    assert Indicator.objects.count() == count == len(catalogue.read())
    assert Indicator.objects.get(code="lost_calls_rate").target == 8


def test_syncing_puts_back_indicators_a_flush_removed():
    Indicator.objects.filter(code="pickup_mean_rings").delete()

    assert catalogue.sync() == ["pickup_mean_rings"]
    assert Indicator.objects.get(code="pickup_mean_rings").target == 5


def test_a_catalogue_file_with_a_duplicate_code_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    item = "- {code: x_rate, name: X, short_name: X, theme: phone, unit: percent, comparison: gte, source: entered}\n"
    path.write_text(item * 2, encoding="utf-8")

    with pytest.raises(catalogue.CatalogueError, match="en double"):
        catalogue.read(path)
