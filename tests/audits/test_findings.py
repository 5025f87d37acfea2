"""Findings: scope, the prefecture's response, corrective actions linked both ways, closure of non-conformities,
good practices, history (audits.services.findings and the finding pages)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Finding, GoodPractice
from audits.services import findings as services
from engagements.models import Action, Engagement
from tests import factories

pytestmark = pytest.mark.django_db


def _engagement(audit, code="QP2-M1-E22"):
    return Engagement.objects.get(referential=audit.labelling.referential, code=code)


def test_an_auditor_records_a_finding_within_the_scope(audit, world):
    finding = services.finding_create(
        by=world.users["auditor"],
        audit=audit,
        category="sensitive_point",
        site=world.site,
        engagement=_engagement(audit),
        text="  Trois agents d'accueil n'ont pas suivi de formation depuis plus de 4 ans.  ",
    )
    assert finding.module == finding.engagement.module
    assert finding.text.startswith("Trois agents") and finding.created_by == world.users["auditor"]
    assert finding.history.get().history_user == world.users["auditor"]


def test_a_finding_outside_the_audit_scope_is_refused(audit, world):
    outside = Engagement.objects.filter(referential=audit.labelling.referential, module__number=3).first()
    with pytest.raises(ValidationError) as error:
        services.finding_create(
            by=world.users["quality_manager"],
            audit=audit,
            category="strength",
            site=world.foreign_site,
            engagement=outside,
            text="Accueil des étrangers sur rendez-vous.",
        )
    errors = error.value.message_dict
    assert errors["site"] == [
        "« Créteil – Préfecture » n'est pas dans le périmètre de cet audit (sites audités : Sous-préfecture "
        "d'Arles, Sous-préfecture d'Istres)."
    ]
    assert errors["engagement"][0].startswith(f"L'engagement {outside.code} ne relève pas des modules audités")
    assert not Finding.objects.exists()


def test_an_auditor_cannot_add_a_finding_after_the_window_nor_to_an_audit_not_theirs(world, cycle):
    closed = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]], window_closed=True)
    other = factories.AuditFactory(labelling=cycle)
    for audit in (closed, other):
        with pytest.raises(PermissionDenied):
            services.finding_create(by=world.users["auditor"], audit=audit, category="strength", text="Accueil.")
    assert not Finding.objects.exists()


def test_an_edit_by_an_auditor_after_the_window_is_refused_by_the_page_and_nothing_changes(login, world, cycle):
    audit = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]], window_closed=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, text="Texte d'origine")
    response = login("auditor").post(
        reverse("finding_edit", kwargs={"pk": finding.pk}), {"category": "strength", "text": "Texte modifié"}
    )
    assert response.status_code == 403
    assert "fenêtre d&#x27;accès des auditeurs va du 30/08/2015 au 18/10/2015" in response.content.decode()
    finding.refresh_from_db()
    assert finding.text == "Texte d'origine"


def test_the_prefecture_answers_a_nonconformity_once_the_report_is_delivered(world, cycle):
    audit = factories.AuditFactory(labelling=cycle)
    finding = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    with pytest.raises(ValidationError, match="La réponse suit la remise du rapport"):
        services.finding_respond(by=world.users["quality_manager"], finding=finding, response="Déménagement prévu.")
    audit.status, audit.report_delivered_on = "delivered", datetime.date(2015, 10, 1)
    audit.save()
    finding.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.finding_respond(by=world.users["auditor"], finding=finding, response="Réponse")
    with pytest.raises(ValidationError) as error:
        services.finding_respond(
            by=world.users["quality_manager"],
            finding=finding,
            response="Nouveaux locaux.",
            response_due_on=datetime.date(2015, 9, 1),
        )
    assert error.value.message_dict == {
        "response_due_on": ["L'échéance révisée ne peut pas précéder la remise du rapport (01/10/2015)."]
    }
    services.finding_respond(
        by=world.users["quality_manager"],
        finding=finding,
        response="Les nouveaux locaux d'avril 2016 seront accessibles.",
        response_due_on=datetime.date(2016, 4, 30),
    )
    finding.refresh_from_db()
    assert (
        finding.response_due_on == datetime.date(2016, 4, 30) and finding.responded_by == world.users["quality_manager"]
    )


def test_strengths_do_not_take_a_response(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site)
    with pytest.raises(ValidationError, match="Seules les non-conformités et les points sensibles"):
        services.finding_respond(by=world.users["quality_manager"], finding=finding, response="Merci.")


def test_a_finding_becomes_an_action_of_the_plan_linked_both_ways(world, cycle):
    plan = factories.ActionPlanFactory(prefecture=world.prefecture, labelling=cycle)
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, engagement=_engagement(audit), minor=True)
    action = services.finding_create_action(by=world.users["site_referent"], finding=finding)
    assert action.plan == plan and action.site == world.site and action.engagement == finding.engagement
    assert action.source == Action.Source.AUDIT_FINDING and action.source_object == finding
    assert list(finding.actions.all()) == [action] and list(action.findings.all()) == [finding]
    assert action.title.startswith("Lever la non-conformité : constat n°")
    with pytest.raises(PermissionDenied):
        services.finding_create_action(by=world.users["agent"], finding=finding)


def _nonconformity_with_action(world, cycle, *, status="done", completed_on=datetime.date(2015, 12, 1)):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    traits = {"done": {"done": True, "completed_on": completed_on}, "in_progress": {"in_progress": True}}[status]
    action = factories.ActionFactory(plan=plan, site=world.site, **traits)
    finding.action_links.create(action=action)
    return finding, action


def test_a_nonconformity_closes_only_when_its_actions_are_done_and_a_later_audit_verified_them(world, cycle):
    finding, action = _nonconformity_with_action(world, cycle, status="in_progress")
    check = services.closure_check(finding)
    assert not check.can_close
    assert check.missing == [
        "1 action(s) corrective(s) pas encore réalisée(s).",
        "Aucun audit ultérieur n'a encore eu lieu.",
    ]
    follow_up = factories.AuditFactory(
        labelling=cycle,
        kind="follow_up",
        start_on=datetime.date(2016, 11, 14),
        end_on=datetime.date(2016, 11, 15),
        in_progress=True,
    )
    with pytest.raises(ValidationError, match="pas encore réalisée"):
        services.finding_close(by=world.users["quality_manager"], finding=finding, verified_in=follow_up)
    action.status, action.progress, action.completed_on = "done", 100, datetime.date(2016, 6, 1)
    action.save()
    finding = services.finding_close(
        by=world.users["quality_manager"], finding=finding, verified_in=follow_up, note="Vérifié sur place."
    )
    assert finding.verified_in == follow_up and finding.closed_by == world.users["quality_manager"]
    # lifting records its effectiveness check: effective, today, by the quality manager, the note as evidence
    assert finding.effective is True and finding.effectiveness_checked_on == timezone.localdate()
    assert finding.effectiveness_checked_by == world.users["quality_manager"]
    assert finding.effectiveness_evidence_text == "Vérifié sur place."
    action.refresh_from_db()
    assert action.status == "verified" and action.effectiveness == Action.Effectiveness.EFFECTIVE


def test_a_nonconformity_without_action_or_verified_by_an_earlier_audit_stays_open(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, major=True)
    assert services.closure_check(finding).missing[0] == "Aucune action corrective n'est rattachée à la non-conformité."
    finding, _ = _nonconformity_with_action(world, cycle, completed_on=datetime.date(2017, 1, 10))
    earlier = factories.AuditFactory(labelling=cycle, internal=True, in_progress=True)
    with pytest.raises(ValidationError, match="tenu après celui du constat"):
        services.finding_close(by=world.users["quality_manager"], finding=finding, verified_in=earlier)
    held_before_the_action = factories.AuditFactory(
        labelling=cycle, start_on=datetime.date(2016, 11, 14), end_on=datetime.date(2016, 11, 15), in_progress=True
    )
    with pytest.raises(ValidationError, match="Aucun audit ultérieur n'a encore pu vérifier"):
        services.finding_close(by=world.users["quality_manager"], finding=finding, verified_in=held_before_the_action)
    finding.refresh_from_db()
    assert finding.closed_on is None


def test_the_finding_page_explains_the_closure_rule(login, world, cycle):
    finding, _ = _nonconformity_with_action(world, cycle)
    html = login("manager").get(reverse("finding_detail", kwargs={"pk": finding.pk})).content.decode()
    assert "une non-conformité est levée lorsque toutes ses actions correctives sont réalisées" in html
    assert "Toutes les actions réalisées (1 sur 1)" in html
    assert "Aucun audit ultérieur n&#x27;a encore pu vérifier l&#x27;efficacité des actions." in html


def test_national_administrators_publish_strengths_as_good_practices(login, world, audit):
    strength = factories.FindingFactory(
        audit=audit,
        site=world.site,
        engagement=_engagement(audit, "QP2-M1-E04"),
        text="Chevalets nominatifs aux guichets.",
    )
    with pytest.raises(PermissionDenied):
        services.good_practice_publish(by=world.users["quality_manager"], finding=strength, title="Chevalets")
    practice = services.good_practice_publish(
        by=world.users["national"], finding=strength, title="Chevalets nominatifs"
    )
    assert practice.module == strength.module and practice.text == strength.text
    with pytest.raises(ValidationError, match="Seuls les points forts"):
        services.good_practice_publish(
            by=world.users["national"], finding=factories.FindingFactory(audit=audit, minor=True), title="NC"
        )
    html = (
        login("foreign_quality_manager" if False else "agent")
        .get(reverse("good_practice_list") + "?module=QP2-M1&q=chevalets")
        .content.decode()
    )
    assert "Chevalets nominatifs" in html
    html = login("agent").get(reverse("good_practice_list") + "?engagement=QP2-M7-E01").content.decode()
    assert "Aucune bonne pratique ne correspond" in html
    assert GoodPractice.objects.count() == 1


def test_a_finding_with_actions_cannot_be_deleted(world, cycle):
    finding, _ = _nonconformity_with_action(world, cycle)
    finding.audit.status = "writing"
    finding.audit.save()
    with pytest.raises(ValidationError, match="actions correctives"):
        services.finding_delete(by=world.users["quality_manager"], finding=finding)


def test_the_history_says_who_changed_what(world, audit):
    finding = services.finding_create(
        by=world.users["auditor"], audit=audit, category="improvement", site=world.site, text="Affichage à revoir."
    )
    services.finding_update(by=world.users["quality_manager"], finding=finding, category="sensitive_point")
    entries = services.finding_history(finding)
    assert entries[0].user == world.users["quality_manager"]
    assert [(c.label, c.old_display, c.new_display) for c in entries[0].changes] == [
        ("catégorie", "Piste de progrès", "Point sensible")
    ]
    assert entries[1].kind == "creation" and entries[1].user == world.users["auditor"]


def _finding_with_versions(world, audit, versions):
    """A finding whose site and engagement change at each of its ``versions`` modifications."""
    by = world.users["auditor"]
    sites = (world.sister_site, world.site)
    engagements = (_engagement(audit, "QP2-M1-E05"), _engagement(audit))
    finding = services.finding_create(
        by=by, audit=audit, category="improvement", site=world.site, engagement=engagements[1], text="Affichage."
    )
    for index in range(versions):
        services.finding_update(
            by=by, finding=finding, site=sites[index % 2], engagement=engagements[index % 2], text=f"Affichage {index}."
        )
    return finding


@pytest.mark.parametrize("versions", [1, 9])
def test_the_history_costs_the_same_queries_however_many_relations_changed(
    world, audit, versions, django_assert_num_queries
):
    finding = _finding_with_versions(world, audit, versions)
    # the history rows with their users, the sites named in the changes, the engagements (not one per change)
    with django_assert_num_queries(3):
        entries = services.finding_history(finding)

    assert len(entries) == versions + 1
    assert [(c.label, c.old_display, c.new_display) for c in entries[-2].changes] == [
        ("site", str(world.site), str(world.sister_site)),
        ("engagement", str(_engagement(audit)), str(_engagement(audit, "QP2-M1-E05"))),
        ("constat", "Affichage.", "Affichage 0."),
    ]


def test_the_finding_page_costs_the_same_for_1_or_9_versions_in_its_history(login, world, audit):
    client = login("quality_manager")
    short, long = _finding_with_versions(world, audit, 1), _finding_with_versions(world, audit, 9)
    for finding in (short, long):  # warm the caches (content types, DSFR configuration)
        client.get(reverse("finding_detail", kwargs={"pk": finding.pk}))

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("finding_detail", kwargs={"pk": short.pk}))
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("finding_detail", kwargs={"pk": long.pk})).content.decode()

    assert len(many.captured_queries) == len(one.captured_queries)
    assert "Affichage 7. → Affichage 8." in html
