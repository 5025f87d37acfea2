"""The rollups of the measurements (per prefecture and national) stay equal to the aggregate of the measurements
themselves (indicators.services.aggregates, the reference) after every way of writing measurements: entry, the
grid, the API, a batch, an import, a computation, a delete by the ORM, the rebuild; and after random sequences."""

import ast
import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint
from indicators.models import Indicator, Measurement, MeasurementRollup
from indicators.services import aggregates, batches, compute, imports, rollups
from indicators.services import measurements as services
from sites.models import Prefecture
from tests import factories, test_data_version_writes
from tests.indicators.conftest import TODAY
from tests.indicators.factories import PREFECTURE_WIDE_RATE, MeasurementFactory, indicator, prefecture_wide_indicator
from tests.indicators.test_imports import TELEPHONY, csv_file

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
COLUMNS = ("indicator_id", "period", "prefecture_id", *rollups.PART_NAMES)


def _stored():
    return sorted(MeasurementRollup.objects.values_list(*COLUMNS), key=repr)


def assert_rollups_are_the_aggregates():
    """Every prefecture's figures and the nation's, read from the rollups, are those of the measurements; and the
    stored rollups are what a rebuild gives (no row left over)."""
    indicators = list(Indicator.objects.all())
    for prefecture in Prefecture.objects.all():
        expected = aggregates.aggregate(Measurement.objects.filter(prefecture=prefecture))
        assert rollups.aggregate(indicators=indicators, first=None, last=None, prefecture=prefecture) == expected
    expected = aggregates.aggregate(Measurement.objects.all(), per_prefecture=False)
    assert rollups.aggregate(indicators=indicators, first=None, last=None) == expected
    stored = _stored()
    rollups.rebuild()
    assert _stored() == stored


def _national(code, period=MARCH):
    rows = rollups.aggregate(indicators=[indicator(code)], first=period, last=period)
    return rows[0] if rows else None


def test_an_entered_value_its_correction_and_its_deletion_keep_the_rollups(world):
    user = world.users["quality_manager"]
    lost = indicator("lost_calls_rate")
    services.measurement_save(by=user, indicator=lost, period=MARCH, numerator=10, denominator=100, site=world.site)
    services.measurement_save(
        by=world.foreign_membership.user,
        indicator=lost,
        period=MARCH,
        numerator=30,
        denominator=100,
        site=world.foreign_site,
    )
    assert_rollups_are_the_aggregates()
    assert (_national("lost_calls_rate").value, _national("lost_calls_rate").places) == (Decimal("20.00"), 2)

    measurement = Measurement.objects.get(site=world.site)
    services.measurement_update(by=user, measurement=measurement, numerator=50)
    assert_rollups_are_the_aggregates()
    assert _national("lost_calls_rate").value == 40

    services.measurement_delete(by=user, measurement=Measurement.objects.get(site=world.site))
    assert_rollups_are_the_aggregates()
    assert (_national("lost_calls_rate").value, _national("lost_calls_rate").places) == (30, 1)

    services.measurement_delete(by=world.foreign_membership.user, measurement=Measurement.objects.get())
    assert not MeasurementRollup.objects.exists()


def test_the_grid_and_its_cells_keep_the_rollups(login, world, today):
    client = login("site_referent")
    url = reverse("measurement_grid_site", kwargs={"pk": world.site.pk})

    client.post(f"{url}?fin=2026-04", {"cell:lost_calls_rate:2026-02": "9", "cell:id_card_delay_days:2026-03": "8,5"})
    assert_rollups_are_the_aggregates()
    assert _national("id_card_delay_days").value == Decimal("8.50")

    client.post(
        reverse("measurement_cell_site", kwargs={"pk": world.site.pk}),
        {
            "indicator": "id_card_delay_days",
            "period": "2026-03",
            "cell:id_card_delay_days:2026-03": "",
            "fin": "2026-04",
        },
        HTTP_HX_REQUEST="true",
    )
    assert_rollups_are_the_aggregates()
    assert _national("id_card_delay_days") is None


def test_the_api_s_create_change_delete_and_bulk_keep_the_rollups(as_role, world):
    client = as_role("quality_manager")
    data = {
        "indicator": "lost_calls_rate",
        "site": world.site.pk,
        "period": "2026-03",
        "numerator": 12,
        "denominator": 150,
    }
    pk = client.post(reverse("api:measurement-list"), data, format="json").json()["id"]
    assert_rollups_are_the_aggregates()

    client.patch(reverse("api:measurement-detail", kwargs={"pk": pk}), {"value": "20"}, format="json")
    assert_rollups_are_the_aggregates()
    assert (_national("lost_calls_rate").value, _national("lost_calls_rate").method) == (20, aggregates.MEAN)

    bulk = [
        {"indicator": "counter_visitors", "site": name, "period": "2026-03", "value": value}
        for name, value in ((world.site.name, 4000), (world.sister_site.name, 2500))
    ]
    assert client.post(reverse("api:measurement-bulk"), {"measurements": bulk}, format="json").status_code == 200
    assert_rollups_are_the_aggregates()
    assert _national("counter_visitors").value == 6500

    assert client.delete(reverse("api:measurement-detail", kwargs={"pk": pk})).status_code == 204
    assert_rollups_are_the_aggregates()


def test_an_import_and_its_corrected_file_keep_the_rollups(world):
    user = world.users["quality_manager"]
    rows = [TELEPHONY, ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", "1030"]]
    imports.import_file(by=user, file=csv_file(rows), format_key="telephony")
    assert_rollups_are_the_aggregates()

    rows.append(["Sous-préfecture d'Istres", "2026-03", "750", "700", "50", "600"])
    rows[1] = ["Sous-préfecture d'Arles", "2026-03", "1250", "1150", "100", "1030"]
    imports.import_file(by=user, file=csv_file(rows), format_key="telephony")
    assert_rollups_are_the_aggregates()
    assert (_national("lost_calls_rate").numerator, _national("lost_calls_rate").denominator) == (150, 2000)


def test_a_computation_refreshes_its_scope_once_however_many_rows_it_writes(world):
    for site in (world.site, world.sister_site, world.foreign_site):
        factories.ComplaintFactory(site=site, answered=True)
        factories.ComplaintFactory(site=site, received_on=datetime.date(2026, 2, 2))

    compute.compute(today=TODAY)
    assert_rollups_are_the_aggregates()
    assert _national("complaints_in_time").places == 3

    Complaint.objects.filter(site=world.sister_site).delete()
    with CaptureQueriesContext(connection) as queries:
        compute.compute(codes=["complaints_in_time"], today=TODAY)
    assert_rollups_are_the_aggregates()
    assert _national("complaints_in_time").places == 2
    refreshes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "indicators_measurementrollup"')
    ]
    assert len(refreshes) == 2  # its prefectures' rows, then the national ones: once, not per deleted measurement


def test_a_delete_by_the_orm_keeps_the_rollups(world):
    MeasurementFactory(lost_calls=True, site=world.site)
    MeasurementFactory(lost_calls=True, site=world.sister_site)
    MeasurementFactory(lost_calls=True, site=world.foreign_site)

    Measurement.objects.filter(site=world.sister_site).delete()
    assert_rollups_are_the_aggregates()
    Measurement.objects.get(site=world.site).delete()
    assert_rollups_are_the_aggregates()
    assert _national("lost_calls_rate").places == 1


def test_the_rebuild_command_puts_back_what_a_write_outside_the_application_left(world):
    MeasurementFactory(lost_calls=True, site=world.site)
    MeasurementFactory(lost_calls=True, site=world.foreign_site, numerator=10, denominator=100, value=10)
    expected = _stored()
    Measurement.objects.filter(site=world.site).update(numerator=20)  # no signal: the rollups are stale
    MeasurementRollup.objects.filter(prefecture=world.foreign_prefecture).delete()

    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)

    assert "agrégat(s) de mesures recalculé(s)" in out.getvalue()
    assert_rollups_are_the_aggregates()
    assert _stored() != expected and _national("lost_calls_rate").numerator == 30


# --- every bulk write of measurements refreshes (the signals do not see them) ----------------------------------

# module:function -> why it needs no refresh of its own.
REFRESHED_BY_CALLER = {
    "indicators.services.compute:_upsert_in_python": "it returns the box it wrote; upsert's rollups.batch refreshes it",
}


def _refreshing_functions():
    """{module:function} of the functions that call ``rollups.refresh`` or open a ``rollups.batch``."""
    found = set()
    for module, path in test_data_version_writes._modules():
        for function in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(function, ast.FunctionDef) and any(
                isinstance(node, ast.Attribute)
                and node.attr in {"refresh", "batch"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "rollups"
                for node in ast.walk(function)
            ):
                found.add(f"{module}:{function.name}")
    return found


def test_every_bulk_write_of_measurements_refreshes_their_rollups():
    """Read in the code (ast, as tests/test_data_version_writes.py): ``bulk_create``, ``bulk_update``, ``update``
    and their ``*_with_history`` send no signal. Raw SQL (compute's upsert on PostgreSQL) is not seen here; the
    demo, by test_demo.py."""
    writes = {name for name, _line, model, _bumps in test_data_version_writes.bulk_writes() if model == "Measurement"}
    assert {"indicators.services.batches:_write_batch", *REFRESHED_BY_CALLER} <= writes

    missing = writes - _refreshing_functions() - set(REFRESHED_BY_CALLER)

    assert not missing, "bulk writes of measurements without rollups.refresh: " + ", ".join(sorted(missing))


# --- random sequences ----------------------------------------------------------------------------------------

# (code, level): a rate with or without its counts, a delay with or without its weight, a count, a prefecture's.
KINDS = ("lost_calls_rate", "id_card_delay_days", "counter_visitors", PREFECTURE_WIDE_RATE)
MONTHS = (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), MARCH)


def _random_values(rng, code):
    if code == "lost_calls_rate":
        denominator = rng.randint(1, 400)
        if rng.random() < 0.7:
            return {"numerator": rng.randint(0, denominator), "denominator": denominator}
        return {"value": f"{rng.randint(0, 10000) / 100:.2f}"}
    if code == "id_card_delay_days":
        value = {"value": f"{rng.randint(0, 5000) / 100:.2f}"}
        return {**value, "denominator": rng.randint(1, 300)} if rng.random() < 0.7 else value
    if code == "counter_visitors":
        return {"value": rng.randint(0, 9000)}
    return {"value": f"{rng.randint(9000, 10000) / 100:.2f}"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sequences_of_writes_keep_the_rollups(world, seed):
    rng = random.Random(seed)
    prefecture_wide_indicator(PREFECTURE_WIDE_RATE)
    places = [
        (world.users["quality_manager"], world.prefecture, (world.site, world.sister_site)),
        (world.foreign_membership.user, world.foreign_prefecture, (world.foreign_site,)),
    ]
    for _step in range(25):
        user, prefecture, sites = rng.choice(places)
        action = rng.random()
        if action < 0.55:
            code = rng.choice(KINDS)
            place = {"prefecture": prefecture} if code == PREFECTURE_WIDE_RATE else {"site": rng.choice(sites)}
            services.measurement_save(
                by=user,
                indicator=indicator(code),
                period=rng.choice(MONTHS),
                today=TODAY,
                **place,
                **_random_values(rng, code),
            )
        elif action < 0.75:
            existing = list(Measurement.objects.filter(prefecture=prefecture))
            if existing:
                services.measurement_delete(by=user, measurement=rng.choice(existing))
        else:
            items = []
            for line, site in enumerate(sites, start=1):
                code = rng.choice(KINDS[:3])
                values = _random_values(rng, code)
                items.append(
                    batches.Item(
                        line=line,
                        indicator=code,
                        period=rng.choice(MONTHS).isoformat()[:7],
                        site=str(site.pk),
                        **values,
                    )
                )
            batches.measurements_batch(by=user, items=items, today=TODAY)
        assert_rollups_are_the_aggregates()
    assert Measurement.objects.count() > 3


# --- concurrent writers ------------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite sérialise les écritures d'elle-même.")
@pytest.mark.django_db(transaction=True)
def test_two_sites_of_a_prefecture_written_at_once_both_count():
    """The second writer's refresh waits for the first's commit (the advisory lock), then reads its row: without
    the lock it would recompute the prefecture from a snapshot missing the other site (or collide on its row)."""
    import threading

    from django.db import connections, transaction

    from tests.permissions.world import build_world

    world = build_world()
    lost = indicator("lost_calls_rate")
    first_saved, errors = threading.Event(), []

    def write(site, numerator, before=None, after=None):
        try:
            if before:
                before.wait(10)
            with transaction.atomic():
                services.measurement_save(
                    by=world.users["quality_manager"],
                    indicator=lost,
                    period=MARCH,
                    numerator=numerator,
                    denominator=100,
                    site=site,
                )
                if after:
                    after.set()
                    threading.Event().wait(0.5)  # the second writer has written its row meanwhile
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=(world.site, 10), kwargs={"after": first_saved}),
        threading.Thread(target=write, args=(world.sister_site, 30), kwargs={"before": first_saved}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert_rollups_are_the_aggregates()
    assert (_national("lost_calls_rate").numerator, _national("lost_calls_rate").places) == (40, 2)
