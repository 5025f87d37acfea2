"""In a real browser: a visitor answers the satisfaction survey on a phone; the referent of Arles types three paper
questionnaires with the keyboard only, publishes the site's results, and the public page and the PDF poster show
the new rates."""

import re
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.page_checks import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"


def _this_year_campaign():
    from surveys.models import Campaign

    return Campaign.objects.get(prefecture__department_id="13", kind="responses", status="open")


def _percent(rate):
    return f"{rate:.1f}".replace(".", ",").removesuffix(",0") + " %"


def _choose(page, code, label):
    page.locator(f"#id_q_{code}-fieldset label").get_by_text(label, exact=True).click()


def test_a_visitor_answers_on_a_phone(browser, demo, live_server, artifacts):
    from sites.models import Site
    from surveys.models import Response

    campaign = _this_year_campaign()
    arles = Site.objects.get(name=ARLES)
    before = Response.objects.filter(campaign=campaign, site=arles).count()
    phone = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    phone.set_default_timeout(TIMEOUT_MS)
    page = phone.new_page()
    checks = PageChecks(page)  # axe-core on each page and a clean console, as in every browser test
    page.goto(reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": arles.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquête de satisfaction des usagers")
    # Comfortable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _choose(page, "courtesy", "Oui")  # a closed question: « Oui » / « Non », not the satisfaction scale
    _choose(page, "waiting_time", "Non")
    _choose(page, "conditions", "Plutôt insatisfait")
    _choose(page, "phone", "Sans avis")
    page.get_by_label("Votre commentaire (facultatif)").fill("Agent très patient, merci.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    # A comment without consent: refused, nothing lost of what was typed.
    expect(page.get_by_text("Cochez la case d'accord")).to_be_visible()
    expect(page.locator("#id_q_courtesy-fieldset input[value='oui']")).to_be_checked()
    page.locator("label[for=id_comment_consent]").click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Merci pour votre réponse")).to_be_visible()
    artifacts.screenshot(page, "enquete-telephone-merci.png", full_page=True)
    checks.finish()
    phone.close()

    assert Response.objects.filter(campaign=campaign, site=arles).count() == before + 1
    latest = Response.objects.filter(campaign=campaign, site=arles).latest("created_at")
    assert dict(latest.answers.values_list("question_code", "value")) == {
        "courtesy": 4,  # « Oui »
        "waiting_time": 1,  # « Non »
        "conditions": 2,
        "phone": None,
    }
    assert latest.comment_status == "pending"


def test_the_referent_types_paper_questionnaires_publishes_and_the_public_sees_the_rates(
    page, demo, signed_in, live_server, artifacts
):
    from sites.models import Site
    from surveys import results

    campaign = _this_year_campaign()
    arles = Site.objects.get(name=ARLES)
    courtesy_before = results.campaign_results(campaign, site=arles).by_code["courtesy"]

    signed_in("referent-arles")
    page.goto(reverse("campaign_entry", kwargs={"pk": campaign.pk}))
    typed_before = page.locator("#saisis tbody tr").count()  # the demo's paper questionnaires of Arles
    # phone, accessibility, conditions on the scale; opening hours, signage, courtesy, waiting time: O or N.
    papers = [
        ("4", "3", "S", "o", "O", "n", "N"),
        ("3", "", "4", "o", "o", "N", "n"),
        ("2", "4", "4", "", "O", "n", "o"),
    ]
    for number, paper in enumerate(papers, start=1):
        # The cursor starts on the first answer; a valid key moves it to the next cell, Tab skips one.
        expect(page.locator("#id_q_phone")).to_be_focused()
        for key in paper:
            if key:
                page.keyboard.type(key)
            else:
                page.keyboard.press("Tab")
        expect(page.locator("#id_comment")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status").first).to_contain_text("enregistré (Sous-préfecture d'Arles) : au suivant")
        expect(page.locator("#saisis tbody tr")).to_have_count(typed_before + number)
    artifacts.screenshot(page, "enquete-saisie-papier.png", full_page=True)

    courtesy = results.campaign_results(campaign, site=arles).by_code["courtesy"]
    assert courtesy.answers == courtesy_before.answers + 3
    assert courtesy.satisfied == courtesy_before.satisfied  # the three papers said « Non » to courtesy
    expected = _percent(courtesy.rate)

    # The referent reviews the results of Arles, lets the points be proposed and publishes.
    page.goto(reverse("campaign_results", kwargs={"pk": campaign.pk}) + f"?site={arles.pk}")
    expect(page.locator('tr[data-dimension="courtesy"] .qp-rate')).to_have_text(
        re.compile(rf"{re.escape(expected)}\s+de « Oui »")
    )
    page.get_by_role("button", name="Proposer à partir des résultats").click()
    expect(page.locator("#points-forts li").first).to_contain_text(re.compile("de satisfaits|de « Oui »"))
    page.get_by_role("button", name="Publier les résultats du site").click()
    expect(page.get_by_role("status").first).to_contain_text("Résultats de Sous-préfecture d'Arles publiés")

    # The public page (no login) and the PDF poster show the new rate.
    public = page.context.browser.new_context(base_url=live_server.url, locale="fr-FR")
    public.set_default_timeout(TIMEOUT_MS)
    visitor = public.new_page()
    visitor_checks = PageChecks(visitor)
    visitor.goto(reverse("survey_public_results", kwargs={"site_pk": arles.pk}))
    expect(visitor.locator('#resultats tr[data-dimension="courtesy"] .qp-rate')).to_contain_text(expected)
    artifacts.screenshot(visitor, "enquete-resultats-publics.png", full_page=True)
    poster = visitor.request.get(reverse("survey_public_poster", kwargs={"site_pk": arles.pk}))
    assert poster.ok and poster.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=poster.body(), capture_output=True, check=True).stdout.decode()
    assert re.search(rf"Accueil courtois \(« Oui »\)\s+{re.escape(expected)}", text), text
    visitor_checks.finish()
    public.close()


def test_a_partial_date_on_the_paper_entry_is_never_sent_and_the_answers_stay(page, demo, signed_in):
    """Issue 12: a date input with a partial value posts an empty one; the page says why before sending."""
    from surveys.models import Response

    campaign = _this_year_campaign()
    before = Response.objects.filter(campaign=campaign).count()
    signed_in("referent-arles")
    page.goto(reverse("campaign_entry", kwargs={"pk": campaign.pk}))
    for key in ("4", "3"):
        page.keyboard.type(key)
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    date = page.locator("#id_answered_on")
    date.focus()
    page.keyboard.press("Backspace")  # one segment cleared: the browser cannot read the date any more
    page.keyboard.press("Enter")

    expect(page.locator("#id_answered_on-date-error")).to_have_text(
        "Date incomplète ou invalide : saisissez le jour, le mois et l’année (JJ/MM/AAAA). "
        "Le questionnaire n’a pas été enregistré."
    )
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_be_focused()
    expect(page.locator("#id_q_phone")).to_have_value("4")
    page.wait_for_timeout(300)
    assert sent == []
    assert Response.objects.filter(campaign=campaign).count() == before
