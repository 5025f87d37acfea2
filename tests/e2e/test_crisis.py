"""In a real browser: the quality manager records an exercise of the crisis cell, its activation delay feeds the
indicator the prefecture's board shows; the roster shows its gap and a shift is added with the keyboard alone;
a manager reads the registers without buttons."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_exercise_s_activation_time_feeds_the_indicator(page, demo, signed_in, artifacts):
    from crisis.models import CrisisEvent
    from indicators.services import compute
    from sites.models import Prefecture

    bdr = Prefecture.objects.get(department_id="13")
    alert = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    signed_in("qualite13")
    page.goto("/crise/evenements/")
    page.get_by_role("link", name="Nouvel événement ou exercice").click()
    page.get_by_label("Exercice", exact=True).check()
    page.get_by_label("Intitulé").fill("Exercice séisme en pays d'Aix")
    page.locator("label[for='id_with_cip']").click()  # the DSFR label covers its checkbox
    page.get_by_label("Alerte reçue le").fill(alert.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Cellule opérationnelle le").fill(
        (alert - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Enseignements de l’exercice").fill("Tester chaque mois les numéros d'astreinte.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(
        page.get_by_text("La cellule ne peut pas être opérationnelle avant la réception de l’alerte.")
    ).to_be_visible()
    page.get_by_label("Cellule opérationnelle le").fill(
        (alert + datetime.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Exercice séisme en pays d'Aix")
    expect(page.get_by_text("40 minutes", exact=True)).to_be_visible()
    expect(page.get_by_text("Engagement tenu (moins de 60 minutes)")).to_be_visible()
    artifacts.screenshot(page, "crise-exercice.png", full_page=True)
    assert CrisisEvent.objects.get(title="Exercice séisme en pays d'Aix").activation_minutes == 40

    compute.run_changes()  # what the worker runs after the commit (indicators.signals)
    page.goto(f"/indicateurs/prefectures/{bdr.pk}/")
    row = page.get_by_role("row").filter(has_text="Délai d'activation de la cellule de communication de crise")
    expect(row.first).to_contain_text("40")
    artifacts.screenshot(page, "crise-indicateur.png", full_page=True)

    page.goto("/comptes/tableau-de-bord/")
    expect(page.locator("#crisis-title")).to_be_visible()
    expect(page.get_by_text("Cellule opérationnelle en 40 minutes")).to_be_visible()


def test_the_roster_shows_its_gap_and_a_shift_is_added_with_the_keyboard(page, demo, signed_in, artifacts):
    from crisis.demo import GAP_DAY
    from crisis.models import OnCallShift

    signed_in("qualite13")
    page.goto("/crise/astreinte/")
    gaps = page.locator("#trous li")
    expect(gaps).to_have_count(1)
    day = timezone.localdate() + datetime.timedelta(days=GAP_DAY)
    expect(gaps.first).to_contain_text(f"Du {day:%d/%m/%Y} à 08:00")
    artifacts.screenshot(page, "crise-astreinte.png", full_page=True)

    gaps.first.get_by_role("link").focus()
    page.keyboard.press("Enter")  # « couvrir »: the form, with the gap's start and end
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle astreinte")
    page.get_by_label("Nom de l’agent d’astreinte (sans compte)").focus()
    page.keyboard.type("Marion Blanc, cabinet")
    page.keyboard.press("Tab")
    page.keyboard.type("06 11 22 33 44")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Toutes les heures sont couvertes")).to_be_visible()
    assert OnCallShift.objects.filter(person_name="Marion Blanc, cabinet").count() == 1


def test_a_manager_reads_the_crisis_registers_without_buttons(page, demo, signed_in):
    signed_in("direction13")
    for url, heading in (
        ("/crise/astreinte/", "Astreinte de la cellule de communication de crise"),
        ("/crise/evenements/", "Événements et exercices de crise"),
        ("/crise/communiques/", "Tableau de suivi des communiqués de crise"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("link", name=re.compile("^Nouv"))).to_have_count(0)
    expect(page.get_by_text("2015 : 4 communiqués")).to_be_visible()
