"""In a real browser: the national administrator lands on the national dashboard, opens a prefecture from the map
of France (a département is a link named by its label), then a site from the prefecture's table, and comes back
through the breadcrumb and the table of prefectures (the map's text alternative); they ask for the national PDF,
follow its production on the page (the Celery task's body run in the test process, as the worker would) and
download it; a prefecture's quality manager lands on its dashboard, downloads a table, asks for the prefecture's PDF
and downloads it once produced, and drills down to a site."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_national_administrator_drills_down_from_the_map_to_a_site(page, demo, login, artifacts):
    login("national", demo)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord national")
    tile = page.get_by_role("link", name=re.compile(r"^13 Bouches-du-Rhône – "))
    expect(tile).to_have_count(1)
    expect(page.get_by_role("table", name=re.compile("texte de la carte"))).to_be_visible()
    artifacts.screenshot(page, "tableau-de-bord-national.png", full_page=True)
    # The shapes of every département, rounded: the page stays light (about 250 kB with the 104 demo prefectures).
    weight = len(page.content().encode())
    print(f"national dashboard: {weight} bytes of HTML")  # noqa: T201 - measured for the record
    assert weight < 400_000

    tile.focus()
    artifacts.screenshot(page.locator(".qp-map"), "carte-focus-13.png")
    page.keyboard.press("Enter")
    prefecture = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text("Tableau de bord de la préfecture")).to_be_visible()
    expect(page.get_by_role("heading", name="Indicateurs clés de la préfecture")).to_be_visible()

    page.get_by_role("table", name=re.compile("^Sites de ")).get_by_role("link", name="Sous-préfecture d'Arles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sous-préfecture d'Arles")
    expect(page.get_by_role("heading", name="Indicateurs clés du site")).to_be_visible()
    artifacts.screenshot(page, "tableau-de-bord-site.png", full_page=True)

    # Back up: the breadcrumb leads to the prefecture, then to the nation; the table leads down again.
    breadcrumb = page.get_by_role("navigation", name=re.compile("vous êtes ici", re.I))
    breadcrumb.get_by_role("link", name=prefecture).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prefecture)
    breadcrumb.get_by_role("link", name="Tableau de bord national").click()
    page.get_by_role("table", name=re.compile("texte de la carte")).get_by_role("link", name=prefecture).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prefecture)


def test_the_national_administrator_asks_for_the_pdf_and_downloads_it_once_the_worker_produced_it(
    page, demo, login, artifacts
):
    from indicators.models import DashboardPdf
    from indicators.tasks import produce_dashboard_pdf

    login("national", demo)
    region = page.locator("#pdf-du-tableau-de-bord")
    expect(region).to_have_attribute("aria-live", "polite")
    address = page.url
    region.get_by_role("button", name="Produire le PDF").focus()
    page.keyboard.press("Enter")
    # htmx swaps the block in place: the page stays, the live region says what is happening, the focus follows
    expect(region.get_by_role("status")).to_contain_text("Production du PDF en cours")
    expect(region.get_by_role("status")).to_be_focused()
    assert page.url == address
    item = DashboardPdf.objects.get()
    assert item.status == "pending"  # nothing rendered in the request

    assert produce_dashboard_pdf(item.pk) == "done"  # the worker's part
    link = region.get_by_role("link", name="télécharger le PDF")
    expect(link).to_be_visible(timeout=10_000)  # the next poll (every 2 s) shows it
    expect(link).to_be_focused()  # the keyboard user is on the link, not sent back to the top of the page
    expect(region).to_contain_text("PDF produit")
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"tableau-de-bord-national-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF-") and len(content) == DashboardPdf.objects.get().size
    (artifacts / "tableau-de-bord-national.pdf").write_bytes(content)


def test_the_quality_manager_drills_down_from_the_prefecture_to_a_site_and_downloads(page, demo, login, artifacts):
    login("qualite13", demo)
    expect(page.get_by_role("heading", name="Indicateurs clés de la préfecture")).to_be_visible()
    sites = page.get_by_role("table", name=re.compile("^Sites de .* et ce qui est en retard$"))
    expect(sites).to_be_visible()

    # The table of the sites, as the spreadsheet a French Excel opens: BOM, « ; ».
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger CSV : Sites").click()
    assert re.fullmatch(
        r"tableau-de-bord-bouches-du-rhone-sites-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename
    )
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbfSite;") and "Sous-préfecture d'Arles".encode() in content
    # The prefecture's PDF (its sites as this reader sees them), asked for, then produced by the worker (the task's
    # body run in the test process) and downloaded from the block the page follows.
    from indicators.models import DashboardPdf
    from indicators.tasks import produce_dashboard_pdf

    region = page.locator("#pdf-du-tableau-de-bord")
    region.get_by_role("button", name="Produire le PDF").click()
    expect(region.get_by_role("status")).to_contain_text("Production du PDF en cours")
    item = DashboardPdf.objects.get()
    assert (item.scope, item.reader.username, item.status) == ("prefecture", "qualite13", "pending")
    assert produce_dashboard_pdf(item.pk) == "done"
    link = region.get_by_role("link", name="télécharger le PDF")
    expect(link).to_be_visible(timeout=10_000)  # the next poll (every 2 s) shows it
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"tableau-de-bord-bouches-du-rhone-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    sites.get_by_role("link", name="Sous-préfecture d'Arles").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sous-préfecture d'Arles")
    expect(page.get_by_role("heading", name="Indicateurs clés du site")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger XLSX : Indicateurs clés du site")).to_be_visible()
    artifacts.screenshot(page, "tableau-de-bord-site-depuis-prefecture.png", full_page=True)
    page.get_by_role("navigation", name=re.compile("vous êtes ici", re.I)).get_by_role(
        "link", name="Préfecture des Bouches-du-Rhône"
    ).click()
    expect(page.get_by_role("heading", name="Indicateurs clés de la préfecture")).to_be_visible()
