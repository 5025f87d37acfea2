"""The demo data: the 2015 table of docs/domaine.md (§ Données de démonstration) as published aggregated results,
an open campaign with answers."""

import pytest
from django.urls import reverse

from qualipref.demo import load_demo
from sites.models import Site
from surveys import demo, results
from surveys.models import Campaign, Response
from tests.checks import assert_no_new_rows

pytestmark = pytest.mark.django_db


def test_the_2015_table_of_the_bouches_du_rhone_is_shown_with_its_real_figures(demo_data, client):
    campaign = Campaign.objects.get(title="Enquête de satisfaction des usagers 2015")
    arles = Site.objects.get(name="Sous-préfecture d'Arles")
    saint_sebastien = Site.objects.get(name="Marseille – Saint-Sébastien")

    rates = {d.code: d.rate for d in results.campaign_results(campaign, site=arles).dimensions}
    permits = campaign.services.get(name="Cartes grises et permis")
    assert rates == {
        "phone": 87.0,
        "accessibility": 97.0,
        "conditions": 94.0,
        "opening_hours": 72.0,
        "signage": 94.0,
        "courtesy": 99.0,
        "waiting_time": 82.0,
    }
    assert results.campaign_results(campaign, service=permits).by_code["opening_hours"].rate == 51.5
    assert campaign.campaign_sites.filter(published_at__isnull=False).count() == 5

    # Arles' public page shows the latest published campaign: the previous one (2015's rates, a little better).
    recent = Campaign.objects.get(prefecture=campaign.prefecture, title__startswith=demo.PREVIOUS_PREFIX)
    page = client.get(reverse("survey_public_results", kwargs={"site_pk": arles.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert recent.title in text and "Accueil des personnes à mobilité réduite" in text
    assert "98 %" in text  # accessibility: 97 % in 2015, + 1
    service_page = client.get(reverse("survey_public_results", kwargs={"site_pk": saint_sebastien.pk})).content.decode()
    assert "Cartes grises et permis" in service_page and "51,5 %" in service_page


def test_this_year_campaign_is_open_with_answers_and_nothing_published(demo_data, client):
    campaign = Campaign.objects.exclude(kind="aggregated").get(prefecture__department_id="13")

    assert campaign.accepts_responses()
    assert Response.objects.filter(campaign=campaign).count() == 54
    assert Response.objects.filter(campaign=campaign, comment_status="pending").exists()
    assert not campaign.campaign_sites.filter(published_at__isnull=False).exists()


def test_loading_the_demo_twice_adds_nothing(demo_data):
    assert_no_new_rows(load_demo, Campaign.objects, Response.objects)


def test_the_staff_pages_of_the_2015_campaign_show_its_rates(demo_data, client):
    from accounts.models import User

    client.force_login(User.objects.get(username="qualite13"))
    campaign = Campaign.objects.get(title="Enquête de satisfaction des usagers 2015")
    arles = Site.objects.get(name="Sous-préfecture d'Arles")

    whole = client.get(reverse("campaign_results", kwargs={"pk": campaign.pk}))
    one_site = client.get(reverse("campaign_results", kwargs={"pk": campaign.pk}), {"site": arles.pk})
    detail = client.get(reverse("campaign_detail", kwargs={"pk": campaign.pk}))
    aggregated = client.get(reverse("campaign_aggregated", kwargs={"pk": campaign.pk}))

    assert [page.status_code for page in (whole, one_site, detail, aggregated)] == [200, 200, 200, 200]
    assert "Marseille – Saint-Sébastien – Cartes grises et permis" in whole.content.decode()
    assert "effectif inconnu" in one_site.content.decode()
    assert "51,5" in aggregated.content.decode()
