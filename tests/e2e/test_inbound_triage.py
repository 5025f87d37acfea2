"""In a real browser, on a phone (375 px), with the keyboard alone: the quality manager of the Bouches-du-Rhône
files an e-mail waiting in the triage as a complaint of Arles; the quarantined one stays listed with its reason.
axe-core and a clean console on each page (tests/e2e/page_checks.py)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"


def test_an_email_is_filed_from_the_triage_with_the_keyboard_on_a_phone(page, demo, signed_in, artifacts):
    from complaints.inbound import demo as inbound_demo
    from complaints.models import InboundMessage
    from sites.models import Prefecture, Site

    prefecture = Prefecture.objects.get(department_id="13")
    inbound_demo.load(prefecture, {site.name: site for site in Site.objects.filter(prefecture=prefecture)})
    message = InboundMessage.objects.get(status="triage")
    page.set_viewport_size({"width": 375, "height": 812})
    signed_in("qualite13")

    page.goto("/courriels-recus/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courriels reçus à trier")
    section = page.locator(f"#message-{message.pk}")
    expect(section).to_contain_text("Rendez-vous pour un titre de séjour introuvable")
    expect(page.locator("[data-inbound-status=quarantined]")).to_contain_text("Motif : Adresse de l'expéditeur")
    # the page fits the phone's width
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    artifacts.screenshot(page, "courriels-recus-telephone.png", full_page=True)

    # The keyboard alone: the site's list, the kind (a complaint, chosen by default), the button.
    sites = section.get_by_label("Site")
    sites.focus()
    for _ in range(sites.locator("option").all_inner_texts().index(ARLES)):
        page.keyboard.press("ArrowDown")
    expect(sites).to_have_value(str(Site.objects.get(name=ARLES).pk))
    page.keyboard.press("Tab")
    expect(section.get_by_label("Réclamation")).to_be_focused()
    expect(section.get_by_label("Réclamation")).to_be_checked()
    page.keyboard.press("Tab")
    expect(section.get_by_role("button", name="Enregistrer")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("Courriel enregistré (réclamation REC-13-")
    complaint = InboundMessage.objects.get(pk=message.pk).complaint
    assert (complaint.site.name, complaint.channel) == (ARLES, "email")
    expect(page.get_by_role("status").first).to_contain_text(f"réclamation {complaint.reference}, {ARLES}")
    expect(page.locator(f"#message-{message.pk}")).to_have_count(0)
    expect(page.locator("[data-inbound-status=quarantined]")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    # The complaint's page shows the message it came from.
    page.goto(f"/reclamations/{complaint.pk}/")
    expect(page.locator("#messages-recus")).to_contain_text("Depuis trois semaines, aucun créneau")
