"""« L'autoévaluation trimestrielle des conditions d'accueil »: one per site and quarter, its checklist, who fills
it, its gaps turned into actions once, a site's year, and its pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Assessment, QuarterlySelfAssessment
from audits.services import grid
from audits.services import self_assessments as services
from engagements.models import Action, Engagement
from tests import factories

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 5, 12)  # in the second quarter
RECEPTION = [f"QP2-M1-E0{number}" for number in range(1, 9)]


@pytest.fixture
def plan(world, cycle):
    return factories.ActionPlanFactory(prefecture=world.prefecture, labelling=cycle)


@pytest.fixture
def check(world, cycle):
    return services.self_assessment_start(by=world.users["site_referent"], site=world.site, on=ON)


def _engagement(check, code):
    return Engagement.objects.get(referential=check.audit.labelling.referential, code=code)


def _record(user, check, code, result, comment=""):
    return grid.assessment_record(
        by=user, audit=check.audit, engagement=_engagement(check, code), site=check.site, result=result, comment=comment
    )


def test_the_referent_starts_the_quarter_on_the_reception_conditions_of_the_cycles_referential(check, world):
    assert (check.year, check.quarter, check.label) == (2026, 2, "T2 2026")
    audit = check.audit
    assert audit.kind == "self_assessment" and audit.start_on == ON and list(audit.sites.all()) == [world.site]
    assert [engagement.code for engagement in grid.scope_engagements(audit)] == RECEPTION
    built = grid.build_grid(audit)
    assert built.total == 8 and [site.name for site in built.sites] == ["Sous-préfecture d'Arles"]
    assert grid.grid_progress(audit) == (0, 8, 0)


def test_a_second_self_assessment_of_the_same_site_and_quarter_is_refused_in_french(check, world):
    with pytest.raises(ValidationError) as error:
        services.self_assessment_start(
            by=world.users["quality_manager"], site=world.site, on=ON + datetime.timedelta(5)
        )
    assert (
        "T2 2026" in error.value.message_dict["quarter"][0]
        and "déjà commencée" in error.value.message_dict["quarter"][0]
    )
    assert QuarterlySelfAssessment.objects.count() == 1
    # Another site, or another quarter, has its own.
    services.self_assessment_start(by=world.users["quality_manager"], site=world.sister_site, on=ON)
    services.self_assessment_start(by=world.users["site_referent"], site=world.site, year=2026, quarter=1, on=ON)
    assert QuarterlySelfAssessment.objects.count() == 3


def test_a_quarter_not_begun_is_refused(world, cycle):
    with pytest.raises(ValidationError) as error:
        services.self_assessment_start(by=world.users["site_referent"], site=world.site, year=2026, quarter=3, on=ON)
    assert "n'a pas commencé" in error.value.message_dict["quarter"][0]


def test_a_site_outside_any_running_cycle_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.self_assessment_start(by=world.users["quality_manager"], site=world.site, on=ON)
    assert "aucun cycle de labellisation en cours" in error.value.message_dict["site"][0]


def test_a_marianne_cycle_checks_its_own_reception_engagements(world):
    labelling = factories.LabellingFactory(
        prefecture=world.prefecture, referential=factories.labelling_referential("MARIANNE"), sites=[world.site]
    )
    check = services.self_assessment_start(by=world.users["quality_manager"], site=world.site, on=ON)
    assert check.audit.labelling == labelling
    codes = [engagement.code for engagement in grid.scope_engagements(check.audit)]
    assert codes == list(services.RECEPTION_CONDITIONS["MARIANNE"])


@pytest.mark.parametrize("role", ["agent", "manager", "auditor"])
def test_only_the_quality_manager_and_the_referent_start_one(world, cycle, role):
    with pytest.raises(PermissionDenied):
        services.self_assessment_start(by=world.users[role], site=world.site, on=ON)


def test_the_referent_of_another_site_neither_starts_nor_fills_its_self_assessment(world, cycle):
    referent = world.users["site_referent"]  # Arles
    with pytest.raises(PermissionDenied):
        services.self_assessment_start(by=referent, site=world.sister_site, on=ON)
    istres = services.self_assessment_start(by=world.users["quality_manager"], site=world.sister_site, on=ON)
    with pytest.raises(PermissionDenied):
        _record(referent, istres, "QP2-M1-E01", "compliant")


def test_the_referent_fills_the_checklist_but_not_an_engagement_outside_it(check, world):
    referent = world.users["site_referent"]
    _record(referent, check, "QP2-M1-E01", "compliant")
    _record(referent, check, "QP2-M1-E05", "minor_nonconformity", "Panneau du hall effacé")
    assert grid.grid_progress(check.audit) == (2, 8, 25)
    with pytest.raises(ValidationError) as error:
        _record(referent, check, "QP2-M1-E09", "compliant")  # the phone: in the module, not in the checklist
    assert "engagement" in error.value.message_dict


def test_the_referent_does_not_fill_another_kind_of_audit_of_their_site(audit, world):
    engagement = Engagement.objects.get(referential=audit.labelling.referential, code="QP2-M1-E01")
    with pytest.raises(PermissionDenied):
        grid.assessment_record(
            by=world.users["site_referent"], audit=audit, engagement=engagement, site=world.site, result="compliant"
        )


def test_a_gap_becomes_an_action_once(check, world, plan):
    referent = world.users["site_referent"]
    cell = _record(referent, check, "QP2-M1-E05", "minor_nonconformity", "Panneau du hall effacé")
    action = services.gap_create_action(by=referent, assessment=cell)
    assert action.source == Action.Source.SELF_ASSESSMENT and action.plan == plan
    assert action.site == world.site and action.engagement.code == "QP2-M1-E05"
    assert action.title.startswith("QP2-M1-E05 – ") and "autoévaluation T2 2026" in action.title
    assert action.description == "Panneau du hall effacé" and action.source_object == cell
    with pytest.raises(ValidationError) as error:
        services.gap_create_action(by=world.users["quality_manager"], assessment=cell)
    assert "déjà devenu l'action" in error.value.messages[0]
    assert Action.objects.filter(source=Action.Source.SELF_ASSESSMENT).count() == 1


def test_only_a_gap_becomes_an_action(check, world, plan):
    cell = _record(world.users["site_referent"], check, "QP2-M1-E01", "compliant")
    with pytest.raises(ValidationError):
        services.gap_create_action(by=world.users["site_referent"], assessment=cell)


def test_the_referent_of_another_site_does_not_turn_its_gap_into_an_action(world, cycle, plan):
    istres = services.self_assessment_start(by=world.users["quality_manager"], site=world.sister_site, on=ON)
    cell = _record(world.users["quality_manager"], istres, "QP2-M1-E06", "minor_nonconformity")
    for role in ("site_referent", "agent", "manager"):
        with pytest.raises(PermissionDenied):
            services.gap_create_action(by=world.users[role], assessment=cell)
    assert not Action.objects.exists()


def test_a_sites_year_says_which_quarters_are_done_in_progress_missing_due_or_upcoming(world, cycle):
    manager = world.users["quality_manager"]
    first = services.self_assessment_start(by=manager, site=world.site, year=2026, quarter=1, on=ON)
    for code in RECEPTION:
        _record(manager, first, code, "not_applicable" if code.endswith("3") else "compliant")
    second = services.self_assessment_start(by=manager, site=world.site, year=2026, quarter=2, on=ON)
    _record(manager, second, "QP2-M1-E02", "major_nonconformity")
    rows = services.site_year(world.site, 2026, on=datetime.date(2026, 8, 1))
    assert [(row.label, row.state, row.assessed, row.total, row.gaps) for row in rows] == [
        ("T1 2026", "done", 8, 8, 0),
        ("T2 2026", "in_progress", 1, 8, 1),
        ("T3 2026", "due", 0, 0, 0),
        ("T4 2026", "upcoming", 0, 0, 0),
    ]
    rows = services.site_year(world.site, 2025, on=datetime.date(2026, 8, 1))
    assert [row.state for row in rows] == ["missing"] * 4 and all(row.may_start for row in rows)


# --- pages ---------------------------------------------------------------------------------------------


def test_the_sites_page_shows_an_empty_year_and_the_referent_starts_the_current_quarter(login, world, cycle):
    client = login("site_referent")
    url = reverse("site_self_assessments", kwargs={"site_pk": world.site.pk})
    page = client.get(url).content.decode()
    assert "Autoévaluations trimestrielles des conditions d’accueil" in page
    assert "Commencer l’autoévaluation" in page
    response = client.post(reverse("self_assessment_start", kwargs={"site_pk": world.site.pk}))
    check = QuarterlySelfAssessment.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "self_assessment_checklist", kwargs={"pk": check.audit_id}
    )
    again = client.post(reverse("self_assessment_start", kwargs={"site_pk": world.site.pk}), follow=True)
    assert "déjà commencée" in again.content.decode() and QuarterlySelfAssessment.objects.count() == 1
    assert f"Ouvrir l’autoévaluation {check.label}" in client.get(url).content.decode()


def test_the_checklist_is_filled_cell_by_cell_and_a_gap_becomes_an_action_in_one_click(login, world, check, plan):
    client = login("site_referent")
    url = reverse("self_assessment_checklist", kwargs={"pk": check.audit_id})
    page = client.get(url).content.decode()
    assert page.count('name="layout" value="checklist"') == 8 and "Non conforme" in page and "Sans objet" in page
    engagement = _engagement(check, "QP2-M1-E05")
    response = client.post(
        reverse("audit_grid_cell", kwargs={"pk": check.audit_id}),
        {"engagement": engagement.pk, "site": world.site.pk, "layout": "checklist", "result": "minor_nonconformity"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert (
        response.status_code == 200 and f'id="item-{engagement.pk}"' in body and "Créer l’action pour cet écart" in body
    )
    cell = Assessment.objects.get(audit=check.audit, engagement=engagement)
    action_url = reverse("self_assessment_gap_action", kwargs={"pk": check.audit_id, "cell_pk": cell.pk})
    client.post(action_url)
    client.post(action_url)
    assert Action.objects.filter(source="self_assessment").count() == 1
    page = client.get(url).content.decode()
    assert "Action du plan" in page and "Créer l’action pour cet écart" not in page


def test_the_checklist_without_javascript_comes_back_to_the_checklist(login, world, check):
    client = login("site_referent")
    engagement = _engagement(check, "QP2-M1-E01")
    response = client.post(
        reverse("audit_grid_cell", kwargs={"pk": check.audit_id}),
        {"engagement": engagement.pk, "site": world.site.pk, "layout": "checklist", "result": "compliant"},
    )
    assert (
        response.url == reverse("self_assessment_checklist", kwargs={"pk": check.audit_id}) + f"#item-{engagement.pk}"
    )


def test_a_manager_reads_the_checklist_without_the_form(login, world, check):
    page = login("manager").get(reverse("self_assessment_checklist", kwargs={"pk": check.audit_id})).content.decode()
    assert 'name="layout"' not in page and "QP2-M1-E01" in page


def test_an_audit_that_is_not_a_quarterly_check_has_no_checklist(login, audit):
    assert (
        login("quality_manager").get(reverse("self_assessment_checklist", kwargs={"pk": audit.pk})).status_code == 404
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_pages_query_counts_do_not_grow_with_the_answers(login, world, check, plan):
    client = login("site_referent")
    referent = world.users["site_referent"]
    checklist = reverse("self_assessment_checklist", kwargs={"pk": check.audit_id})
    year = reverse("site_self_assessments", kwargs={"site_pk": world.site.pk}) + "?annee=2026"
    cell = _record(referent, check, "QP2-M1-E01", "minor_nonconformity")
    services.gap_create_action(by=referent, assessment=cell)
    client.get(checklist)  # warm: what the process keeps (the DSFR configuration)
    few = _queries(client, checklist), _queries(client, year)
    for code in RECEPTION[1:]:
        cell = _record(referent, check, code, "minor_nonconformity")
        services.gap_create_action(by=referent, assessment=cell)
    services.self_assessment_start(by=referent, site=world.site, year=2026, quarter=1, on=ON)
    assert (_queries(client, checklist), _queries(client, year)) == few
