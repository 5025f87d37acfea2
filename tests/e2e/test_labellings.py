"""In a real browser: the quality manager records the labelling decision and sees the timeline update; a
manager reads the same timeline without any button to move the cycle forward."""

import datetime
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def audited_cycle(demo):
    """Bouches-du-Rhône on Qualipref 2.0, audited on 15/09/2015, recorded through the service."""
    from accounts.models import User
    from audits import demo as audits_demo
    from engagements.models import ActionPlan
    from engagements.services import labellings as services
    from sites.models import Prefecture
    from tests import factories

    qp2 = factories.labelling_referential("QP2")  # the flush of the previous browser test emptied the table
    national = User.objects.get(username="national")
    prefecture = Prefecture.objects.get(department_id="13")
    # The demo's cycles of the prefecture make way for the one under test (its action plans stay).
    ActionPlan.objects.filter(prefecture=prefecture).update(labelling=None)
    prefecture.labellings.update(previous=None)
    audits_demo.unload(prefecture)  # the demo's audits hang on the cycles
    prefecture.labellings.all().delete()
    cycle = services.labelling_start(
        by=national,
        prefecture=prefecture,
        referential=qp2,
        modules=list(qp2.modules.filter(number__in=[4, 7])),
        sites=list(prefecture.sites.all()),
        started_on=D(2015, 2, 16),
    )
    for step, day in (("internal_evaluation", D(2015, 6, 22)), ("plan_revision", D(2015, 7, 10))):
        cycle = services.labelling_transition(by=national, labelling=cycle, step=step, happened_on=day)
    return services.labelling_transition(
        by=national, labelling=cycle, step="labelling_audit", happened_on=D(2015, 9, 15)
    )


def _steps_table(page):
    return page.get_by_role("table", name=re.compile("Étapes du cycle Qualipref 2.0"))


def test_the_quality_manager_records_the_labelling_decision_and_sees_the_timeline_update(
    page, demo, signed_in, audited_cycle, artifacts
):
    signed_in("qualite13")
    page.goto("/qualite/labellisation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Labellisation")
    expect(page.locator(".fr-stepper__title")).to_contain_text("Audit de labellisation")
    expect(page.get_by_role("link", name="Enregistrer un audit de suivi")).to_have_count(0)

    page.get_by_role("link", name="Enregistrer la décision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enregistrer la décision")
    page.get_by_label("Date de la décision").fill("2015-09-01")  # before the labelling audit
    page.get_by_text("Favorable", exact=True).click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.get_by_text("La date ne peut pas précéder la dernière étape du cycle (15/09/2015).")).to_be_visible()

    page.get_by_label("Date de la décision").fill("2015-11-27")
    page.get_by_text("Favorable", exact=True).click()
    expect(page.get_by_label("Organisme certificateur")).to_have_value("AFNOR Certification")
    page.get_by_label("Commentaire").fill("Labellisation des 4 sites Qualipref 2.0 fin novembre.")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(r"/qualite/labellisation/prefectures/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("le cycle est à l'étape « Labellisée (pérennisation) »")
    expect(page.get_by_text("Labellisée le 27/11/2015 (AFNOR Certification)")).to_be_visible()
    expect(page.get_by_text("Prochain audit avant le")).to_contain_text("27/11/2016")
    last_row = _steps_table(page).locator("tbody tr").last
    expect(last_row).to_contain_text("27/11/2015")
    expect(last_row).to_contain_text("Décision favorable")
    expect(last_row).to_contain_text("Labellisation des 4 sites Qualipref 2.0 fin novembre.")
    expect(last_row).to_contain_text("Claire Fabre")
    expect(page.get_by_role("link", name="Enregistrer un audit de suivi")).to_be_visible()
    expect(page.get_by_role("link", name="Enregistrer la décision")).to_have_count(0)
    artifacts.screenshot(page, "labellisation-decision-qualite13.png", full_page=True)


def test_a_manager_reads_the_timeline_without_any_transition_button(page, demo, signed_in, audited_cycle, page_checks):
    page_checks.allow_console("status of 403")  # the refused step below
    signed_in("direction13")
    page.goto("/qualite/labellisation/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Labellisation")
    expect(_steps_table(page).locator("tbody tr")).to_have_count(4)
    expect(page.locator("a[href*='/etapes/']")).to_have_count(0)
    expect(page.get_by_role("link", name="Changer de référentiel")).to_have_count(0)
    expect(page.get_by_role("link", name="Démarrer un cycle")).to_have_count(0)
    response = page.goto(f"/qualite/labellisation/cycles/{audited_cycle.pk}/etapes/decision/")
    assert response.status == 403
