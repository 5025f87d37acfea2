"""In a real browser: a COPIL recorded with its decisions, one turned into an action; trainings and the
agents not trained for 4 years; a manager reads without buttons; the référentiel pages."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meetings_demo(demo):
    from engagements import importer
    from engagements.demo import meetings
    from engagements.models import ActionPlan
    from sites.models import Prefecture

    meetings.load()
    # The shipped référentiels come with a data migration, which the flush of the browser tests empties.
    importer.import_file(importer.SHIPPED_DIR / "qualipref-2.0.yaml")
    bdr = Prefecture.objects.get(department_id="13")
    if not ActionPlan.objects.filter(prefecture=bdr).exists():
        ActionPlan.objects.create(prefecture=bdr, title="Plan d'action qualité 2015-2017")
    return demo


def test_a_quality_manager_records_a_copil_and_turns_a_decision_into_an_action(
    page, meetings_demo, signed_in, artifacts
):
    from engagements.models import Action

    signed_in("qualite13")
    page.goto("/qualite/reunions/")
    page.get_by_role("link", name="Nouvelle réunion").click()
    page.get_by_label("COPIL qualité").check()
    page.get_by_label("Date de la réunion").fill("2016-01-14")
    page.get_by_label("Participants").fill("Claire Fabre, responsable qualité\nJulien Mistral, référent d'Arles")
    page.get_by_label("Décisions").fill(
        "Installer un second gestionnaire de file d'attente.\nPoser des chevalets nominatifs."
    )
    page.get_by_role("button", name="Enregistrer la réunion").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("COPIL qualité du 14/01/2016")
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text("enregistré")
    rows = page.locator("#decisions tbody tr")
    expect(rows).to_have_count(2)

    rows.first.get_by_role("link", name="Créer l’action").click()
    page.get_by_label("Site").select_option(label="Marseille – Saint-Sébastien")
    page.get_by_label("Échéance").fill((timezone.localdate() + datetime.timedelta(days=45)).isoformat())
    page.get_by_role("button", name="Créer l’action").click()

    expect(page).to_have_url(re.compile(r"/qualite/reunions/\d+/#decisions$"))
    expect(rows.first).to_contain_text("Action créée")
    expect(rows.nth(1).get_by_role("link", name="Créer l’action")).to_be_visible()
    artifacts.screenshot(page, "reunion-copil-action.png", full_page=True)
    action = Action.objects.get(title="Installer un second gestionnaire de file d'attente.")
    assert (action.source, action.site.name) == ("copil", "Marseille – Saint-Sébastien")


def test_an_empty_decision_and_a_far_away_date_are_refused_in_french(page, meetings_demo, signed_in):
    from engagements.models import Meeting

    signed_in("qualite13")
    count = Meeting.objects.count()
    page.goto("/qualite/reunions/nouvelle/")
    page.get_by_label("Date de la réunion").fill((timezone.localdate() + datetime.timedelta(days=800)).isoformat())
    page.get_by_role("button", name="Enregistrer la réunion").click()

    expect(page.get_by_text("La date de la réunion ne peut pas être postérieure de plus d'un an")).to_be_visible()
    assert Meeting.objects.count() == count

    page.goto("/qualite/reunions/?kind=clu")
    page.get_by_role("link", name="16/04/2015").click()
    page.get_by_role("button", name="Ajouter la décision").click()
    expect(page.get_by_text("Le texte de la décision est obligatoire.")).to_be_visible()


def test_the_agents_not_trained_list_empties_when_their_training_is_recorded(page, meetings_demo, signed_in, artifacts):
    signed_in("qualite13")
    page.goto("/qualite/formations/")
    page.get_by_role("link", name="Agents à former").click()
    table = page.locator("table")
    expect(table).to_contain_text("Lucas Bonnet")
    expect(table).to_contain_text("12/05/2011")
    expect(table).to_contain_text("Léa Garnier")
    artifacts.screenshot(page, "agents-non-formes.png", full_page=True)

    page.get_by_role("link", name="Enregistrer une formation pour Lucas Bonnet").click()
    page.get_by_role("textbox", name=re.compile("^Formation")).fill("Accueil du public (recyclage)")
    page.get_by_label("Suivie le").fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Enregistrer la formation").click()
    expect(page.get_by_text("La date de la formation ne peut pas être dans le futur")).to_be_visible()

    page.get_by_label("Suivie le").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Enregistrer la formation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formations des agents")
    page.goto("/qualite/formations/agents-non-formes/")
    expect(page.locator("table")).not_to_contain_text("Lucas Bonnet")
    expect(page.locator("table")).to_contain_text("Léa Garnier")


def test_a_manager_reads_meetings_and_trainings_without_any_button(page, meetings_demo, signed_in):
    signed_in("direction13")
    page.goto("/qualite/reunions/?kind=copil&year=2015")
    expect(page.locator("table caption")).to_contain_text("12 réunions")
    expect(page.get_by_role("link", name="Nouvelle réunion")).to_have_count(0)
    page.get_by_role("link", name="09/07/2015").click()
    expect(page.locator("#decisions tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="Créer l’action")).to_have_count(0)
    page.goto("/qualite/formations/agents-non-formes/")
    expect(page.get_by_role("link", name=re.compile("Enregistrer une formation"))).to_have_count(0)


def test_a_referent_browses_a_referential_down_to_its_targets(page, meetings_demo, signed_in, artifacts):
    signed_in("referent-arles")
    page.goto("/qualite/referentiels/")
    page.get_by_role("link", name="Qualipref 2.0 numérique").click()
    expect(page.locator("#reconstructed-notice")).to_contain_text("Texte reconstitué")
    page.get_by_role("link", name="Module 7 – Communication de crise").click()
    module = page.locator("#module-QP2-M7")
    expect(module).to_contain_text("Optionnel")
    expect(module.locator("#engagement-QP2-M7-E01")).to_contain_text("inférieur à 60 minutes")
    artifacts.screenshot(page, "referentiel-qp2.png")
