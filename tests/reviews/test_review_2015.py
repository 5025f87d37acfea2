"""The 2015 Bouches-du-Rhône review rebuilt from the demo data finds the figures of the document
(/work/shared/seeds, « bilan qualité 2015 »; docs/domaine.md, § Données de démonstration)."""

import datetime
import hashlib

import pytest
from openpyxl import load_workbook

from accounts.models import User
from reviews import build, services
from reviews.models import ReviewPdf, YearlyReview
from sites.models import Prefecture
from tests import pdf_pages

pytestmark = pytest.mark.django_db

D = datetime.date

# The document's seven rates of each site (accueil téléphonique, PMR, conditions, horaires, signalétique, courtoisie,
# délai d'attente).
RATES_2015 = {
    "Sous-préfecture d'Arles": [87, 97, 94, 72, 94, 99, 82],
    "Sous-préfecture d'Istres": [66, 81, 76, 64, 96, 97, 57],
    "Sous-préfecture d'Aix-en-Provence": [46, 78, 66, 64, 83, 83, 41],
    "Marseille – Saint-Sébastien – Cartes grises et permis": [76, 67, 49, 51.5, 91, 94, 41],
    "Marseille – Saint-Sébastien – Accueil des étrangers": [87, 91, 82, 86, 88, 80, 71],
    "Marseille – Peytral": [71, 94, 95, 93, 99, 99, 87],
}


@pytest.fixture
def review(demo_data, db):
    return build.build(Prefecture.objects.get(department_id="13"), 2015)


def test_the_seven_rates_of_each_site_are_the_documents(review):
    (survey,) = review.evaluation.surveys
    rates = {row.label: [rate.rate for rate in row.rates] for row in survey.rows}
    assert rates == {label: [float(value) for value in values] for label, values in RATES_2015.items()}
    assert [code for code, _ in survey.dimensions] == [
        "phone",
        "accessibility",
        "conditions",
        "opening_hours",
        "signage",
        "courtesy",
        "waiting_time",
    ]
    # no campaign in 2014: no previous rate
    assert all(rate.previous is None for row in survey.rows for rate in row.rates)
    rows = {row.label: row for row in survey.rows}
    # the document's points forts and de vigilance, as published with each site's results
    assert rows["Sous-préfecture d'Arles"].vigilance == [
        "Affichage et informations en libre service",
        "Transfert vers le bon service (accueil téléphonique)",
    ]
    assert rows["Sous-préfecture d'Aix-en-Provence"].strengths == ["Courtoisie du personnel"]
    assert rows["Marseille – Peytral"].strengths and rows["Marseille – Peytral"].vigilance == []  # « RAS »


def test_the_labelling_audit_finds_20_6_3_and_15_4_2_1(review):
    labelling = next(audit for audit in review.evaluation.audits if audit.kind == "Audit de labellisation")
    lines = [place.line for place in labelling.places]
    assert lines == [
        "Préfecture des Bouches-du-Rhône : 20 points forts, 6 pistes de progrès, 3 points sensibles",
        "Sous-préfecture d'Aix-en-Provence : 15 points forts, 4 pistes de progrès, 2 points sensibles, "
        "1 non-conformité mineure",
        "Sous-préfecture d'Arles : 20 points forts, 3 pistes de progrès, 2 points sensibles",
        "Sous-préfecture d'Istres : 17 points forts, 2 pistes de progrès, 4 points sensibles",
    ]
    internal = next(audit for audit in review.evaluation.audits if audit.kind == "Audit interne")
    assert sum(internal.totals) == 17  # « 17 non-conformités soulevées »


def test_46_complaints_and_suggestions_all_answered_within_15_working_days(review):
    per_site = {row.site: row.total for row in review.evaluation.complaints}
    assert per_site == {
        "Marseille – Peytral": 11,  # 10 complaints and a suggestion
        "Marseille – Saint-Sébastien": 12,  # 11 complaints and a suggestion
        "Sous-préfecture d'Aix-en-Provence": 4,
        "Sous-préfecture d'Arles": 13,
        "Sous-préfecture d'Istres": 6,
    }
    total = review.evaluation.complaints_total
    assert (total.total, total.complaints, total.suggestions, total.in_time, total.in_time_share) == (
        46,
        44,
        2,
        46,
        100,
    )


def test_pilotage_tells_the_year_of_the_cycle_and_its_meetings(review):
    pilotage = review.pilotage
    assert [(event.happened_on, event.kind) for event in pilotage.events][-2:] == [
        (D(2015, 9, 15), "Audit de labellisation"),
        (D(2015, 11, 27), "Décision de l'organisme certificateur"),
    ]
    qp2 = next(cycle for cycle in pilotage.cycles if cycle.referential.startswith("Qualipref 2.0"))
    assert any("Relations avec les collectivités" in module for module in qp2.modules)
    assert any("Communication de crise" in module for module in qp2.modules)
    meetings = {held.kind: (held.count, held.planned) for held in pilotage.meetings}
    # « comité de pilotage qualité mensuel », one CLU: held as the programme planned them
    assert meetings == {"copil": (12, 12), "clu": (1, 1)}
    programme = {line.kind: (line.planned, line.fulfilled, line.late) for line in pilotage.programme}
    # the 2015 programme: the quarterly self-assessments start with 2016's (their rule's first year)
    assert programme == {
        "copil": (12, 12, 0),
        "clu": (1, 1, 0),
        "survey": (1, 1, 0),
        "internal_audit": (1, 1, 0),
    }


def test_the_outlook_gives_the_next_years_programme_as_the_document_writes_it(review):
    """« COPILS mensuels ; auto-évaluations trimestrielles : vérifications des conditions d'accueil des usagers sur
    site ; avril : comité local des usagers ; mai-juin : enquêtes de satisfaction »."""
    assert review.outlook.next_year == 2016
    lines = {line.label: (line.count, line.when) for line in review.outlook.next_programme}
    assert lines["COPIL qualité"] == (12, "chaque mois")
    assert lines["Autoévaluation trimestrielle des conditions d'accueil"] == (4 * 5, "chaque trimestre (5 sites)")
    assert lines["Comité local des usagers"] == (1, "avril")
    assert lines["Enquête de satisfaction"] == (1, "mai – juin")


def test_actions_are_grouped_per_site_and_source_and_open_ones_are_the_outlook(review):
    sites = {site.site: site for site in review.actions.sites}
    assert "Sous-préfecture d'Istres" in sites
    istres = {
        group.label: [action.title for action in group.actions] for group in sites["Sous-préfecture d'Istres"].groups
    }
    assert "Mettre à jour le serveur vocal interactif" in istres["Constat d'audit"]
    open_titles = [action.title for action in review.outlook.open_actions]
    # « Perspective 2016 »: Arles adds the date of receipt, Istres a second queue manager
    assert "Ajouter la date de réception au tableau de suivi des lettres d'observation aux collectivités" in open_titles
    assert "Mettre en place un second gestionnaire de file d'attente (pré-accueil / étrangers)" in open_titles


def test_the_build_costs_the_same_queries_whatever_the_volume(demo_data, db, django_assert_num_queries):
    prefecture = Prefecture.objects.get(department_id="13")
    # pilotage 6 (cycles, modules, steps, meetings, referents, the programme's counts per kind); actions 1;
    # surveys 8: campaigns of the year and of the year before (none), per campaign its sites, services, questions,
    # rates per site, rates per service, then the highlights; audits 3 (audits, their sites, findings grouped);
    # complaints 1; correspondence 1; indicators 3 (indicators, aggregates, latest months); outlook 5 (open actions;
    # the next year's items, none built, so its rules, sites and cycles). Rows are counted by the database: more
    # complaints, answers, findings or planned items change none of these.
    with django_assert_num_queries(28):
        build.build(prefecture, 2015)


def test_publishing_the_2015_review_stores_its_pdf_and_workbook_with_their_checksums(demo_data, db, tmp_path):
    quality = User.objects.get(username="qualite13")
    prefecture = Prefecture.objects.get(department_id="13")
    review = services.review_create(by=quality, prefecture=prefecture, year=2015)
    services.review_update(by=quality, review=review, pilotage_text="Nouveau référentiel en février : Qualipref 2.0.")
    review = services.review_publish(by=quality, review=review)
    item = ReviewPdf.objects.get(review=review)
    services.pdf_produce(item.pk)  # the worker's task body
    item.refresh_from_db()
    assert item.status == "done" and item.pages >= 6
    content = item.file.read()
    assert hashlib.sha256(content).hexdigest() == item.sha256
    # a table's caption is never left at the foot of a page without its table (print.css: break-after: avoid)
    for page in pdf_pages.pages(content, tmp_path):
        body = [line for line in page if not pdf_pages.PAGE_NUMBER.match(line) and "Bilan de la démarche" not in line]
        assert not body[-1].startswith("Référents qualité au"), page
    referents_page = next(
        page for page in pdf_pages.pages(content, tmp_path) if "Référents qualité au 31/12/2015" in page
    )
    assert any("Claire Fabre" in line for line in referents_page)
    assert hashlib.sha256(item.xlsx.read()).hexdigest() == item.xlsx_sha256
    item.xlsx.seek(0)
    workbook = load_workbook(item.xlsx)
    assert "Réclamations et suggestions" in workbook.sheetnames
    rows = list(workbook["Réclamations et suggestions"].values)
    assert rows[-1][:2] == ("Total", 46)
    assert YearlyReview.objects.get(pk=review.pk).is_published
