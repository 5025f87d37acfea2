"""In a real browser: the quality manager of the Bouches-du-Rhône opens the programme from the navigation, reads the
month (a 7-column grid) and the year with what is late, moves between months with the keyboard, follows a done item
to its meeting; on a 375-px phone the month is a list of days that does not scroll sideways; the referent of Arles
gets their private calendar address once and copies it (axe-core runs on each page: page_checks.py, and explicitly on
the pages reached by a click)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qualipref.lib.months import MONTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def test_the_quality_manager_reads_the_month_and_the_year_and_follows_an_item(page, demo, signed_in, artifacts):
    today = timezone.localdate()
    signed_in("qualite13")
    page.goto("/")
    page.get_by_role("button", name="Démarche qualité").click()
    page.get_by_role("link", name="Programme qualité").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme qualité – Préfecture des Bouches-du-Rhône")
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{MONTHS[today.month - 1]} {today.year}".capitalize())
    # A wide screen: the days in seven columns.
    columns = page.locator("ol.qp-month").evaluate(
        "grid => getComputedStyle(grid).gridTemplateColumns.split(' ').length"
    )
    assert columns == 7
    artifacts.screenshot(page, "programme-month.png", full_page=True)
    page.checks.check_pending()  # axe on this page, reached by a click

    # The keyboard: « Précédent » reached by Tab and followed with Enter.
    previous = page.get_by_role("link", name=re.compile("^Précédent"))
    previous.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?mois=\d{4}-\d{2}$"))

    page.get_by_role("link", name="Vue année").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Année {today.year}")
    late = page.locator(".qp-item--late")
    expect(late.first).to_contain_text("En retard")
    expect(late.first).to_contain_text("Non réalisé")
    artifacts.screenshot(page, "programme-year.png", full_page=True)
    page.checks.check_pending()  # axe on this page, reached by a click
    page.goto(f"{page.url.split('?')[0]}?annee=2015")
    done = page.locator(".qp-item", has_text="COPIL qualité de mars 2015")
    expect(done).to_contain_text("Réalisé le 12/03/2015")
    page.get_by_role("link", name="Modifier les règles du programme").click()
    expect(page.get_by_role("table")).to_contain_text("Comité local des usagers en avril")
    page.get_by_role("combobox", name="Nature").select_option("internal_audit")
    page.get_by_role("combobox", name=re.compile("^Mois")).select_option("10")
    page.get_by_role("button", name="Ajouter la règle").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Audit interne en octobre")
    artifacts.screenshot(page, "programme-rules.png", full_page=True)
    page.checks.check_pending()  # axe on this page, reached by a click
    page.goto(f"/programme/prefectures/{done_prefecture(page)}/annee/?annee=2015")
    done = page.locator(".qp-item", has_text="COPIL qualité de mars 2015")
    done.get_by_role("link", name=re.compile("Voir la réalisation")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COPIL qualité du 12/03/2015")


def done_prefecture(page):
    from sites.models import Prefecture

    return Prefecture.objects.get(department_id="13").pk


def test_on_a_phone_the_month_is_a_list_and_the_referent_copies_their_calendar_address(
    page, demo, signed_in, artifacts
):
    from sites.models import Site

    arles = Site.objects.get(name="Sous-préfecture d'Arles")
    page.set_viewport_size({"width": 375, "height": 800})
    signed_in("referent-arles")
    page.goto("/programme/")
    expect(page).to_have_url(re.compile(f"/programme/sites/{arles.pk}/$"))
    assert page.locator("ol.qp-month").evaluate("list => getComputedStyle(list).display") == "block"
    expect(page.locator(".qp-month__day--empty").first).to_be_hidden()
    assert _overflow(page) <= 0, "le mois défile horizontalement"
    artifacts.screenshot(page, "programme-month-375.png", full_page=True)
    page.checks.check_pending()  # axe on this page, reached by a click

    page.get_by_role("link", name="Recevoir le programme dans mon agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le programme qualité dans mon agenda")
    page.get_by_role("button", name="Générer mon adresse privée").click()
    address = page.get_by_label("Adresse de l’agenda (iCalendar)")
    expect(address).to_have_value(re.compile(r"^http://.*/programme/agenda/[\w-]+\.ics$"))
    page.get_by_role("button", name="Copier").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".qp-copy-status")).to_contain_text(re.compile("copiée|copiez-la"))
    assert _overflow(page) <= 0, "la page de l'adresse défile horizontalement"
    artifacts.screenshot(page, "programme-feed-375.png", full_page=True)
    page.checks.check_pending()  # axe on this page, reached by a click

    feed = page.request.get(address.input_value())
    assert feed.status == 200 and feed.text().startswith("BEGIN:VCALENDAR")
    page.get_by_role("button", name="Révoquer l’adresse").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Adresse révoquée")
    assert page.request.get(feed.url).status == 404
