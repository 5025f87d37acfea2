"""Built dashboards are kept in the cache (indicators.dashboards.cache) until a write changes what they read: a
measurement saved, a bulk import, a computation that writes, a complaint; then the next request builds them again."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.services import compute
from qualipref.lib import data_version
from tests import factories
from tests.indicators.factories import MeasurementFactory

pytestmark = pytest.mark.django_db

MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.QUALIPREF_DASHBOARD_CACHE_SECONDS = 60


def _site_dashboard(client, world):
    """(the site dashboard the world's agent's landing page shows, kept under the same version as its HTML; the
    queries that page cost)."""
    from indicators.dashboards import site as site_dashboard

    client.force_login(world.users["agent"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and "Indicateurs clés du site" in response.content.decode()
    return site_dashboard.build(world.site), len(queries)


def test_a_second_reading_is_served_from_the_cache(client, world, today):
    MeasurementFactory(site=world.site, lost_calls=True, period=MARCH, value=8)

    first, built = _site_dashboard(client, world)
    second, cached = _site_dashboard(client, world)

    assert cached < built
    assert second.panel.row("lost_calls_rate").latest.value == first.panel.row("lost_calls_rate").latest.value == 8


def test_a_measurement_saved_shows_at_the_next_request(client, world, today):
    MeasurementFactory(site=world.site, lost_calls=True, period=MARCH, value=8)
    assert _site_dashboard(client, world)[0].panel.row("lost_calls_rate").status == "on_target"

    MeasurementFactory(site=world.site, lost_calls=True, period=APRIL, value=12)

    assert _site_dashboard(client, world)[0].panel.row("lost_calls_rate").status == "intermediate"


def test_a_bulk_import_shows_at_the_next_request(client, world, today):
    assert _site_dashboard(client, world)[0].panel.row("lost_calls_rate").latest is None
    api = APIClient()
    api.force_authenticate(world.users["quality_manager"])
    item = {"indicator": "lost_calls_rate", "site": world.site.name, "period": "2026-03", "value": 7}

    response = api.post(reverse("api:measurement-bulk"), {"measurements": [item]}, format="json")

    assert response.status_code == 200, response.json()
    assert _site_dashboard(client, world)[0].panel.row("lost_calls_rate").latest.value == 7


def test_a_computation_that_writes_changes_the_version_and_one_that_writes_nothing_does_not(world, today):
    factories.ComplaintFactory(site=world.site, answered=True)
    before = data_version.current()
    compute.run_full()
    after = data_version.current()
    assert after != before

    compute.run_full()

    assert data_version.current() == after


def test_a_dashboard_of_another_day_is_built_not_cached(world, today):
    from indicators.dashboards import site as site_dashboard

    with CaptureQueriesContext(connection) as first:
        site_dashboard.build(world.site, today=datetime.date(2026, 1, 15))
    with CaptureQueriesContext(connection) as second:
        site_dashboard.build(world.site, today=datetime.date(2026, 1, 15))
    assert len(second) == len(first) > 0


@pytest.mark.parametrize("role", ["national", "quality_manager", "site_referent"])
def test_each_landing_dashboard_is_the_same_page_from_the_cache(client, world, today, role):
    MeasurementFactory(site=world.site, lost_calls=True, period=MARCH, value=8)
    factories.ComplaintFactory(site=world.site)
    client.force_login(world.users[role])

    with CaptureQueriesContext(connection) as built:
        first = client.get(reverse("dashboard")).content
    with CaptureQueriesContext(connection) as cached:
        second = client.get(reverse("dashboard")).content

    assert _without_csrf(second) == _without_csrf(first)
    assert len(cached) < len(built)


def _without_csrf(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_a_transaction_writing_many_rows_changes_the_version_at_each_row_and_hooks_its_commit_once(world, today):
    versions = set()
    for month in (1, 2, 3):
        MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, month, 1))
        versions.add(data_version.current())

    hooks = [hook for _, hook, _ in connection.run_on_commit if hook.__module__ == "qualipref.lib.data_version"]
    assert len(versions) == 3 and len(hooks) == 1


def test_the_national_dashboards_html_is_kept_and_a_write_renders_it_again(client, world, today):
    client.force_login(world.users["national"])
    status_of = re.compile(rb'<tr data-status="([a-z_]+)">')
    body = "indicators/dashboards/_national_body.html"
    first = client.get(reverse("dashboard"))
    second = client.get(reverse("dashboard"))
    assert body in [t.name for t in first.templates] and body not in [t.name for t in second.templates]
    assert second.content.count(b"Carte des labellisations") == 1

    factories.LabellingFactory(prefecture=world.prefecture, granted=True)  # its follow-up is late: « late »

    assert b"late" not in status_of.findall(first.content)
    assert b"late" in status_of.findall(client.get(reverse("dashboard")).content)


@pytest.mark.parametrize("name", ["national", "prefecture", "site"])
def test_a_dashboards_kept_html_is_what_a_request_renders(rf, world, today, name):
    """Rendered without a request (for every reader it is built for), it is the same as rendered within one."""
    from django.template.loader import render_to_string

    from indicators.dashboards import national, prefecture, site

    user = world.users["national"]
    dashboards = {
        "national": ("_national_body.html", national.build, national.body_html, ()),
        "prefecture": ("_prefecture.html", prefecture.build, prefecture.body_html, (world.prefecture, user)),
        "site": ("_site.html", site.build, site.body_html, (world.site,)),
    }
    template, build, body_html, arguments = dashboards[name]
    request = rf.get(reverse("dashboard"))
    request.user = user
    within = render_to_string(f"indicators/dashboards/{template}", {"d": build(*arguments)}, request=request)
    assert body_html(*arguments) == within
