"""In a real browser, on a 375-px phone: the referent of Arles starts the quarter's self-assessment of reception
conditions, answers two engagements (the keyboard, then a tap), comments the gap and turns it into an action; the
pages never scroll sideways (axe-core runs on each page: page_checks.py)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"


def _overflow(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def test_a_referent_fills_the_quarterly_checklist_on_a_phone_and_turns_a_gap_into_an_action(
    page, demo, signed_in, artifacts
):
    from audits.models import Assessment, QuarterlySelfAssessment
    from engagements.models import Action
    from sites.models import Site

    today = timezone.localdate()
    quarter = f"T{(today.month - 1) // 3 + 1} {today.year}"
    arles = Site.objects.get(name=ARLES)
    page.set_viewport_size({"width": 375, "height": 800})
    signed_in("referent-arles")
    page.goto(f"/territoire/sites/{arles.pk}/")
    page.get_by_role("link", name="Autoévaluations trimestrielles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autoévaluations trimestrielles des conditions d’accueil")
    assert _overflow(page) <= 0, "la page des trimestres défile horizontalement"
    page.get_by_role("button", name=f"Commencer l’autoévaluation {quarter}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Autoévaluation {quarter}")
    expect(page.locator("#grid-progress")).to_contain_text("0 évaluation sur 8")
    assert _overflow(page) <= 0, "la liste de contrôle défile horizontalement"

    # The keyboard: Tab reaches the first engagement's answers, Space chooses « Conforme », saved at once.
    first = page.get_by_role("group", name="QP2-M1-E01 : résultat")
    first.get_by_role("radio", name="Conforme", exact=True).focus()
    page.keyboard.press("Space")
    expect(page.locator("#grid-progress")).to_contain_text("1 évaluation sur 8")
    # A tap: « Non conforme » on the signage, then its comment, saved when the field is left.
    signage = page.get_by_role("group", name="QP2-M1-E05 : résultat")
    signage.get_by_text("Non conforme", exact=True).click()
    expect(page.locator("#grid-progress")).to_contain_text("2 évaluations sur 8")
    comment = page.locator("li", has=page.get_by_role("group", name="QP2-M1-E05 : résultat")).get_by_label(
        "Commentaire"
    )
    comment.fill("Panneau du hall d'entrée effacé")
    comment.press("Tab")
    expect(page.locator("#grid-status")).to_contain_text("QP2-M1-E05 : Non-conformité mineure, enregistré.")
    # Swapped in by htmx after the saves, maybe more than once: measured once they are over, in one step.
    page.wait_for_load_state("networkidle")
    height, width = page.get_by_role("button", name="Créer l’action pour cet écart").evaluate(
        "button => [button.getBoundingClientRect().height, button.getBoundingClientRect().width]"
    )
    assert height >= 44 and width <= 375
    artifacts.screenshot(page, "autoevaluation-375.png", full_page=True)

    page.get_by_role("button", name="Créer l’action pour cet écart").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Action créée")
    expect(page.get_by_role("button", name="Créer l’action pour cet écart")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^QP2-M1-E05 – "))).to_be_visible()
    assert _overflow(page) <= 0

    check = QuarterlySelfAssessment.objects.get(site=arles)
    cells = dict(Assessment.objects.filter(audit=check.audit).values_list("engagement__code", "result"))
    assert cells == {"QP2-M1-E01": "compliant", "QP2-M1-E05": "minor_nonconformity"}
    action = Action.objects.get(source=Action.Source.SELF_ASSESSMENT, site=arles, engagement__code="QP2-M1-E05")
    assert re.match(r"QP2-M1-E05 – .*autoévaluation T\d", action.title)
    assert action.description == "Panneau du hall d'entrée effacé"
