"""In a real browser: the quality manager imports a CSV export with an error and gets the row report, nothing
imported; the corrected file imports every row; the demo agent of Istres finds the deadline alert of a letter in
their inbox and opens it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISTRES = "Sous-préfecture d'Istres"
ARLES = "Sous-préfecture d'Arles"


def _csv(arles):
    return (
        "Site;Type;Reçu le;Répondu le;Référence;Objet\n"
        f"{ISTRES};courrier;02/03/2026;09/03/2026;E2E-1;Duplicata de carte grise\n"
        f"{arles};courriel;03/03/2026;;E2E-2;Horaires du guichet\n"
        f"{ISTRES};élu;04/03/2026;;E2E-3;Rendez-vous du maire\n"
    )


def _upload(page, text):
    page.goto("/courriers/import/")
    page.get_by_label("Fichier CSV").set_input_files(
        files=[{"name": "export-courriers.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_load_state()


def test_a_rejected_import_shows_its_report_and_the_fixed_file_imports_every_row(page, demo, signed_in, artifacts):
    from complaints.models import Correspondence

    before = Correspondence.objects.count()
    signed_in("qualite13")

    _upload(page, _csv("Sous-préfecture d'Arle"))  # a typo in the name of the site

    expect(page.get_by_role("alert")).to_contain_text("rien n'a été importé")
    row = page.locator('#rapport tr[data-line="3"]')
    expect(row).to_contain_text("Site inconnu « Sous-préfecture d'Arle »")
    expect(page.locator("#rapport tbody tr")).to_have_count(1)
    artifacts.screenshot(page, "courriers-import-refuse.png", full_page=True)
    assert Correspondence.objects.count() == before

    _upload(page, _csv(ARLES))

    expect(page.get_by_role("status")).to_contain_text("3 courriers importés")
    assert Correspondence.objects.count() == before + 3
    page.get_by_role("link", name="Voir les courriers importés").click()
    expect(page.locator("#courriers tbody tr")).to_have_count(3)
    expect(page.locator('#courriers tr[data-reference="E2E-1"] .qp-remaining')).to_have_text("Répondu dans les délais")
    artifacts.screenshot(page, "courriers-import-reussi.png", full_page=True)


def test_the_agent_finds_the_deadline_alert_of_a_letter_in_the_inbox(page, demo, login, artifacts):
    reference = f"CHR-{timezone.localdate().year}-0001"  # the demo letter of Istres in its last working days
    login("agent-istres", demo)

    badge = page.locator("#qp-unread-count")
    expect(badge).to_be_visible()
    unread = int(badge.inner_text().split()[0])
    assert unread >= 1
    page.locator("#qp-inbox-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    alert = page.get_by_role("link", name=f"Courrier {reference} : réponse attendue le")
    expect(alert).to_be_visible()
    artifacts.screenshot(page, "notifications.png", full_page=True)

    alert.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Courrier {reference}")
    # Opened, it is read: one less in the header.
    if unread > 1:
        expect(page.locator("#qp-unread-count")).to_contain_text(str(unread - 1))
    else:
        expect(page.locator("#qp-unread-count")).to_have_count(0)
