"""In a real browser: a user files a complaint on the public form and gets a reference; the agent of the site
answers it with a reply template; the register and the statistics follow; an agent of another prefecture gets a 404."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.page_checks import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISTRES = "Sous-préfecture d'Istres"


def _istres_stats(page):
    page.goto(f"/reclamations/statistiques/?year={timezone.localdate().year}")
    row = page.locator("#statistiques tbody tr", has_text=ISTRES)
    cells = row.locator("td").all_inner_texts()
    # Période | Site (th) | Reçues | Répondues | Dans les délais | % | En retard | moyen | médian
    return {"received": int(cells[1]), "answered": int(cells[2]), "in_time": int(cells[3])}


def test_a_complaint_goes_from_the_public_form_to_its_answer(
    browser, page, demo, login, live_server, artifacts, page_checks, signed_in
):
    page_checks.allow_console("status of 404")  # the foreign agent's refused complaint, at the end
    from complaints.demo import load as load_complaints_demo
    from tests import factories

    load_complaints_demo()

    # A user, on a phone, without an account.
    phone = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 812}, is_mobile=True
    )
    phone.set_default_timeout(TIMEOUT_MS)
    public = phone.new_page()
    checks = PageChecks(public)  # axe-core on each page and a clean console, as in every browser test
    public.goto("/e-reclamation/")
    public.get_by_label("Site concerné").select_option(label=ISTRES)
    public.get_by_label("Service concerné (facultatif)").select_option(label="Accueil général")
    public.get_by_label("une réclamation").check()
    public.get_by_label("Votre message").fill("Deux heures d'attente à l'accueil général sans aucune information.")
    public.get_by_label("Nom et prénom (facultatif)").fill("Lucas Martin")
    public.get_by_label("Adresse électronique (facultatif)").fill("lucas.martin@exemple.fr")
    public.get_by_role("button", name="Envoyer ma demande").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Votre demande est enregistrée")
    reference = public.locator("#reference").inner_text()
    assert re.fullmatch(rf"REC-13-{timezone.localdate().year}-\d{{5}}", reference)
    # The « merci » page fits the phone too (the form itself is in the public pages' phone test).
    assert public.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    artifacts.screenshot(public, "e-reclamation-confirmation.png", full_page=True)
    checks.finish()
    phone.close()

    # The agent of Istres finds it in the register, with its remaining working days.
    login("agent-istres", demo)
    before = _istres_stats(page)
    page.goto("/reclamations/")
    row = page.locator(f'tr[data-reference="{reference}"]')
    expect(row.locator(".qp-remaining")).to_contain_text("j. ouvrés")
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Réclamation {reference}")
    expect(page.locator("#demandeur")).to_contain_text("lucas.martin@exemple.fr")

    # ... and answers it with a template of the prefecture.
    page.get_by_role("link", name="Répondre").click()
    page.get_by_label("Modèle de réponse", exact=True).select_option(label="Réponse à une réclamation")
    page.get_by_role("button", name="Utiliser ce modèle").click()
    answer = page.get_by_label("Réponse apportée")
    expect(answer).to_have_value(re.compile(rf"^Lucas Martin,.*référence {reference}", re.S))
    answer.fill(
        answer.input_value().replace("[préciser la suite donnée]", "un second agent renforce l'accueil le matin")
    )
    artifacts.screenshot(page, "reclamation-reponse.png", full_page=True)
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Réponse enregistrée pour {reference}")
    expect(page.get_by_role("status").first).to_contain_text("dans les délais")

    # The register and the statistics follow.
    page.goto("/reclamations/")
    expect(page.locator(f'tr[data-reference="{reference}"] .qp-remaining')).to_have_text("Répondue dans les délais")
    after = _istres_stats(page)
    assert after == {
        "received": before["received"],
        "answered": before["answered"] + 1,
        "in_time": before["in_time"] + 1,
    }
    artifacts.screenshot(page, "reclamations-statistiques.png", full_page=True)

    # An agent of another prefecture cannot open it.
    from complaints.models import Complaint
    from sites.models import Site

    complaint = Complaint.objects.get(reference=reference)
    creteil = Site.objects.get(name="Créteil – Préfecture")
    foreign_agent = factories.MembershipFactory(agent=True, site=creteil, user__username="agent-creteil").user
    page.get_by_role("button", name="Se déconnecter").click()
    signed_in(foreign_agent.username)
    response = page.goto(f"/reclamations/{complaint.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    page.goto("/reclamations/")
    expect(page.locator(f'tr[data-reference="{reference}"]')).to_have_count(0)
