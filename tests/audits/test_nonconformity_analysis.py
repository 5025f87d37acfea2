"""Non-conformities: the cause analysis, the immediate correction and the effectiveness check at closure
(audits.services.findings, the finding pages, the API)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit
from audits.services import findings as services
from engagements.models import Action
from tests import factories

pytestmark = pytest.mark.django_db

ANALYSIS = {
    "cause_categories": ["methods", "personnel"],
    "cause_whys": [
        "Le panneau PMR n'a pas été reposé après les travaux.",
        "Personne n'était chargé de la signalétique pendant les travaux.",
        "",
    ],
    "cause_analysis": "",
    "correction": "Affichette provisoire posée à l'entrée.",
    "corrected_on": datetime.date(2015, 9, 17),
}


def _pdf(name="preuve.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 preuve", content_type="application/pdf")


def _nonconformity(world, cycle, *, action_status="done", completed_on=datetime.date(2015, 12, 1)):
    """A minor non-conformity of the delivered labelling audit (14–18/09/2015) on Arles, with one action."""
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    finding = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    plan = factories.ActionPlanFactory(prefecture=world.prefecture)
    traits = {"done": {"done": True, "completed_on": completed_on}, "in_progress": {"in_progress": True}}
    action = factories.ActionFactory(plan=plan, site=world.site, **traits[action_status])
    finding.action_links.create(action=action)
    return finding, action


def _follow_up(cycle, start_on=datetime.date(2016, 11, 14)):
    return factories.AuditFactory(
        labelling=cycle,
        kind="follow_up",
        start_on=start_on,
        end_on=start_on + datetime.timedelta(days=1),
        in_progress=True,
    )


def _check(world, finding, **fields):
    values = {
        "effective": True,
        "checked_on": datetime.date(2016, 11, 15),
        "evidence_text": "Panneau en place, vérifié lors de l'audit de suivi.",
    }
    values.update(fields)
    return services.finding_check_effectiveness(by=world.users["quality_manager"], finding=finding, **values)


# --- the analysis and the immediate correction ----------------------------------------------------------------


def test_the_referent_of_the_site_records_the_analysis_and_the_correction(world, cycle):
    finding, _ = _nonconformity(world, cycle)
    finding = services.finding_analyse(by=world.users["site_referent"], finding=finding, **ANALYSIS)
    finding.refresh_from_db()
    assert finding.cause_categories == ["personnel", "methods"]  # the order of the categories, not of the input
    assert finding.cause_category_labels() == ["Personnel", "Méthodes"]
    assert finding.cause_whys == ANALYSIS["cause_whys"][:2]  # blank answers dropped
    assert finding.correction == "Affichette provisoire posée à l'entrée."
    assert finding.corrected_on == datetime.date(2015, 9, 17)
    assert finding.analysed_on == timezone.localdate() and finding.analysed_by == world.users["site_referent"]
    entry = services.finding_history(finding)[0]
    assert entry.reason == "Analyse des causes et correction immédiate"
    changes = {change.label: change.new_display for change in entry.changes}
    assert changes["catégories de causes"] == "Personnel, Méthodes"
    assert changes["correction immédiate"] == "Affichette provisoire posée à l'entrée."


@pytest.mark.parametrize("role", ["agent", "manager", "auditor", "foreign"])
def test_others_may_not_analyse_a_nonconformity(world, cycle, role):
    finding, _ = _nonconformity(world, cycle)
    user = world.foreign_membership.user if role == "foreign" else world.users[role]
    with pytest.raises(PermissionDenied):
        services.finding_analyse(by=user, finding=finding, **ANALYSIS)
    finding.refresh_from_db()
    assert finding.analysed_on is None


def test_the_analysis_follows_the_delivery_of_the_report_and_concerns_nonconformities_only(world, cycle, audit):
    in_progress = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    with pytest.raises(ValidationError, match="L'analyse suit la remise du rapport"):
        services.finding_analyse(by=world.users["quality_manager"], finding=in_progress, **ANALYSIS)
    delivered = factories.AuditFactory(labelling=cycle, delivered=True)
    sensitive = factories.FindingFactory(audit=delivered, site=world.site, sensitive=True)
    with pytest.raises(ValidationError, match="Seules les non-conformités"):
        services.finding_analyse(by=world.users["quality_manager"], finding=sensitive, **ANALYSIS)


def test_a_nonconformity_of_a_closed_audit_is_still_analysed_on_its_page(login, world, cycle):
    """The audit closes after the prefecture's response; its non-conformities stay open until a later audit verifies
    their actions, and that is when they are analysed."""
    finding, _ = _nonconformity(world, cycle)
    Audit.objects.filter(pk=finding.audit_id).update(status=Audit.Status.CLOSED, closed_on=datetime.date(2015, 10, 1))
    finding.refresh_from_db()
    services.finding_analyse(by=world.users["quality_manager"], finding=finding, **ANALYSIS)
    client = login("site_referent")
    url = reverse("finding_analysis", kwargs={"pk": finding.pk})
    assert client.get(url).status_code == 200
    assert (
        reverse("finding_analysis", kwargs={"pk": finding.pk})
        in client.get(reverse("finding_detail", kwargs={"pk": finding.pk})).content.decode()
    )


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"cause_categories": []}, "cause_categories", "Cochez au moins une catégorie de causes."),
        ({"cause_categories": ["weather"]}, "cause_categories", "Catégorie de causes inconnue (weather)"),
        ({"cause_whys": ["a", "b", "c", "d", "e", "f"]}, "cause_whys", "Au plus 5 « pourquoi ? »."),
        ({"cause_whys": [], "cause_analysis": ""}, "cause_analysis", "Répondez aux « pourquoi ? »"),
        ({"corrected_on": None}, "corrected_on", "Indiquez la date de la correction"),
        (
            {"corrected_on": timezone.localdate() + datetime.timedelta(days=1)},
            "corrected_on",
            "La date de la correction ne peut pas être dans le futur.",
        ),
        (
            {"corrected_on": datetime.date(2015, 9, 1)},
            "corrected_on",
            "La date de la correction ne peut pas précéder le début de l'audit (14/09/2015).",
        ),
        ({"correction": ""}, "correction", "Décrivez la correction immédiate."),
    ],
)
def test_the_analysis_is_refused_with_a_message_on_its_field(world, cycle, fields, field, message):
    finding, _ = _nonconformity(world, cycle)
    with pytest.raises(ValidationError) as error:
        services.finding_analyse(by=world.users["quality_manager"], finding=finding, **{**ANALYSIS, **fields})
    assert error.value.message_dict[field][0].startswith(message)
    finding.refresh_from_db()
    assert finding.analysed_on is None and finding.correction == ""


def test_a_correction_may_be_recorded_before_the_analysis_and_a_free_analysis_replaces_the_whys(world, cycle):
    finding, _ = _nonconformity(world, cycle)
    by = world.users["quality_manager"]
    finding = services.finding_analyse(
        by=by, finding=finding, correction="Affichette provisoire.", corrected_on=datetime.date(2015, 9, 18)
    )
    assert finding.analysed_on is None and finding.cause_categories == []
    finding = services.finding_analyse(
        by=by,
        finding=finding,
        cause_categories=["environment"],
        cause_analysis="Travaux dans le hall.",
        correction="Affichette provisoire.",
        corrected_on=datetime.date(2015, 9, 18),
    )
    assert finding.is_analysed and finding.cause_whys == [] and finding.cause_analysis == "Travaux dans le hall."
    with pytest.raises(ValidationError, match="Renseignez l'analyse des causes ou la correction immédiate."):
        services.finding_analyse(by=by, finding=finding)


# --- the effectiveness check at closure -----------------------------------------------------------------------


def test_an_effective_check_lifts_the_nonconformity_as_the_closure_rule_says(world, cycle):
    finding, action = _nonconformity(world, cycle)
    follow_up = _follow_up(cycle)
    finding = _check(world, finding, verified_in=follow_up, note="Vérifié sur place.", evidence=_pdf())
    finding.refresh_from_db()
    assert finding.closed_on == timezone.localdate() and finding.verified_in == follow_up
    assert finding.effective is True and finding.effectiveness_checked_by == world.users["quality_manager"]
    assert finding.effectiveness_evidence_name == "preuve.pdf" and finding.effectiveness_evidence.name.endswith(".pdf")
    action.refresh_from_db()
    assert action.status == "verified" and action.effectiveness == Action.Effectiveness.EFFECTIVE
    assert services.finding_history(finding)[0].reason == "Efficacité vérifiée : non-conformité levée"


def test_an_effective_check_keeps_the_closure_rule(world, cycle):
    finding, _ = _nonconformity(world, cycle, action_status="in_progress")
    with pytest.raises(ValidationError, match="pas encore réalisée"):
        _check(world, finding, checked_on=datetime.date(2016, 1, 5), verified_in=_follow_up(cycle))
    with pytest.raises(ValidationError, match="Indiquez l'audit ultérieur"):
        _check(world, finding, checked_on=datetime.date(2016, 1, 5))
    finding.refresh_from_db()
    assert finding.closed_on is None and finding.effective is None


def test_a_check_that_finds_the_actions_not_effective_keeps_the_nonconformity_open_until_new_actions(world, cycle):
    finding, action = _nonconformity(world, cycle)
    follow_up = _follow_up(cycle)
    finding = _check(world, finding, effective=False, comment="Le panneau a de nouveau disparu.", verified_in=follow_up)
    finding.refresh_from_db()
    assert finding.closed_on is None and finding.effective is False
    action.refresh_from_db()
    assert action.status == "verified" and action.effectiveness == Action.Effectiveness.NOT_EFFECTIVE
    check = services.closure_check(finding)
    assert not check.can_close and check.ineffective == [action]
    assert check.missing[0] == (
        "Les actions n'ont pas été jugées efficaces le 15/11/2016 : créez de nouvelles actions correctives."
    )
    with pytest.raises(ValidationError, match="créez de nouvelles actions"):
        services.finding_close(by=world.users["quality_manager"], finding=finding, verified_in=follow_up)

    # a new action, done, verified by a later audit: the non-conformity is lifted
    new = services.finding_create_action(by=world.users["quality_manager"], finding=finding, title="Fixer le panneau")
    new.status, new.progress, new.completed_on = "done", 100, datetime.date(2017, 2, 1)
    new.save()
    renewal = _follow_up(cycle, start_on=datetime.date(2017, 11, 13))
    finding = _check(world, finding, checked_on=datetime.date(2017, 11, 14), verified_in=renewal)
    assert finding.closed_on is not None and finding.effective is True


def test_a_lifted_nonconformity_found_not_effective_is_reopened(world, cycle):
    finding, _ = _nonconformity(world, cycle)
    follow_up = _follow_up(cycle)
    finding = services.finding_close(by=world.users["quality_manager"], finding=finding, verified_in=follow_up)
    finding = _check(world, finding, effective=False, comment="Le panneau a disparu.", checked_on=timezone.localdate())
    finding.refresh_from_db()
    assert finding.closed_on is None and finding.verified_in is None and finding.closed_by is None
    assert services.finding_history(finding)[0].reason == "Actions inefficaces : non-conformité rouverte"
    assert "créez de nouvelles actions" in services.closure_check(finding).missing[0]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"checked_on": None}, "checked_on", "Indiquez la date de la vérification"),
        (
            {"checked_on": timezone.localdate() + datetime.timedelta(days=1)},
            "checked_on",
            "La date de la vérification ne peut pas être dans le futur.",
        ),
        (
            {"checked_on": datetime.date(2015, 9, 1)},
            "checked_on",
            "La date de la vérification ne peut pas précéder l'audit qui a relevé la non-conformité (18/09/2015).",
        ),
        (
            {"checked_on": datetime.date(2015, 11, 1)},
            "checked_on",
            "La date de la vérification ne peut pas précéder la réalisation des actions (01/12/2015).",
        ),
        ({"evidence_text": ""}, "evidence_text", "Joignez un document de preuve ou décrivez les éléments de preuve."),
        ({"evidence": SimpleUploadedFile("preuve.exe", b"MZ")}, "evidence", "Type de fichier non accepté"),
        ({"evidence": SimpleUploadedFile("preuve.pdf", b"not a pdf")}, "evidence", "Le contenu du fichier"),
        ({"effective": False}, "comment", "Expliquez en quoi les actions ne sont pas efficaces."),
        ({"effective": None}, "effective", "Indiquez si les actions correctives sont efficaces."),
    ],
)
def test_the_check_is_refused_with_a_message_on_its_field(world, cycle, fields, field, message):
    finding, _ = _nonconformity(world, cycle)
    with pytest.raises(ValidationError) as error:
        _check(world, finding, verified_in=_follow_up(cycle), **fields)
    assert error.value.message_dict[field][0].startswith(message)
    finding.refresh_from_db()
    assert finding.effective is None and finding.closed_on is None and not finding.effectiveness_evidence


def test_only_the_quality_manager_checks_the_effectiveness_and_only_of_done_actions(world, cycle):
    finding, _ = _nonconformity(world, cycle, action_status="in_progress")
    with pytest.raises(PermissionDenied):
        services.finding_check_effectiveness(
            by=world.users["site_referent"],
            finding=finding,
            effective=False,
            checked_on=datetime.date(2016, 1, 5),
            evidence_text="Vu.",
            comment="Non.",
        )
    with pytest.raises(ValidationError, match="l'efficacité se vérifie une fois les actions réalisées"):
        _check(world, finding, effective=False, comment="Non.", checked_on=datetime.date(2016, 1, 5))


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_finding_page_shows_the_analysis_the_correction_and_the_check(login, world, cycle):
    finding, _ = _nonconformity(world, cycle)
    url = reverse("finding_detail", kwargs={"pk": finding.pk})
    html = login("site_referent").get(url).content.decode()
    assert "Analyse des causes" in html and "Correction immédiate" in html
    assert reverse("finding_analysis", kwargs={"pk": finding.pk}) in html
    assert reverse("finding_analysis", kwargs={"pk": finding.pk}) not in login("agent").get(url).content.decode()

    services.finding_analyse(by=world.users["quality_manager"], finding=finding, **ANALYSIS)
    _check(world, finding, effective=False, comment="Le panneau a disparu.", evidence=_pdf("constat.pdf"))
    html = login("agent").get(url).content.decode()
    assert "Personnel, Méthodes" in html
    assert "Pourquoi ? Personne n’était chargé de la signalétique pendant les travaux." in html
    assert "Affichette provisoire posée à l’entrée." in html and "Corrigé le 17/09/2015" in html
    assert "Non efficace" in html and "Vérifiée le 15/11/2016" in html
    assert reverse("finding_effectiveness_evidence", kwargs={"pk": finding.pk}) in html
    assert "Les actions n’ont pas été jugées efficaces le 15/11/2016" in html
    assert "1 autre(s) écartée(s) : jugée(s) inefficace(s)" in html
    response = login("agent").get(reverse("finding_effectiveness_evidence", kwargs={"pk": finding.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 preuve"


def test_the_analysis_page_saves_and_shows_errors_next_to_the_fields(login, world, cycle):
    finding, _ = _nonconformity(world, cycle)
    client = login("site_referent")
    url = reverse("finding_analysis", kwargs={"pk": finding.pk})
    html = client.get(url).content.decode()
    assert 'type="checkbox" name="cause_categories" value="personnel"' in html
    assert "Pourquoi ? (1)" in html and "Pourquoi ? (5)" in html

    response = client.post(url, {"why_1": "Panneau retiré.", "correction": "Affichette."})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_cause_categories-desc-error"' in html or "cause_categories-desc-error" in html
    assert "Cochez au moins une catégorie de causes." in html
    assert "Indiquez la date de la correction" in html

    response = client.post(
        url,
        {
            "cause_categories": ["equipment", "communication"],
            "why_1": "Panneau retiré pendant les travaux.",
            "why_2": "Aucune consigne de remise en place.",
            "correction": "Affichette provisoire.",
            "corrected_on": "2015-09-18",
        },
    )
    assert response.status_code == 302 and response.url.endswith("#analyse")
    finding.refresh_from_db()
    assert finding.cause_categories == ["equipment", "communication"] and len(finding.cause_whys) == 2


def test_the_closure_page_records_a_not_effective_check_and_asks_for_new_actions(login, world, cycle):
    finding, action = _nonconformity(world, cycle)
    _follow_up(cycle)
    client = login("quality_manager")
    url = reverse("finding_close", kwargs={"pk": finding.pk})
    html = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in html and "Les actions correctives sont-elles efficaces ?" in html

    response = client.post(url, {"effective": "non", "checked_on": "2016-11-15", "evidence_text": "Vu."})
    assert response.status_code == 200
    assert "Expliquez en quoi les actions ne sont pas efficaces." in response.content.decode()

    response = client.post(
        url,
        {
            "effective": "non",
            "checked_on": "2016-11-15",
            "evidence": _pdf(),
            "comment": "Le panneau a disparu.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#actions")
    assert "la non-conformité reste ouverte. Créez de nouvelles actions correctives." in html
    assert reverse("finding_action_create", kwargs={"pk": finding.pk}) in html
    finding.refresh_from_db()
    assert finding.effective is False and finding.closed_on is None and finding.effectiveness_evidence


def test_the_closure_page_lifts_the_nonconformity_when_effective(login, world, cycle):
    finding, _ = _nonconformity(world, cycle)
    follow_up = _follow_up(cycle)
    response = login("quality_manager").post(
        reverse("finding_close", kwargs={"pk": finding.pk}),
        {"effective": "oui", "checked_on": "2016-11-15", "evidence_text": "Vu.", "verified_in": follow_up.pk},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.closed_on is not None and finding.verified_in == follow_up and finding.effective is True


def test_the_finding_page_costs_the_same_analysed_and_checked_or_not(login, world, cycle):
    client = login("quality_manager")
    fresh, _ = _nonconformity(world, cycle)
    checked, _ = _nonconformity(world, cycle)
    services.finding_analyse(by=world.users["site_referent"], finding=checked, **ANALYSIS)
    _check(world, checked, effective=False, comment="Non.")
    for finding in (fresh, checked):  # warm the caches
        client.get(reverse("finding_detail", kwargs={"pk": finding.pk}))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("finding_detail", kwargs={"pk": fresh.pk}))
    with CaptureQueriesContext(connection) as other:
        html = client.get(reverse("finding_detail", kwargs={"pk": checked.pk})).content.decode()
    assert "Non efficace" in html
    # the checked one shows no closure form (its actions were set aside): one query fewer, none more
    assert len(other.captured_queries) <= len(one.captured_queries)


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_reads_and_writes_the_analysis_and_the_check(as_role, world, cycle):
    finding, _ = _nonconformity(world, cycle)
    follow_up = _follow_up(cycle)
    client = as_role("site_referent")
    detail = reverse("api:finding-detail", kwargs={"pk": finding.pk})
    body = client.get(detail).json()
    assert body["cause_categories"] == [] and body["effective"] is None and body["effectiveness_evidence"] is None
    assert body["abilities"]["analyse"] is True and body["abilities"]["check_effectiveness"] is False

    response = client.post(
        reverse("api:finding-analysis", kwargs={"pk": finding.pk}),
        {"cause_categories": ["weather"], "cause_whys": ["Panneau retiré."]},
        format="json",
    )
    assert response.status_code == 400 and "Catégorie de causes inconnue" in response.json()["cause_categories"][0]
    response = client.post(
        reverse("api:finding-analysis", kwargs={"pk": finding.pk}),
        {
            "cause_categories": ["methods"],
            "cause_whys": ["Panneau retiré.", "Aucune consigne."],
            "correction": "Affichette.",
            "corrected_on": "2015-09-18",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["cause_categories"] == ["methods"] and body["cause_whys"] == ["Panneau retiré.", "Aucune consigne."]
    assert body["corrected_on"] == "2015-09-18" and body["analysed_by"] == world.users["site_referent"].pk

    effectiveness = reverse("api:finding-effectiveness", kwargs={"pk": finding.pk})
    assert client.post(effectiveness, {}, format="json").status_code == 403
    client = as_role("quality_manager")
    response = client.post(
        effectiveness,
        {"effective": "false", "checked_on": "2016-11-15", "evidence": _pdf(), "comment": "Le panneau a disparu."},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["effective"] is False and body["closed_on"] is None
    assert body["effectiveness_evidence"].endswith(reverse("finding_effectiveness_evidence", kwargs={"pk": finding.pk}))
    response = client.post(
        effectiveness,
        {"effective": True, "checked_on": "2016-11-15", "evidence_text": "Vu.", "verified_in": follow_up.pk},
        format="json",
    )
    assert response.status_code == 400 and "créez de nouvelles actions" in response.json()["verified_in"][0]


def test_the_api_close_records_the_effectiveness_check_it_implies(as_role, world, cycle):
    """``findings/{id}/close/`` came before the check: lifting through it records the check as effective, today, by
    the caller, the verifying audit as evidence when no note is given — no non-conformity is lifted unchecked."""
    finding, _ = _nonconformity(world, cycle)
    follow_up = _follow_up(cycle)
    close = reverse("api:finding-close", kwargs={"pk": finding.pk})
    client = as_role("quality_manager")
    response = client.post(close, {}, format="json")
    assert response.status_code == 400 and "obligatoire" in response.json()["verified_in"][0]
    response = client.post(close, {"verified_in": follow_up.pk}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["closed_on"] == body["effectiveness_checked_on"] == timezone.localdate().isoformat()
    assert body["effective"] is True and body["effectiveness_checked_by"] == world.users["quality_manager"].pk
    assert body["effectiveness_evidence_text"] == f"Vérifiée lors de l'audit : {follow_up}"
    response = client.post(close, {"verified_in": follow_up.pk}, format="json")
    assert response.status_code == 400 and "déjà levée" in str(response.json())
