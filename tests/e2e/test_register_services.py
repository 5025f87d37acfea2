"""In a real browser: the new-letter form of the quality manager offers only the services of the chosen site,
each labelled with its site (static/complaints/services.js; without JavaScript every service is listed)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _labels(page):
    return page.locator("#id_service").locator("option").all_inner_texts()


def test_the_services_follow_the_chosen_site(page, demo, signed_in, artifacts):
    signed_in("qualite13")
    page.goto("/courriers/nouveau/")

    page.locator("#id_site").select_option(label="Sous-préfecture d'Istres")
    assert _labels(page) == [
        "— Non précisé —",
        "Accueil des étrangers – Sous-préfecture d'Istres",
        "Accueil général – Sous-préfecture d'Istres",
    ]
    page.locator("#id_service").select_option(label="Accueil général – Sous-préfecture d'Istres")

    page.locator("#id_site").select_option(label="Sous-préfecture d'Arles")
    assert _labels(page) == [
        "— Non précisé —",
        "Accueil des étrangers – Sous-préfecture d'Arles",
        "Accueil général – Sous-préfecture d'Arles",
    ]
    expect(page.locator("#id_service")).to_have_value("")
    artifacts.screenshot(page, "courrier-services-du-site.png", full_page=True)
