"""In a real browser: an auditor fills part of the grid (keyboard, autosave) and records findings; the quality
manager answers a non-conformity and creates its action; the PDF report is downloaded and its text holds the counts
per site and the prefecture's response."""

import datetime
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARLES = "Sous-préfecture d'Arles"


def _follow_up_audit(**fields):
    """A follow-up audit of the Bouches-du-Rhône's demo cycle, assigned to the demo auditor, in progress."""
    from accounts.models import User
    from audits.models import Audit
    from engagements.models import Labelling

    cycle = Labelling.objects.get(prefecture__department_id="13", referential__code="QP2")
    values = {
        "labelling": cycle,
        "prefecture": cycle.prefecture,
        "kind": Audit.Kind.FOLLOW_UP,
        "body": "AFNOR Certification",
        "start_on": datetime.date(2016, 11, 14),
        "end_on": datetime.date(2016, 11, 18),
        "report_due_on": datetime.date(2016, 12, 3),
        "status": Audit.Status.IN_PROGRESS,
    }
    values.update(fields)
    audit = Audit.objects.create(**values)
    audit.sites.set(cycle.sites.all())
    audit.modules.set(cycle.modules.all())
    audit.auditors.set([User.objects.get(username="auditeur")])
    return audit


def test_an_auditor_fills_part_of_the_grid_with_the_keyboard_and_records_findings(page, demo, signed_in, artifacts):
    from audits.models import Assessment, Finding
    from sites.models import Site

    audit = _follow_up_audit()
    arles = Site.objects.get(name=ARLES)
    signed_in("auditeur")
    page.goto(f"/audits/{audit.pk}/grille/?site={arles.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grille d’évaluation")
    expect(page.locator("#grid-progress")).to_contain_text("0 évaluation sur 200")

    first = page.get_by_label("QP2-M1-E01 – Sous-préfecture d'Arles : résultat")
    first.focus()
    page.keyboard.press("1")  # « 1 · Conforme », chosen
    page.keyboard.press("Enter")  # saved, and on to the next engagement
    expect(page.locator("#grid-progress")).to_contain_text("1 évaluation sur 200")
    second = page.get_by_label("QP2-M1-E02 – Sous-préfecture d'Arles : résultat")
    expect(second).to_be_focused()
    second.select_option(label="2 · NC mineure")
    expect(page.locator("#grid-progress")).to_contain_text("2 évaluations sur 200")
    third = page.get_by_label("QP2-M1-E03 – Sous-préfecture d'Arles : résultat")
    third.select_option(label="1 · Conforme")
    expect(page.locator("#grid-progress")).to_contain_text("3 évaluations sur 200 (2")
    cell = page.locator("#cell-" + second.get_attribute("id").split("-", 1)[1])
    cell.locator("summary").click()
    cell.get_by_label("Commentaire", exact=True).fill("Affichage des heures d'affluence de 2015")
    cell.get_by_label("Commentaire", exact=True).press("Tab")  # the change is saved when the field is left
    expect(page.locator("#grid-status")).to_contain_text(
        "QP2-M1-E02 – Sous-préfecture d'Arles : Non-conformité mineure, enregistré."
    )
    artifacts.screenshot(page, "audit-grille.png", full_page=True)
    cells = {
        code: (result, comment)
        for code, result, comment in Assessment.objects.filter(audit=audit).values_list(
            "engagement__code", "result", "comment"
        )
    }
    assert cells == {
        "QP2-M1-E01": ("compliant", ""),
        "QP2-M1-E02": ("minor_nonconformity", "Affichage des heures d'affluence de 2015"),
        "QP2-M1-E03": ("compliant", ""),
    }

    page.goto(f"/audits/{audit.pk}/constats/nouveau/")
    page.get_by_label("Catégorie").select_option(label="Non-conformité mineure")
    page.get_by_label("Site").select_option(label=ARLES)
    page.get_by_label("Engagement").select_option(label="QP2-M1-E02 – Heures d'affluence affichées et tenues à jour")
    page.get_by_label("Constat").fill("Les heures d'affluence affichées au pré-accueil datent de 2015.")
    page.get_by_role("button", name="Enregistrer et saisir le suivant").click()
    expect(page.locator(".fr-alert--success")).to_be_visible()
    expect(page.get_by_label("Site")).to_have_value(str(arles.pk))  # ready for the next finding of the site
    page.get_by_label("Catégorie").select_option(label="Point fort")
    page.get_by_label("Constat").fill("Accueil courtois et personnalisé au pré-accueil.")
    page.get_by_role("button", name="Enregistrer le constat", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/audits/{audit.pk}/#constats$"))
    expect(page.locator("#comptes")).to_contain_text("Sous-préfecture d’Arles : 1 point fort, 1 non-conformité mineure")
    artifacts.screenshot(page, "audit-constats.png", full_page=True)
    assert Finding.objects.filter(audit=audit, created_by__username="auditeur").count() == 2


def test_arrow_keys_browsing_a_grid_result_save_nothing_until_an_explicit_choice(page, demo, signed_in):
    """Issue 12: each result the arrow keys passed through was saved. Browsing commits nothing, Escape puts the
    saved result back, Enter saves the one shown, leaving the list (Tab) saves a keyboard change."""
    from audits.models import Assessment
    from sites.models import Site

    audit = _follow_up_audit()
    arles = Site.objects.get(name=ARLES)
    signed_in("auditeur")
    page.goto(f"/audits/{audit.pk}/grille/?site={arles.pk}")
    posts = []
    page.on("request", lambda request: posts.append(request.post_data) if request.method == "POST" else None)

    def results():
        return dict(Assessment.objects.filter(audit=audit).values_list("engagement__code", "result"))

    first = page.get_by_label("QP2-M1-E01 – Sous-préfecture d'Arles : résultat")
    first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # through « Conforme », « NC mineure » … each one shown, none saved
    page.wait_for_timeout(500)
    assert posts == [] and results() == {}
    page.keyboard.press("Escape")  # the saved result (« Non évalué ») back
    expect(first).to_have_value("not_assessed")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the one shown is saved, once
    expect(page.locator("#grid-progress")).to_contain_text("1 évaluation sur 200")
    second = page.get_by_label("QP2-M1-E02 – Sous-préfecture d'Arles : résultat")
    expect(second).to_be_focused()
    assert len(posts) == 1
    shown = page.get_by_label("QP2-M1-E01 – Sous-préfecture d'Arles : résultat").input_value()
    assert results() == {"QP2-M1-E01": shown} and shown != "not_assessed"

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # leaving the list saves the keyboard change
    expect(page.locator("#grid-progress")).to_contain_text("2 évaluations sur 200")
    assert len(posts) == 2


def test_the_quality_manager_answers_a_nonconformity_and_creates_its_action(page, demo, signed_in, artifacts):
    from audits.models import Finding
    from engagements.models import Action, Engagement
    from sites.models import Site

    audit = _follow_up_audit(status="delivered", report_delivered_on=datetime.date(2016, 11, 30))
    finding = Finding.objects.create(
        audit=audit,
        site=Site.objects.get(name=ARLES),
        engagement=Engagement.objects.get(referential=audit.labelling.referential, code="QP2-M1-E02"),
        category=Finding.Category.MINOR_NONCONFORMITY,
        text="Les heures d'affluence affichées au pré-accueil datent de 2015.",
    )
    signed_in("qualite13")
    page.goto(f"/audits/{audit.pk}/")
    page.get_by_role(
        "link", name=re.compile("Les heures d’affluence affichées|Les heures d'affluence affichées")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Non-conformité mineure")
    expect(page.get_by_text("Règle de levée")).to_be_visible()
    page.get_by_role("textbox", name="Réponse argumentée de la préfecture").fill(
        "Les heures d'affluence seront recalculées chaque trimestre à partir du gestionnaire de file."
    )
    page.get_by_label("Échéance révisée").fill("2017-03-31")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.locator("#reponse")).to_contain_text("recalculées chaque trimestre")
    expect(page.locator("#reponse")).to_contain_text("échéance révisée : 31/03/2017")

    page.get_by_role("link", name="Créer l’action").click()
    expect(page.get_by_label("Intitulé de l’action")).to_have_value(re.compile("^Lever la non-conformité"))
    page.get_by_label("Intitulé de l’action").fill("Recalculer et afficher les heures d'affluence chaque trimestre")
    page.get_by_role("button", name="Créer l’action").click()
    expect(page.locator("#actions")).to_contain_text("Recalculer et afficher les heures d'affluence chaque trimestre")
    artifacts.screenshot(page, "audit-reponse-action.png", full_page=True)

    action = Action.objects.get(title="Recalculer et afficher les heures d'affluence chaque trimestre")
    assert action.source == "audit_finding" and action.source_object == finding
    assert list(finding.actions.all()) == [action] and action.site.name == ARLES
    page.locator("#actions").get_by_role("link", name=action.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recalculer et afficher")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent (poppler-utils)")
def test_the_auditor_downloads_the_report_whose_text_holds_the_counts_and_the_response(page, demo, login, artifacts):
    login("auditeur", demo)
    card = page.locator(".fr-card", has_text="Audit de labellisation du 14/09/2015")
    expect(card).to_be_visible()
    with page.expect_download(timeout=60_000) as download_info:  # produced on the fly: a few seconds
        card.get_by_role("link", name="Télécharger le rapport (PDF)").click(timeout=60_000)
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = artifacts / "rapport-audit-labellisation-2015.pdf"
    download.save_as(path)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "Préfecture des Bouches-du-Rhône : 20 points forts, 6 pistes de progrès, 3 points sensibles" in text
    assert (
        "Sous-préfecture d’Aix-en-Provence : 15 points forts, 4 pistes de progrès, 2 points sensibles, "
        "1 non-conformité mineure" in text
    )
    assert "Sous-préfecture d’Arles : 20 points forts, 3 pistes de progrès, 2 points sensibles" in text
    assert "Sous-préfecture d’Istres : 17 points forts, 2 pistes de progrès, 4 points sensibles" in text
    assert "La sous-préfecture déménage en avril 2016 dans des locaux accessibles" in text
