"""In a real browser: the referent's action plan page (filters, inline edits with htmx, history), a manager who
only reads, and the XLSX export of the filtered list."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERDUE_ARLES = "Ajouter la date de réception au tableau de suivi des lettres d'observation aux collectivités"


@pytest.fixture
def demo_actions(demo):
    from engagements.demo import actions

    actions.load()  # idempotent: nothing changes if load_demo already loaded it
    return demo


def _filter_overdue(page):
    page.goto("/qualite/actions/")
    page.locator("label", has_text="Les actions en retard").click()  # the DSFR label covers its checkbox
    expect(page.get_by_label("Les actions en retard")).to_be_checked()
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"overdue=true"))


def test_a_referent_filters_overdue_actions_and_changes_one_inline(page, demo_actions, signed_in, artifacts):
    signed_in("referent-arles")
    _filter_overdue(page)
    rows = page.locator("tbody tr")
    # The action late since 2016 first (by due date), then the current plan's three, late by days (demo of today).
    expect(rows).to_have_count(4)
    row = rows.first
    expect(row.get_by_role("link", name=OVERDUE_ARLES, exact=True)).to_be_visible()
    expect(row.get_by_text("En retard")).to_be_visible()

    row.get_by_role("link", name=re.compile("^Modifier")).click()  # the row's controls, saved on request only
    progress = row.get_by_label("Avancement de")
    progress.fill("150")
    progress.press("Enter")
    expect(page.locator("tbody tr").first.locator(".fr-error-text:not(:empty)")).to_have_text(
        "L'avancement est un pourcentage entier compris entre 0 et 100."
    )
    expect(page.locator("tbody tr").first.get_by_label("Avancement de")).to_be_focused()
    artifacts.screenshot(page, "actions-erreur-en-ligne.png")

    progress = page.locator("tbody tr").first.get_by_label("Avancement de")
    progress.fill("80")
    progress.press("Enter")
    expect(page.locator("#inline-status")).to_have_text("Modification enregistrée.")
    expect(page.locator("tbody tr").first.locator(".fr-error-text:not(:empty)")).to_have_count(0)

    page.locator("tbody tr").first.get_by_role("link", name=re.compile("^Modifier")).click()
    page.locator("tbody tr").first.get_by_label("Statut de").select_option(label="Réalisée")
    page.locator("tbody tr").first.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("tbody tr").first.get_by_text("Réalisée", exact=True)).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("100 %")
    expect(page.locator("#inline-status")).to_contain_text("En cours → Réalisée, avancement 100 %")
    artifacts.screenshot(page, "actions-modifiee-en-ligne.png")

    page.reload()
    expect(page.locator("tbody tr")).to_have_count(3)  # done: no longer overdue
    expect(page.get_by_role("link", name=OVERDUE_ARLES)).to_have_count(0)

    page.goto("/qualite/actions/?q=date+de+r%C3%A9ception")
    expect(page.locator("tbody tr").first).to_contain_text("Réalisée")
    page.get_by_role("link", name=OVERDUE_ARLES, exact=True).click()
    history = page.locator("#historique")
    latest_status = history.locator("tr", has_text="Statut").first  # newest first
    expect(latest_status).to_contain_text(re.compile(r"Julien Mistral\s+Statut\s+En cours\s+Réalisée"))
    expect(history.get_by_role("row", name=re.compile(r"Julien Mistral Avancement \(%\) 50 % 80 %"))).to_have_count(1)
    expect(history.get_by_role("row", name=re.compile(r"Avancement \(%\) 80 % 100 %"))).to_have_count(1)
    artifacts.screenshot(page, "actions-historique.png", full_page=True)


def test_a_manager_reads_the_action_plan_but_cannot_edit(page, demo_actions, signed_in, artifacts, page_checks):
    page_checks.allow_console("status of 403")  # the refused edit below
    signed_in("direction13")
    page.goto("/qualite/actions/")
    expect(page.locator("tbody tr").first).to_be_visible()
    expect(page.locator("tbody select, tbody input")).to_have_count(0)
    expect(page.get_by_role("button", name="Appliquer")).to_have_count(0)
    expect(page.get_by_role("link", name="Nouvelle action")).to_have_count(0)
    artifacts.screenshot(page, "actions-direction.png")

    page.locator("tbody tr th a").first.click()
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    expect(page.get_by_role("link", name="Changer le statut")).to_have_count(0)
    pk = re.search(r"/actions/(\d+)/", page.url).group(1)
    status = page.evaluate(
        """async (pk) => {
            const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).split('=')[1];
            const response = await fetch(`/qualite/actions/${pk}/en-ligne/`, {
                method: 'POST',
                headers: {'X-CSRFToken': token, 'HX-Request': 'true'},
                body: new URLSearchParams({field: 'progress', progress: '90'}),
            });
            return response.status;
        }""",
        pk,
    )
    assert status == 403


def test_the_xlsx_export_holds_the_filtered_rows(page, demo_actions, signed_in):
    signed_in("qualite13")
    _filter_overdue(page)
    shown = page.locator("tbody tr th a").all_inner_texts()
    assert len(shown) >= 3

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter en XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    rows = list(workbook["Actions"].iter_rows(values_only=True))

    assert rows[0][1] == "Intitulé"
    assert sorted(row[1] for row in rows[1:]) == sorted(shown)
    assert {row[rows[0].index("En retard")] for row in rows[1:]} == {"oui"}
