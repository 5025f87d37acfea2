"""The assessment grid: cells written one at a time (autosave), their evidence, the pre-fill from the previous
audit, the progress, and the mystery visits that feed it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Assessment
from audits.services import grid as services
from engagements.models import Engagement
from tests import factories

pytestmark = pytest.mark.django_db


def _engagement(audit, code="QP2-M1-E09"):
    return Engagement.objects.get(referential=audit.labelling.referential, code=code)


def test_the_grid_is_every_engagement_in_scope_on_every_audited_site(audit, world):
    grid = services.build_grid(audit)
    engagements = Engagement.objects.filter(module__in=audit.modules.all()).count()
    assert grid.total == engagements * 2 == grid.engagement_count * 2
    assert [site.name for site in grid.sites] == ["Sous-préfecture d'Arles", "Sous-préfecture d'Istres"]
    assert grid.assessed == 0 and grid.percent == 0


def test_an_auditor_records_a_cell_and_the_progress_follows(audit, world):
    auditor = world.users["auditor"]
    engagement = _engagement(audit)
    cell = services.assessment_record(
        by=auditor,
        audit=audit,
        engagement=engagement,
        site=world.site,
        result="minor_nonconformity",
        comment="3 appels perdus sur 10",
    )
    assert cell.result == "minor_nonconformity" and cell.assessed_by == auditor
    assessed, total, percent = services.grid_progress(audit)
    assert assessed == 1 and percent == round(100 / total)
    # Only what is given changes: the comment stays when the result changes.
    services.assessment_record(by=auditor, audit=audit, engagement=engagement, site=world.site, result="compliant")
    cell.refresh_from_db()
    assert cell.result == "compliant" and cell.comment == "3 appels perdus sur 10"
    assert cell.history.count() == 2


def test_a_cell_outside_the_scope_is_refused(audit, world):
    foreign_engagement = Engagement.objects.filter(referential=audit.labelling.referential, module__number=2).first()
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            by=world.users["quality_manager"],
            audit=audit,
            engagement=foreign_engagement,
            site=world.foreign_site,
            result="compliant",
        )
    assert error.value.message_dict == {
        "site": ["Ce site n'est pas dans le périmètre de l'audit."],
        "engagement": ["Cet engagement ne relève pas des modules audités."],
    }
    assert not Assessment.objects.exists()


def test_an_auditor_cannot_write_after_the_access_window(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]], window_closed=True)
    with pytest.raises(PermissionDenied, match="fenêtre d'accès des auditeurs va du 30/08/2015 au 18/10/2015"):
        services.assessment_record(
            by=world.users["auditor"], audit=audit, engagement=_engagement(audit), site=world.site, result="compliant"
        )
    assert not Assessment.objects.exists()


def test_the_grid_does_not_change_once_the_report_is_delivered(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    with pytest.raises(ValidationError, match="ne se modifient plus une fois le rapport remis"):
        services.assessment_record(
            by=world.users["quality_manager"], audit=audit, engagement=_engagement(audit), site=world.site
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("preuve.exe", b"MZ\x90\x00", "Type de fichier non accepté (« .exe »)"),
        ("preuve.pdf", b"MZ\x90\x00 not a pdf", "Le contenu du fichier ne correspond pas à un document PDF."),
        (
            "preuve.pdf",
            b"%PDF-1.4" + b"0" * (10 * 1024 * 1024),
            "Le fichier pèse 10,0 Mo : la taille maximale est de 10 Mo.",
        ),
    ],
)
def test_evidence_too_large_or_of_a_forbidden_type_is_refused_and_nothing_is_saved(
    audit, world, name, content, message
):
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            by=world.users["auditor"],
            audit=audit,
            engagement=_engagement(audit),
            site=world.site,
            result="compliant",
            evidence=SimpleUploadedFile(name, content),
        )
    assert message in error.value.message_dict["evidence"][0]
    assert not Assessment.objects.exists()


def test_evidence_is_stored_under_a_random_name_and_served_to_readers_only(login, audit, world):
    cell = services.assessment_record(
        by=world.users["auditor"],
        audit=audit,
        engagement=_engagement(audit),
        site=world.site,
        result="compliant",
        evidence=SimpleUploadedFile("tableau de suivi.pdf", b"%PDF-1.4 tableau"),
    )
    assert cell.evidence_name == "tableau de suivi.pdf" and "tableau" not in cell.evidence.name
    url = reverse("assessment_evidence", kwargs={"pk": audit.pk, "cell_pk": cell.pk})
    response = login("manager").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 tableau"


def test_the_prefill_copies_the_previous_audit_into_cells_not_assessed_only(world, cycle):
    internal = factories.AuditFactory(labelling=cycle, internal=True)
    audit = factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]])
    e1, e2 = _engagement(audit, "QP2-M1-E01"), _engagement(audit, "QP2-M1-E02")
    factories.AssessmentFactory(
        audit=internal, engagement=e1, site=world.site, result="major_nonconformity", comment="Pas d'horaires"
    )
    factories.AssessmentFactory(audit=internal, engagement=e2, site=world.site, result="minor_nonconformity")
    factories.AssessmentFactory(audit=audit, engagement=e2, site=world.site, result="compliant")  # entered already
    count = services.grid_prefill(by=world.users["auditor"], audit=audit)
    assert count == 1
    copied = Assessment.objects.get(audit=audit, engagement=e1, site=world.site)
    assert copied.result == "major_nonconformity" and copied.origin == "prefilled"
    assert "Pas d'horaires" in copied.comment and "Repris de l'audit interne du 15/06/2015" in copied.comment
    assert Assessment.objects.get(audit=audit, engagement=e2).result == "compliant"
    assert services.grid_prefill(by=world.users["auditor"], audit=audit) == 0


def test_the_prefill_needs_a_previous_audit_of_the_same_cycle(audit, world):
    with pytest.raises(ValidationError, match="Aucun audit précédent"):
        services.grid_prefill(by=world.users["quality_manager"], audit=audit)


def test_the_grid_page_autosaves_a_cell_with_htmx_and_returns_it_with_the_progress(login, audit, world):
    client = login("auditor")
    engagement = _engagement(audit)
    html = client.get(reverse("audit_grid", kwargs={"pk": audit.pk})).content.decode()
    assert f'id="result-{engagement.pk}-{world.site.pk}"' in html
    assert "1 · Conforme" in html and "Reprendre les résultats" not in html  # no earlier audit in the cycle
    response = client.post(
        reverse("audit_grid_cell", kwargs={"pk": audit.pk}),
        {"engagement": engagement.pk, "site": world.site.pk, "result": "compliant", "comment": "RAS"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<td") or "<td id=" in body
    assert 'id="grid-progress"' in body and 'hx-swap-oob="true"' in body
    assert "<strong>1</strong> évaluation sur" in body
    assert Assessment.objects.get().comment == "RAS"


def test_a_refused_cell_comes_back_as_422_with_its_french_message(login, audit, world):
    response = login("auditor").post(
        reverse("audit_grid_cell", kwargs={"pk": audit.pk}),
        {
            "engagement": _engagement(audit).pk,
            "site": world.site.pk,
            "result": "compliant",
            "evidence": SimpleUploadedFile("virus.exe", b"MZ"),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Type de fichier non accepté" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_grid_page_issues_the_same_queries_for_an_empty_grid_and_a_full_one(login, audit, world):
    client = login("quality_manager")
    url = reverse("audit_grid", kwargs={"pk": audit.pk})
    client.get(url)  # warm: what the process keeps (the DSFR configuration)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    for engagement in Engagement.objects.filter(module__in=audit.modules.all()):
        for site in (world.site, world.sister_site):
            factories.AssessmentFactory(audit=audit, engagement=engagement, site=site)
    with CaptureQueriesContext(connection) as full:
        html = client.get(url).content.decode()
    assert "(100&nbsp;%)" in html
    assert len(empty) == len(full)


# --- mystery visits --------------------------------------------------------------------------------


def test_mystery_calls_feed_the_grid_by_share_of_points(audit, world):
    auditor = world.users["auditor"]
    pickup = _engagement(audit, "QP2-M1-E09")  # standard en moins de 5 sonneries
    courtesy = _engagement(audit, "QP2-M1-E04")
    for day, score in ((1, 1), (2, 0), (3, 1)):
        services.mystery_visit_save(
            by=auditor,
            audit=audit,
            channel="call",
            site=world.site,
            happened_on=datetime.date(2015, 9, day),
            scenario="Appel au standard pour une carte grise",
            criteria=[
                {"label": "Décroché en moins de 5 sonneries", "engagement": pickup, "score": score, "max_score": 1},
                {"label": "Accueil courtois", "engagement": courtesy, "score": 2, "max_score": 2},
            ],
        )
    assert services.mystery_feed_grid(by=auditor, audit=audit) == 2
    assert Assessment.objects.get(engagement=pickup).result == "minor_nonconformity"  # 2/3 = 67 %
    fed = Assessment.objects.get(engagement=courtesy)
    assert fed.result == "compliant" and fed.origin == "mystery"
    assert fed.comment == "Enquête mystère : 6/6 points (100 %) sur 3 visites ou appels."


def test_a_mystery_visit_needs_scored_criteria_within_the_scope(audit, world):
    with pytest.raises(ValidationError) as error:
        services.mystery_visit_save(
            by=world.users["auditor"],
            audit=audit,
            site=world.foreign_site,
            happened_on=datetime.date(2015, 9, 1),
            scenario="",
            criteria=[{"label": "Courtoisie", "score": 3, "max_score": 2}],
        )
    errors = error.value.message_dict
    assert errors["site"] == ["Ce site n'est pas dans le périmètre de l'audit."]
    assert "scenario" in errors
    assert errors["criteria"] == ["Critère 1 (« Courtoisie ») : la note va de 0 à la note maximale (2)."]


# --- quality documents as evidence -----------------------------------------------------------------


def test_the_grid_and_the_report_show_the_documents_serving_an_engagement_in_one_query(login, audit, world):
    from engagements.services import documents

    qm = world.users["quality_manager"]
    engagement = _engagement(audit, "QP2-M1-E09")
    own = factories.QualityDocumentFactory(prefecture=world.prefecture, reference="PROC-TEL", owner=qm)
    national = factories.QualityDocumentFactory(prefecture=None, reference="GUIDE-QP2", owner=world.users["national"])
    foreign = factories.QualityDocumentFactory(prefecture=world.foreign_prefecture, reference="CRETEIL-TEL")
    for document in (own, national, foreign):
        document.engagements.set([engagement])
    version = factories.DocumentVersionFactory(document=own, number="1.0")
    documents.version_submit(by=qm, version=version)
    documents.version_approve(by=qm, version=version)
    client = login("auditor")  # assigned to the audit: reads the audited prefecture's documents
    url = reverse("audit_grid", kwargs={"pk": audit.pk})
    client.get(url)  # warm: what the process keeps (the DSFR configuration)
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    other = _engagement(audit, "QP2-M1-E04")
    other.quality_documents.add(own, national)
    with CaptureQueriesContext(connection) as two:
        client.get(url)

    row = {e.code: e for module in services.build_grid(audit).modules for e, _ in module.rows}[engagement.code]
    assert [d.reference for d in row.evidence_documents] == ["GUIDE-QP2", "PROC-TEL"]
    assert "PROC-TEL</a> (v1.0)" in html and "CRETEIL-TEL" not in html
    assert len(one) == len(two)
    assert client.get(reverse("document_detail", kwargs={"pk": own.pk})).status_code == 200
    assert client.get(reverse("document_detail", kwargs={"pk": foreign.pk})).status_code == 404
