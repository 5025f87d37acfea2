"""In a real browser (issue 17): the quality manager of the Bouches-du-Rhône adapts the users' questionnaire (two local
questions, one moved up with the keyboard), previews it and publishes it; a visitor answers it with the keyboard on a
phone 375 pixels wide, the manager types in a paper one on the grid; the results show the local questions, and so do the
public results once published, read on a phone. axe-core runs on each page (the page fixture)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, TIMEOUT_MS
from tests.e2e.page_checks import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"
PHONE_WIDTH = 375


def _open_campaign(version):
    """A campaign of Arles on the published version (its creation has its own pages and tests)."""
    from accounts.models import User
    from sites.models import Site
    from surveys.services import campaigns

    manager = User.objects.get(username="qualite13")
    today = datetime.date.today()
    campaign = campaigns.campaign_create(
        by=manager,
        prefecture=version.prefecture,
        questionnaire=version,
        title="Enquête locale d'Arles",
        sites=[Site.objects.get(name=ARLES)],
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        channels=["web", "paper"],
    )
    return campaigns.campaign_set_status(by=manager, campaign=campaign, status="open")


def test_a_quality_manager_adds_two_local_questions_a_visitor_answers_on_a_phone_and_the_results_show_them(
    page, browser, demo, signed_in, live_server
):
    from sites.models import Site
    from surveys.models import Answer, Questionnaire

    signed_in("qualite13")
    page.goto(reverse("questionnaire_list"))
    page.get_by_role("link", name="Adapter un questionnaire").click()
    page.get_by_label("À partir de").select_option(label="Enquête de satisfaction des usagers (version 2015)")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Ajouter une question locale")).to_be_visible()

    # a choice question without options: refused in French, nothing added
    page.get_by_label("Code").fill("motif")
    page.get_by_label("Intitulé court (résultats)").fill("Motif de la venue")
    page.get_by_label("Question posée").fill("Pour quelle démarche êtes-vous venu(e) ?")
    page.get_by_label("Nature de la réponse").select_option("single_choice")
    page.get_by_role("button", name="Ajouter la question").click()
    expect(
        page.get_by_text("Une question à choix propose au moins deux options (une par ligne).").first
    ).to_be_visible()
    page.get_by_label("Options (une par ligne)").fill("Titre de séjour\nCarte grise\nAutre démarche")
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Question « Motif de la venue » ajoutée.")).to_be_visible()

    page.get_by_label("Code").fill("stationnement")
    page.get_by_label("Intitulé court (résultats)").fill("Stationnement")
    page.get_by_label("Question posée").fill("Avez-vous trouvé facilement une place de stationnement ?")
    page.get_by_label("Nature de la réponse").select_option("yes_no")
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Question « Stationnement » ajoutée.")).to_be_visible()

    # reorder by keyboard: focus « Monter « Stationnement » » and press Enter
    page.get_by_role("button", name="Monter « Stationnement »").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("« Stationnement » est désormais la question n° 8.")).to_be_visible()

    page.get_by_role("link", name="Aperçu sur téléphone").click()
    expect(page.locator("#apercu")).to_contain_text("Pour quelle démarche êtes-vous venu(e) ?")
    assert page.locator("#apercu").bounding_box()["width"] <= PHONE_WIDTH
    page.get_by_role("link", name="Retour à la version").click()
    page.get_by_role("button", name="Publier la version").click()
    expect(page.get_by_text("Version publiée : vos campagnes peuvent l’utiliser.")).to_be_visible()

    version = Questionnaire.objects.get(prefecture__department_id="13", published_on__isnull=False)
    assert list(version.questions.order_by("position").values_list("code", flat=True))[-2:] == [
        "stationnement",
        "motif",
    ]
    campaign = _open_campaign(version)
    arles = Site.objects.get(name=ARLES)

    phone = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": PHONE_WIDTH, "height": 812},
        is_mobile=True,
        color_scheme="light",
    )
    phone.set_default_timeout(TIMEOUT_MS)
    visitor = phone.new_page()
    checks = PageChecks(visitor)  # axe-core on each page of the visitor too
    visitor.goto(reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": arles.pk}))
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    # keyboard only: in a radio group, the arrow keys choose; Space checks the focused option; Enter sends
    visitor.locator("#id_q_courtesy_0").focus()  # « Avez-vous été accueilli(e) avec courtoisie ? » : « Oui »
    visitor.keyboard.press("Space")
    visitor.locator("#id_q_stationnement_0").focus()
    visitor.keyboard.press("ArrowDown")  # « Oui » -> « Non »
    visitor.keyboard.press("Tab")  # into the next group: « Pour quelle démarche… »
    visitor.keyboard.press("ArrowDown")  # « Titre de séjour » -> « Carte grise »
    expect(visitor.locator("#id_q_courtesy_0")).to_be_checked()
    expect(visitor.locator("#id_q_stationnement_1")).to_be_checked()
    expect(visitor.locator("#id_q_motif_1")).to_be_checked()
    # the consent names the answers it covers (no free-text question here: the comment only)
    expect(visitor.locator("label[for=id_comment_consent]")).to_contain_text("J’accepte que mon commentaire soit lu")
    visitor.get_by_role("button", name="Envoyer mes réponses").focus()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", name="Merci pour votre réponse")).to_be_visible()
    checks.finish()
    phone.close()

    assert set(Answer.objects.filter(campaign=campaign).values_list("question_code", "value", "option")) == {
        ("stationnement", 1, ""),
        ("motif", None, "carte_grise"),
        ("courtesy", 4, ""),
    }

    # a paper questionnaire typed in on the grid, keyboard only: O for « Oui », 1 for the first option; each valid
    # answer moves on to the next cell, Enter saves
    page.goto(reverse("campaign_entry", kwargs={"pk": campaign.pk}))
    expect(page.get_by_text("1 Titre de séjour · 2 Carte grise · 3 Autre démarche")).to_be_visible()
    page.locator("#id_q_stationnement").focus()
    page.keyboard.type("O")
    expect(page.locator("#id_q_motif")).to_be_focused()
    page.keyboard.type("1")
    expect(page.locator("#id_comment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("enregistré (Sous-préfecture d'Arles) : au suivant.")).to_be_visible()

    page.goto(reverse("campaign_results", kwargs={"pk": campaign.pk}))
    local = page.locator("#questions-locales")
    expect(local.get_by_role("heading", name="Motif de la venue")).to_be_visible()
    expect(local.get_by_role("row", name="Carte grise 1 50 %")).to_be_visible()
    expect(local.get_by_role("row", name="Titre de séjour 1 50 %")).to_be_visible()
    expect(local.get_by_role("row", name="Non 1 50 %")).to_be_visible()

    # the referent's publication of Arles' results; anyone then reads them on a phone, local questions included
    page.goto(reverse("campaign_results", kwargs={"pk": campaign.pk}) + f"?site={arles.pk}")
    page.get_by_role("button", name="Publier les résultats du site").click()
    reader = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": PHONE_WIDTH, "height": 812},
        is_mobile=True,
        color_scheme="light",
    )
    reader.set_default_timeout(TIMEOUT_MS)
    public = reader.new_page()
    checks = PageChecks(public)
    public.goto(reverse("survey_public_results", kwargs={"site_pk": arles.pk}))
    local = public.locator("#questions-locales")
    expect(
        local.get_by_role("heading", name="Avez-vous trouvé facilement une place de stationnement ?")
    ).to_be_visible()
    expect(local.get_by_role("row", name="Non 50 %")).to_be_visible()
    expect(local.get_by_role("row", name="Oui 50 %")).to_be_visible()
    expect(local.get_by_role("heading", name="Pour quelle démarche êtes-vous venu(e) ?")).to_be_visible()
    expect(local.get_by_role("row", name="Carte grise 50 %")).to_be_visible()
    expect(local.get_by_role("row", name="Autre démarche 0 %")).to_be_visible()
    assert public.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    public.screenshot(path=str(ARTIFACTS / "questionnaire-versions-public-results-375.png"), full_page=True)
    checks.finish()
    reader.close()
