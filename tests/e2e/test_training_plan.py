"""In a real browser: the Arles referent plans a reception session, enrols an agent without an account, records
the attendance after the session, and the agent leaves the « à former » list; the plan filtered by type, by
keyboard alone and on a 375-px phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def _to_train(page):
    page.goto("/qualite/formations/agents-non-formes/")
    return page.locator("#agents-to-train tbody tr")


def test_the_referent_plans_a_session_enrols_a_person_without_an_account_and_records_the_attendance(
    page, demo, signed_in, artifacts
):
    from engagements.models import Training, TrainingSession

    signed_in("referent-arles")
    rows = _to_train(page)
    blanc = rows.filter(has_text="Thomas Blanc")
    expect(blanc).to_contain_text("sans compte")
    expect(blanc).to_contain_text("14/03/2011")
    artifacts.screenshot(page, "formations-a-former.png", full_page=True)

    page.get_by_role("link", name="Planifier une session").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_course").fill("Accueil du public : session d’Arles")
    page.locator("#id_kind").select_option(label="Accueil")
    page.locator("#id_day").fill(tomorrow.isoformat())
    page.locator("#id_start_time").fill("09:30")
    page.locator("#id_end_time").fill("12:00")
    page.locator("#id_place").fill("Sous-préfecture d’Arles, salle du conseil")
    page.locator("#id_capacity").fill("8")
    page.locator("#id_min_enrolled").fill("2")
    page.get_by_role("button", name="Enregistrer la session").click()

    expect(page).to_have_url(re.compile(r"/qualite/formations/sessions/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil du public : session d’Arles")
    expect(page.get_by_text("Il manque 2 inscrits pour tenir la session.")).to_be_visible()

    page.locator("#id_trainee").select_option(label="Blanc Thomas (Sous-préfecture d'Arles)")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.locator("#inscrits tbody tr")).to_have_count(1)
    expect(page.locator("#inscrits tbody")).to_contain_text("Thomas Blanc")
    expect(page.get_by_text("Les présences se relèvent une fois la session commencée.")).to_be_visible()

    # The next day: the session took place.
    session = TrainingSession.objects.get(course="Accueil du public : session d’Arles")
    starts = timezone.now() - datetime.timedelta(hours=3)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    page.reload()
    page.locator("#presences label", has_text="Thomas Blanc").click()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator("#inscrits tbody")).to_contain_text("Présent(e), formation enregistrée")
    artifacts.screenshot(page, "formations-session-presences.png", full_page=True)
    assert Training.objects.filter(trainee__last_name="Blanc", enrolment__session=session).count() == 1

    rows = _to_train(page)
    expect(rows.filter(has_text="Thomas Blanc")).to_have_count(0)
    expect(rows.filter(has_text="Lucas Bonnet")).to_have_count(1)  # agent-arles-2, still to train


def test_the_plan_filtered_by_type_by_keyboard_and_on_a_phone(page, demo, signed_in, artifacts):
    signed_in("qualite13")
    page.goto("/qualite/formations/plan/")
    expect(page.locator("#sessions tbody tr")).to_have_count(3)

    # Keyboard alone: the type filter, then the form's button.
    page.get_by_label("Type").focus()
    for _ in range(3):  # Tous les types -> Accueil -> Astreinte -> CIP
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"kind=cip"))
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    expect(page.locator("#sessions")).to_contain_text("cellule d'information du public")
    page.locator("#sessions tbody a").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formation des membres de la cellule")

    page.set_viewport_size(PHONE)
    page.goto("/qualite/formations/plan/?kind=on_call")
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    artifacts.screenshot(page, "formations-plan-375.png", full_page=True)
    page.goto("/qualite/formations/agents-non-formes/")
    expect(page.locator("#agents-to-train").get_by_text("Aucune session prévue").first).to_be_visible()
    artifacts.screenshot(page, "formations-a-former-375.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
