"""In a real browser: the referent of Arles types this month's phone figures in the entry grid with the keyboard
only; a rate over 100 % is refused next to its cell with a clear message; the row's trend and traffic light follow;
the site's board shows the new value."""

import re

import pytest
from playwright.sync_api import expect

from indicators import periods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referent_enters_a_month_in_the_grid_with_the_keyboard(page, demo, login, artifacts):
    month = periods.label(periods.current())  # « novembre 2026 »: the demo stops at the month before
    login("referent-arles", demo)

    page.get_by_role("link", name="Indicateurs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sous-préfecture d'Arles")
    page.get_by_role("link", name="Saisir les indicateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisie des indicateurs")

    page.get_by_label(f"Appels perdus, {month} (%)").click()
    page.keyboard.type("7,5")
    page.keyboard.press("Enter")  # saved, and down to « Décroché »
    expect(page.get_by_label(f"Décroché, {month} (%)")).to_be_focused()
    page.keyboard.type("92")
    page.keyboard.press("Enter")
    within_5 = page.get_by_label(f"Moins de 5 sonneries, {month} (%)")
    expect(within_5).to_be_focused()
    page.keyboard.type("150")
    page.keyboard.press("Enter")

    # Refused next to its cell, the focus back on it, nothing saved.
    cell = page.locator(f"#cell-pickup_within_5_rings-{periods.format_period(periods.current())}")
    expect(cell.locator(".fr-error-text")).to_have_text(
        "Un taux ne peut pas dépasser 100 % (saisi : 150 %) : vérifiez « Moins de 5 sonneries »."
    )
    expect(page.get_by_label(f"Moins de 5 sonneries, {month} (%)")).to_be_focused()
    # The message is tied to the input (aria-describedby), so a screen reader reads it with the focused cell.
    expect(page.get_by_label(f"Moins de 5 sonneries, {month} (%)")).to_have_attribute(
        "aria-describedby", f"error-pickup_within_5_rings-{periods.format_period(periods.current())}"
    )
    artifacts.screenshot(page, "indicateurs-grille-erreur.png", full_page=True)

    page.keyboard.type("88")  # the refused value is selected: typing replaces it
    page.keyboard.press("Tab")
    expect(cell.locator(".fr-error-text")).to_have_count(0)
    expect(page.locator("#grid-status")).to_have_text("Valeur enregistrée.")

    # The trend of the row holds the new month, and its light says where it stands.
    trend = page.locator("#trend-lost_calls_rate")
    expect(trend.get_by_role("img")).to_have_attribute("aria-label", re.compile(rf"{month} : 7,5\s%$"))
    expect(trend.locator(".qp-light")).to_have_text("Atteint")
    expect(page.locator("#trend-pickup_within_5_rings svg")).to_have_attribute(
        "aria-label", re.compile(rf"{month} : 88\s%$")
    )
    artifacts.screenshot(page, "indicateurs-grille.png", full_page=True)

    page.get_by_role("link", name="Voir les indicateurs").click()
    row = page.locator("#indicator-lost_calls_rate")
    expect(row).to_contain_text(re.compile(r"7,5\s%"))
    expect(row).to_contain_text(month)
    artifacts.screenshot(page, "indicateurs-site.png", full_page=True)
