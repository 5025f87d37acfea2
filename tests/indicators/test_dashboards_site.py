"""The site dashboard (referents and agents land on it; their prefecture and national administrators drill down to
it): traffic lights of the key indicators with their 12-month trends, what is overdue, the label and the next
audit, the satisfaction summary; a fixed number of queries whatever the data volume."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.checks import assert_no_more_queries
from tests.indicators.dashboards import landing
from tests.indicators.factories import MeasurementFactory, indicator

pytestmark = pytest.mark.django_db


def test_the_referent_lands_on_the_dashboard_of_their_site(client, world, today):
    response = landing(client, world.users["site_referent"])
    dashboard = response.context["d"]
    assert dashboard.site == world.site
    html = response.content.decode()
    assert "Indicateurs clés du site" in html and "Tendance sur 12 mois" in html
    assert reverse("indicators_site", kwargs={"pk": world.site.pk}) in html


def test_an_empty_site_says_there_is_nothing_overdue_no_label_and_no_survey(client, world, today):
    html = landing(client, world.users["agent"]).content.decode()
    assert "Rien en retard sur ce site." in html
    assert "Aucun cycle de labellisation en cours." in html
    assert "Aucun audit planifié." in html
    assert "Aucun résultat d’enquête de satisfaction." in html
    assert "Non mesuré" in html


def test_the_traffic_light_follows_the_target_of_the_latest_month(client, world, today):
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 2, 1), value=20)
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 3, 1), value=8)
    row = landing(client, world.users["agent"]).context["d"].panel.row("lost_calls_rate")
    assert row.status == "on_target" and row.latest.period == datetime.date(2026, 3, 1)
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 4, 1), value=12)
    row = landing(client, world.users["agent"]).context["d"].panel.row("lost_calls_rate")
    assert row.status == "intermediate"
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 1, 1), value=30)
    assert indicator("lost_calls_rate").status_of(30) == "off_target"


def test_the_sparkline_describes_the_months_measured(client, world, today):
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 3, 1), value=8)
    html = landing(client, world.users["agent"]).content.decode()
    assert 'aria-label="Appels perdus, tendance sur 12 mois — mars 2026 : 8' in html


def test_what_is_overdue_on_the_site_is_counted_and_not_the_sister_sites(client, world, today):
    factories.ComplaintFactory(site=world.site)  # received 02/03/2026, due before 15/04/2026
    factories.ComplaintFactory(site=world.sister_site)
    factories.CorrespondenceFactory(site=world.site)
    factories.CorrespondenceFactory(site=world.site, answered=True)
    factories.ActionFactory(plan__prefecture=world.prefecture, site=world.site, overdue=True)
    factories.ActionFactory(plan__prefecture=world.prefecture, site=world.site)  # due in a month
    response = landing(client, world.users["agent"])
    assert response.context["d"].overdue == {"complaints": 1, "correspondence": 1, "actions": 1}
    html = response.content.decode()
    assert "1 réclamation</a> hors délai" in html and "1 action</a> en retard" in html


def test_the_label_of_the_prefecture_and_its_next_audit_are_shown(client, world, today):
    labelling = factories.LabellingFactory(prefecture=world.prefecture, granted=True)
    factories.AuditFactory(
        labelling=labelling, kind="follow_up", start_on=datetime.date(2026, 5, 4), end_on=datetime.date(2026, 5, 5)
    )
    factories.AuditFactory(labelling=labelling, kind="internal")  # held in 2015: not the next one
    html = landing(client, world.users["agent"]).content.decode()
    assert "Labellisée (pérennisation)" in html
    assert "Prochain audit de suivi avant le 27/11/2016" in html and "(en retard)" in html
    assert "Audit planifié : Audit de suivi du 04/05/2026 au 05/05/2026" in html


def test_a_drill_down_to_a_site_shows_the_same_dashboard(client, world, today):
    client.force_login(world.users["quality_manager"])
    response = client.get(reverse("dashboard_site", kwargs={"pk": world.sister_site.pk}))
    assert response.status_code == 200
    assert response.context["d"].site == world.sister_site
    assert reverse("dashboard_prefecture", kwargs={"pk": world.prefecture.pk}) in response.content.decode()


def test_a_foreign_site_is_not_found(client, world, today):
    client.force_login(world.users["quality_manager"])
    assert client.get(reverse("dashboard_site", kwargs={"pk": world.foreign_site.pk})).status_code == 404


def test_the_site_dashboard_costs_the_same_whatever_the_data(client, world, today, django_assert_max_num_queries):
    client.force_login(world.users["quality_manager"])
    url = reverse("dashboard_site", kwargs={"pk": world.site.pk})

    def page():
        response = client.get(url)
        assert response.status_code == 200
        return response

    def more_data():
        labelling = factories.LabellingFactory(prefecture=world.prefecture, granted=True)
        factories.AuditFactory(
            labelling=labelling, start_on=datetime.date(2026, 6, 1), end_on=datetime.date(2026, 6, 2)
        )
        for month in range(1, 13):
            MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2025, month, 1))
        for _ in range(5):
            factories.ComplaintFactory(site=world.site)
            factories.CorrespondenceFactory(site=world.site)
            factories.ActionFactory(plan__prefecture=world.prefecture, site=world.site, overdue=True)

    assert_no_more_queries(django_assert_max_num_queries, page, more_data)


def test_the_satisfaction_of_the_site_in_the_latest_survey_is_summed_up(client, world, today):
    from tests.surveys.factories import CampaignFactory, add_responses

    CampaignFactory(prefecture=world.prefecture, closed=True, sites=[world.site])  # an older one
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site])
    add_responses(campaign, world.site, "courtesy", [4] * 8 + [2] * 2)
    add_responses(campaign, world.sister_site, "courtesy", [1] * 10)
    response = landing(client, world.users["agent"])
    results = response.context["d"].satisfaction
    assert results.campaign == campaign and results.by_code["courtesy"].rate == 80.0
    html = response.content.decode()
    assert campaign.title in html and ": 80 %" in html
