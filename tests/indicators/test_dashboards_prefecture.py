"""The prefecture dashboard (quality managers and managers land on it; national administrators drill down to it):
key indicators of all its sites, label, next audit, open non-conformities, what is overdue per site with a link
down to each site the user may see; a fixed number of queries whatever the number of sites."""

import pytest
from django.urls import reverse

from tests import factories
from tests.checks import assert_no_more_queries
from tests.indicators.factories import add_sites_with_figures

pytestmark = pytest.mark.django_db


def _page(client, user, prefecture):
    client.force_login(user)
    return client.get(reverse("dashboard_prefecture", kwargs={"pk": prefecture.pk}))


def test_the_quality_manager_lands_on_the_dashboard_of_their_prefecture(client, world, today):
    client.force_login(world.users["quality_manager"])
    response = client.get(reverse("dashboard"))
    dashboard = response.context["d"]
    assert dashboard.prefecture == world.prefecture
    assert [site.name for site in dashboard.sites] == ["Sous-préfecture d'Arles", "Sous-préfecture d'Istres"]
    html = response.content.decode()
    assert "Indicateurs clés de la préfecture" in html
    assert reverse("dashboard_site", kwargs={"pk": world.site.pk}) in html
    assert reverse("dashboard_site", kwargs={"pk": world.sister_site.pk}) in html
    assert reverse("dashboard_site", kwargs={"pk": world.foreign_site.pk}) not in html


def test_the_manager_lands_on_the_same_dashboard(client, world, today):
    client.force_login(world.users["manager"])
    assert client.get(reverse("dashboard")).context["d"].prefecture == world.prefecture


def test_overdue_items_are_counted_per_site_and_for_the_whole_prefecture(client, world, today):
    factories.ComplaintFactory(site=world.site)
    factories.ComplaintFactory(site=world.sister_site)
    factories.ComplaintFactory(site=world.foreign_site)
    factories.CorrespondenceFactory(site=world.sister_site, kind="email")
    factories.ActionFactory(plan__prefecture=world.prefecture, overdue=True)  # no site: the prefecture's
    dashboard = _page(client, world.users["quality_manager"], world.prefecture).context["d"]
    assert dashboard.overdue == {"complaints": 2, "correspondence": 1, "actions": 1}
    by_site = {site.name: site.overdue for site in dashboard.sites}
    assert by_site["Sous-préfecture d'Arles"] == {"complaints": 1, "correspondence": 0, "actions": 0}
    assert by_site["Sous-préfecture d'Istres"] == {"complaints": 1, "correspondence": 1, "actions": 0}


def test_open_nonconformities_of_the_prefecture_are_counted(client, world, today):
    labelling = factories.LabellingFactory(prefecture=world.prefecture, audited=True, sites=[world.site])
    audit = factories.AuditFactory(labelling=labelling, delivered=True)
    factories.FindingFactory(audit=audit, category="major_nonconformity")
    factories.FindingFactory(audit=audit, category="strength")
    response = _page(client, world.users["quality_manager"], world.prefecture)
    assert response.context["d"].open_nonconformities == 1
    assert "1 non-conformité ouverte" in response.content.decode()


def test_a_prefecture_without_data_shows_empty_states(client, world, today):
    empty = factories.PrefectureFactory(department=factories.DepartmentFactory(code="05", name="Hautes-Alpes"))
    response = _page(client, world.users["national"], empty)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucun site actif dans cette préfecture." in html
    assert "Rien en retard dans la préfecture." in html
    assert "Aucun cycle de labellisation en cours." in html
    assert "Aucun résultat d’enquête de satisfaction." in html


def test_a_referent_sees_their_prefecture_with_a_link_to_their_site_only(client, world, today):
    response = _page(client, world.users["site_referent"], world.prefecture)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("dashboard_site", kwargs={"pk": world.site.pk}) in html
    assert reverse("dashboard_site", kwargs={"pk": world.sister_site.pk}) not in html


def test_a_foreign_prefecture_is_not_found(client, world, today):
    assert _page(client, world.users["quality_manager"], world.foreign_prefecture).status_code == 404


def test_the_national_administrator_drills_down_with_a_breadcrumb_back(client, world, today):
    response = _page(client, world.users["national"], world.prefecture)
    assert response.context["breadcrumb_data"]["links"] == [
        {"title": "Tableau de bord national", "url": reverse("dashboard")}
    ]


def test_the_prefecture_dashboard_costs_the_same_for_1_or_20_sites(client, world, today, django_assert_max_num_queries):
    user = world.users["quality_manager"]

    def page():
        response = _page(client, user, world.prefecture)
        assert response.status_code == 200
        return response

    assert_no_more_queries(django_assert_max_num_queries, page, lambda: add_sites_with_figures(world.prefecture, 18))


def test_the_satisfaction_of_the_whole_prefecture_flags_dimensions_below_target(client, world, today):
    from tests.surveys.factories import CampaignFactory, add_responses

    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site])
    add_responses(campaign, world.site, "courtesy", [4] * 8 + [2] * 2)
    add_responses(campaign, world.sister_site, "courtesy", [1] * 10)
    CampaignFactory(prefecture=world.prefecture, draft=True)  # not started: not the latest
    response = _page(client, world.users["quality_manager"], world.prefecture)
    assert response.context["d"].satisfaction.by_code["courtesy"].rate == 40.0
    assert "Sous l’objectif de 80 %" in response.content.decode()


def test_the_prefecture_dashboard_is_built_in_a_pinned_number_of_queries(world, today, django_assert_num_queries):
    from indicators.dashboards import prefecture as prefecture_dashboard
    from tests.surveys.factories import CampaignFactory, add_responses

    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site])
    add_responses(campaign, world.site, "courtesy", [4, 2])
    factories.ActionFactory(plan__prefecture=world.prefecture, overdue=True)
    user = world.users["quality_manager"]
    user.refresh_from_db()  # its scope read afresh, as in a request
    # its sites 1 (+1 the user's scope), overdue per site 3 (the prefecture's total is their sum), key indicators 3,
    # label 1, next audit 1, non-conformities 1, satisfaction 4 (the campaign with its questionnaire), crisis 2,
    # documents 1
    with django_assert_num_queries(18):
        dashboard = prefecture_dashboard._build(world.prefecture, user, today)
    assert dashboard.overdue["actions"] == 1
