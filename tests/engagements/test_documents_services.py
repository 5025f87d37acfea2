"""The register of quality documents: who writes what, the life cycle of versions, one approved version at a time,
the files accepted, the review date."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagements.models import DocumentVersion, QualityDocument
from engagements.models.documents import ReviewStatus
from engagements.services import documents as services
from engagements.services.labellings import add_months
from tests import factories

pytestmark = pytest.mark.django_db
Status = DocumentVersion.Status


def pdf_file(name="guide-accueil.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def docx_file(name="procedure.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def _approved(document, by, number="1.0", **kwargs):
    kwargs.setdefault("url", f"https://intranet.pref13.gouv.fr/qualite/{document.reference}-{number}.pdf")
    version = services.version_add(by=by, document=document, number=number, dated=datetime.date(2015, 3, 2), **kwargs)
    services.version_submit(by=by, version=version)
    return services.version_approve(by=by, version=version)


# --- documents --------------------------------------------------------------------------------------


def test_the_quality_manager_adds_a_document_with_its_sites_and_engagements(world, qm):
    engagement = factories.labelling_referential("QP2").engagements.order_by("pk").first()

    document = services.document_create(
        by=qm,
        prefecture=world.prefecture,
        reference=" PROC-01 ",
        title="Procédure d'accueil téléphonique",
        kind="procedure",
        owner=qm,
        sites=[world.site, world.sister_site],
        engagements=[engagement],
        intranet_url="https://intranet.pref13.gouv.fr/qualite/procedures",
    )

    assert document.reference == "PROC-01"
    assert set(document.sites.all()) == {world.site, world.sister_site}
    assert list(document.engagements.all()) == [engagement]
    assert document.review_months == 12 and document.review_status() == ReviewStatus.NO_VERSION
    assert document.history.count() == 1


@pytest.mark.parametrize("role", ["site_referent", "agent", "manager", "auditor", "national"])
def test_only_the_quality_manager_or_a_national_admin_adds_a_prefecture_document(world, role):
    user = world.users[role]
    call = lambda: services.document_create(  # noqa: E731
        by=user,
        prefecture=world.prefecture,
        reference="X-1",
        title="Charte",
        kind="charter",
        owner=world.users["quality_manager"],
    )
    if role == "national":
        assert call().prefecture == world.prefecture
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_a_national_document_is_written_by_national_administrators_only(world, qm):
    with pytest.raises(PermissionDenied, match="administrateurs nationaux"):
        services.document_create(by=qm, prefecture=None, reference="G-1", title="Guide", kind="charter", owner=qm)

    national = world.users["national"]
    document = services.document_create(
        by=national,
        prefecture=None,
        reference="GUIDE-QP2",
        title="Guide Qualipref 2.0",
        kind="referential_guide",
        owner=national,
    )
    assert document.is_national


def test_sites_and_owner_of_another_prefecture_are_refused_in_french(world, qm):
    foreign_person = world.foreign_membership.user
    with pytest.raises(ValidationError) as refused:
        services.document_create(
            by=qm,
            prefecture=world.prefecture,
            reference="PROC-02",
            title="Procédure",
            kind="procedure",
            owner=foreign_person,
            sites=[world.foreign_site],
        )
    errors = refused.value.message_dict
    assert errors["sites"] == ["Choisissez des sites de la préfecture du document."]
    assert "n'est pas habilité(e) sur cette préfecture" in errors["owner"][0]


def test_a_reference_is_unique_in_the_prefecture_but_not_across_prefectures(world, qm, guide):
    with pytest.raises(ValidationError, match="déjà utilisée"):
        services.document_create(
            by=qm, prefecture=world.prefecture, reference="guide-acc-arles", title="Autre", kind="other", owner=qm
        )
    other = factories.QualityDocumentFactory(prefecture=world.foreign_prefecture, reference="GUIDE-ACC-ARLES")
    assert other.pk


def test_bad_review_period_and_blank_fields_are_refused(world, qm):
    with pytest.raises(ValidationError) as refused:
        services.document_create(
            by=qm, prefecture=world.prefecture, reference=" ", title="", kind="memo", owner=qm, review_months=0
        )
    assert set(refused.value.message_dict) == {"reference", "title", "kind", "review_months"}


def test_a_new_review_period_moves_the_review_date(world, qm, guide):
    version = _approved(guide, qm)
    guide.refresh_from_db()
    approved_on = version.approved_on

    services.document_update(by=qm, document=guide, review_months=24)

    guide.refresh_from_db()
    assert guide.review_due_on == add_months(approved_on, 24)


# --- versions ---------------------------------------------------------------------------------------


def test_a_version_goes_from_draft_to_review_to_approved_with_who_and_when(world, qm, guide):
    referent = world.users["site_referent"]
    version = services.version_add(
        by=referent, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), file=pdf_file()
    )
    assert version.status == Status.DRAFT and version.author == referent
    assert version.file_name == "guide-accueil.pdf" and version.content_type == "application/pdf"
    assert version.file.name.startswith("documents/") and "guide" not in version.file.name

    services.version_submit(by=referent, version=version)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW and version.submitted_by == referent

    services.version_approve(by=qm, version=version)

    version.refresh_from_db()
    guide.refresh_from_db()
    assert version.status == Status.APPROVED and version.approved_by == qm and version.approved_at
    assert guide.current_version == version
    assert guide.review_due_on == add_months(timezone.localdate(), 12)
    assert guide.review_status() == ReviewStatus.UP_TO_DATE


def test_approving_a_new_version_supersedes_the_previous_one_which_stays_readable(world, qm, guide):
    first = _approved(guide, qm, "1.0")
    second = _approved(guide, qm, "2.0")

    first.refresh_from_db()
    guide.refresh_from_db()
    assert first.status == Status.SUPERSEDED and first.approved_by == qm
    assert guide.current_version == second
    assert DocumentVersion.objects.filter(document=guide, status=Status.APPROVED).count() == 1
    assert first.history.first().status == Status.SUPERSEDED


def test_the_database_holds_one_approved_version_per_document(world, qm, guide):
    _approved(guide, qm)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.create(
            document=guide,
            number="9.9",
            dated=datetime.date(2015, 1, 1),
            url="https://exemple.fr/a",
            status=Status.APPROVED,
            approved_at=timezone.now(),
        )


@pytest.mark.parametrize("role", ["site_referent", "agent", "manager"])
def test_an_approval_by_someone_who_may_not_approve_is_refused(world, qm, guide, role):
    version = services.version_add(
        by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), url="https://a.fr/g"
    )
    services.version_submit(by=qm, version=version)

    with pytest.raises(PermissionDenied, match="responsable qualité"):
        services.version_approve(by=world.users[role], version=version)

    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


def test_a_draft_is_not_approved_before_its_review(world, qm, guide):
    version = services.version_add(
        by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), url="https://a.fr/g"
    )
    with pytest.raises(ValidationError, match="soumettez-la d'abord en relecture"):
        services.version_approve(by=qm, version=version)


def test_the_quality_manager_of_another_prefecture_may_not_approve(world, guide, qm):
    version = services.version_add(
        by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), url="https://a.fr/g"
    )
    services.version_submit(by=qm, version=version)
    with pytest.raises(PermissionDenied):
        services.version_approve(by=world.foreign_membership.user, version=version)


def test_a_national_admin_may_approve_a_prefecture_document(world, qm, guide):
    version = services.version_add(
        by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), url="https://a.fr/g"
    )
    services.version_submit(by=qm, version=version)
    services.version_approve(by=world.users["national"], version=version)
    version.refresh_from_db()
    assert version.approved_by == world.users["national"]


def test_a_referent_writes_versions_of_their_sites_documents_only(world, qm, guide):
    referent = world.users["site_referent"]
    sister = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=qm)
    sister.sites.set([world.sister_site])
    prefecture_wide = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=qm)

    assert services.version_add(
        by=referent, document=guide, number="1.0", dated=datetime.date(2015, 1, 5), url="https://a.fr/x"
    )
    for document in (sister, prefecture_wide):
        with pytest.raises(PermissionDenied):
            services.version_add(
                by=referent, document=document, number="1.0", dated=datetime.date(2015, 1, 5), url="https://a.fr/x"
            )
    with pytest.raises(PermissionDenied):
        services.version_add(
            by=world.users["agent"], document=guide, number="2.0", dated=datetime.date(2015, 1, 5), url="https://a.fr/x"
        )


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n0000"),
            "Type de fichier non accepté (« .png ») : formats acceptés PDF, ODT, DOCX ou XLSX",
        ),
        (
            SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 programme"),
            "Le contenu du fichier ne correspond pas à un document PDF.",
        ),
        (SimpleUploadedFile("vide.pdf", b""), "Le fichier est vide."),
        (SimpleUploadedFile("script.exe", b"MZ"), "Type de fichier non accepté (« .exe »)"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_in_french(world, qm, guide, upload, message):
    with pytest.raises(ValidationError) as refused:
        services.version_add(by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), file=upload)
    assert message in refused.value.message_dict["file"][0]
    assert not guide.versions.exists()


def test_odt_docx_and_xlsx_are_accepted(world, qm, guide):
    version = services.version_add(
        by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), file=docx_file()
    )
    assert version.content_type.endswith("wordprocessingml.document")


def test_a_version_needs_a_file_or_a_link_not_both_nor_neither(world, qm, guide):
    with pytest.raises(ValidationError) as neither:
        services.version_add(by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2))
    assert neither.value.message_dict["file"] == [
        "Joignez le fichier de la version ou indiquez le lien où elle se trouve."
    ]
    with pytest.raises(ValidationError) as both:
        services.version_add(
            by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), file=pdf_file(), url="https://a.fr/g"
        )
    assert "pas les deux" in both.value.message_dict["url"][0]


def test_a_version_number_is_unique_per_document_and_its_date_not_in_the_future(world, qm, guide):
    services.version_add(by=qm, document=guide, number="1.0", dated=datetime.date(2015, 3, 2), url="https://a.fr/g")
    with pytest.raises(ValidationError) as refused:
        services.version_add(
            by=qm,
            document=guide,
            number="1.0",
            dated=timezone.localdate() + datetime.timedelta(days=3),
            url="https://a.fr/g",
        )
    assert "existe déjà" in refused.value.message_dict["number"][0]
    assert refused.value.message_dict["dated"] == ["La date du document ne peut pas être dans le futur."]


def test_archiving_the_approved_version_leaves_the_document_without_version_in_force(world, qm, guide):
    version = _approved(guide, qm)
    services.version_archive(by=qm, version=version)
    guide.refresh_from_db()
    version.refresh_from_db()
    assert version.status == Status.ARCHIVED and version.archived_by == qm
    assert guide.current_version is None and guide.review_due_on is None
    with pytest.raises(PermissionDenied):
        services.version_archive(
            by=world.users["site_referent"], version=factories.DocumentVersionFactory(document=guide, number="9.0")
        )


def test_the_review_status_says_due_then_late(world, qm, guide):
    _approved(guide, qm)
    guide.refresh_from_db()
    due = guide.review_due_on
    assert guide.review_status(due - datetime.timedelta(days=61)) == ReviewStatus.UP_TO_DATE
    assert guide.review_status(due - datetime.timedelta(days=10)) == ReviewStatus.DUE
    assert guide.review_status(due + datetime.timedelta(days=1)) == ReviewStatus.LATE
    assert list(QualityDocument.objects.due_for_review(due - datetime.timedelta(days=10))) == [guide]
    assert not QualityDocument.objects.due_for_review(due - datetime.timedelta(days=61)).exists()


def test_documents_by_engagement_reads_own_and_national_documents_in_one_query(world, qm, django_assert_num_queries):
    engagements = list(factories.labelling_referential("QP2").engagements.order_by("pk")[:2])
    own = factories.QualityDocumentFactory(prefecture=world.prefecture, owner=qm)
    national = factories.QualityDocumentFactory(prefecture=None, owner=qm, reference="GUIDE")
    foreign = factories.QualityDocumentFactory(prefecture=world.foreign_prefecture, owner=qm)
    for document in (own, national, foreign):
        document.engagements.set(engagements)

    with django_assert_num_queries(1):
        found = services.documents_by_engagement(
            prefecture_id=world.prefecture.pk, engagement_ids=[e.pk for e in engagements]
        )
        titles = {pk: [d.reference for d in docs] for pk, docs in found.items()}

    assert titles == {e.pk: sorted([own.reference, national.reference]) for e in engagements}
