"""In a real browser: the national administrator lands on the national dashboard, opens a prefecture from the map
of France (a tile is a link named by its département and label), then a site from the prefecture's table, and
comes back through the breadcrumb and the table of prefectures (the map's text alternative)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_national_administrator_drills_down_from_the_map_to_a_site(page, demo, login, artifacts):
    login("national", demo)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord national")
    tile = page.get_by_role("link", name=re.compile(r"^13 Bouches-du-Rhône – "))
    expect(tile).to_have_count(1)
    expect(page.get_by_role("table", name=re.compile("texte de la carte"))).to_be_visible()
    page.screenshot(path=artifacts / "tableau-de-bord-national.png", full_page=True)

    tile.focus()
    page.keyboard.press("Enter")
    prefecture = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text("Tableau de bord de la préfecture")).to_be_visible()
    expect(page.get_by_role("heading", name="Indicateurs clés de la préfecture")).to_be_visible()

    page.get_by_role("table", name=re.compile("^Sites de ")).get_by_role("link", name="Sous-préfecture d'Arles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sous-préfecture d'Arles")
    expect(page.get_by_role("heading", name="Indicateurs clés du site")).to_be_visible()
    page.screenshot(path=artifacts / "tableau-de-bord-site.png", full_page=True)

    # Back up: the breadcrumb leads to the prefecture, then to the nation; the table leads down again.
    breadcrumb = page.get_by_role("navigation", name=re.compile("vous êtes ici", re.I))
    breadcrumb.get_by_role("link", name=prefecture).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prefecture)
    breadcrumb.get_by_role("link", name="Tableau de bord national").click()
    page.get_by_role("table", name=re.compile("texte de la carte")).get_by_role("link", name=prefecture).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prefecture)
