"""The register of quality documents and the life cycle of their versions.

Every write is keyword-only, atomic and checks its actor (``accounts.access``: who reads, describes, writes
versions, approves). A version is a file (PDF, ODT, DOCX or XLSX, checked by qualipref.lib.uploads on its content)
or a link; it goes draft → in review (« Soumettre en relecture ») → approved (by the prefecture's quality manager
or a national administrator: who and when are kept) → superseded when a newer one is approved, or archived. One
version at most is approved (the database's partial unique index ``document_single_approved_version``):
``version_approve`` supersedes the previous one in the same transaction, and writes the document's
``current_version`` and ``review_due_on`` (approval date + review period), which nothing else writes.
"""

import uuid
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Membership, Role
from engagements.models import DocumentVersion, QualityDocument
from engagements.services.labellings import add_months
from qualipref.lib import uploads
from qualipref.lib.history import FieldHistory

Status = DocumentVersion.Status
# The formats of a document's version (no images: a procedure is a text, a table or a PDF).
FILE_KINDS = ("pdf", "odt", "docx", "xlsx")
FILE_ACCEPT = uploads.accept_of(FILE_KINDS)
FILE_HELP = uploads.help_of(FILE_KINDS)
DOCUMENT_FIELDS = (
    "reference",
    "title",
    "kind",
    "owner",
    "sites",
    "engagements",
    "intranet_url",
    "review_months",
)
MAX_REVIEW_MONTHS = 120


# --- who may own a document -----------------------------------------------------------------------


def owner_candidates(prefecture):
    """Who may own a document of ``prefecture`` (None: a national one): the active people of the prefecture (its
    quality manager and managers, the referents and agents of its sites); national administrators for a national
    document."""
    memberships = Membership.objects.active()
    if prefecture is None:
        memberships = memberships.filter(role=Role.NATIONAL_ADMIN)
    else:
        memberships = memberships.filter(
            Q(role__in=PREFECTURE_ROLES, prefecture=prefecture) | Q(role__in=SITE_ROLES, site__prefecture=prefecture)
        )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


# --- documents ------------------------------------------------------------------------------------


def _validate_document(*, prefecture, values, document=None):
    errors = {}
    reference = (values.get("reference") or "").strip()
    if not reference:
        errors["reference"] = "Indiquez la référence du document (par exemple PROC-ACC-01)."
    else:
        taken = QualityDocument.objects.filter(prefecture=prefecture, reference__iexact=reference)
        if document is not None:
            taken = taken.exclude(pk=document.pk)
        if taken.exists():
            where = "de la préfecture" if prefecture is not None else "national"
            errors["reference"] = f"La référence « {reference} » est déjà utilisée par un autre document {where}."
    if not (values.get("title") or "").strip():
        errors["title"] = "Indiquez l'intitulé du document."
    if values.get("kind") not in QualityDocument.Kind.values:
        errors["kind"] = "Choisissez la nature du document (procédure, fiche réflexe, guide d'accueil…)."
    months = values.get("review_months")
    if months is None or not 1 <= months <= MAX_REVIEW_MONTHS:
        errors["review_months"] = f"La périodicité de révision est un nombre de mois entre 1 et {MAX_REVIEW_MONTHS}."
    owner = values.get("owner")
    if owner is None:
        errors["owner"] = "Choisissez le responsable du document."
    elif not owner_candidates(prefecture).filter(pk=owner.pk).exists():
        errors["owner"] = (
            f"{owner} n'est pas habilité(e) sur cette préfecture : le responsable du document est l'une de ses "
            "personnes."
            if prefecture is not None
            else f"{owner} n'est pas administrateur national : un document national a un responsable national."
        )
    sites = list(values.get("sites") or ())
    if prefecture is None and sites:
        errors["sites"] = "Un document national concerne tous les sites : n'en choisissez aucun."
    elif any(site.prefecture_id != prefecture.pk for site in sites):
        errors["sites"] = "Choisissez des sites de la préfecture du document."
    url = (values.get("intranet_url") or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["intranet_url"] = "Le lien intranet doit être une adresse web complète (https://…)."
    if errors:
        raise ValidationError(errors)


def _save_document(document, values):
    try:
        with transaction.atomic():
            document.full_clean(exclude=["sites", "engagements", "current_version"], validate_unique=False)
            document.save()
    except IntegrityError:
        raise ValidationError({"reference": "Cette référence est déjà utilisée par un autre document."}) from None
    if "sites" in values:
        document.sites.set(values["sites"] or [])
    if "engagements" in values:
        document.engagements.set(values["engagements"] or [])
    return document


@transaction.atomic
def document_create(
    *,
    by,
    prefecture,
    reference,
    title,
    kind,
    owner,
    sites=(),
    engagements=(),
    intranet_url="",
    review_months=12,
) -> QualityDocument:
    """Add a document to the register of ``prefecture`` (None: a national document, shared by every prefecture).
    It has no version yet: add one with ``version_add``."""
    if not access.can_manage_document(by, prefecture_id=prefecture.pk if prefecture else None):
        raise PermissionDenied(
            "Seul le responsable qualité de la préfecture ajoute des documents à son référentiel interne."
            if prefecture is not None
            else "Seuls les administrateurs nationaux rédigent les documents nationaux."
        )
    values = {
        "reference": reference,
        "title": title,
        "kind": kind,
        "owner": owner,
        "sites": sites,
        "engagements": engagements,
        "intranet_url": intranet_url,
        "review_months": review_months,
    }
    _validate_document(prefecture=prefecture, values=values)
    document = QualityDocument(
        prefecture=prefecture,
        reference=reference.strip(),
        title=title.strip(),
        kind=kind,
        owner=owner,
        intranet_url=(intranet_url or "").strip(),
        review_months=review_months,
        created_by=by,
    )
    return _save_document(document, values)


@transaction.atomic
def document_update(*, by, document, **fields) -> QualityDocument:
    """Change what describes a document (its prefecture never changes). A new review period moves the review date
    of the approved version."""
    document = QualityDocument.objects.select_for_update().get(pk=document.pk)
    if not access.can_manage_document(by, document):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie les documents de son référentiel.")
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    values = {name: getattr(document, name) for name in DOCUMENT_FIELDS if name not in ("sites", "engagements")}
    values["sites"] = fields.get("sites", list(document.sites.all()))
    values.update(fields)
    _validate_document(prefecture=document.prefecture, values=values, document=document)
    for name in DOCUMENT_FIELDS:
        if name in fields and name not in ("sites", "engagements"):
            value = fields[name]
            setattr(document, name, value.strip() if isinstance(value, str) else value)
    _refresh_review_due(document)
    return _save_document(document, fields)


def _refresh_review_due(document):
    """``review_due_on`` from the approved version (``current_version``) and the review period."""
    version = document.current_version
    document.review_due_on = add_months(version.approved_on, document.review_months) if version else None


# --- versions -------------------------------------------------------------------------------------


def _store_file(version, file):
    name = PurePath(file.name or "").name[-200:]
    kind = uploads.check_document(file, field="file", kinds=FILE_KINDS)
    _, content_type, extensions = uploads.DOCUMENT_TYPES[kind]
    version.file_name, version.size, version.content_type = name, file.size, content_type
    # Stored under a random name (the original one is kept in ``file_name``): no guessable paths under media.
    version.file.save(f"{uuid.uuid4().hex}{extensions[0]}", file, save=False)


@transaction.atomic
def version_add(*, by, document, number, dated, file=None, url="", changes="") -> DocumentVersion:
    """A new draft of the document: a file (PDF, ODT, DOCX or XLSX) or a link, with its number and date."""
    if not access.can_write_document_versions(by, document):
        raise PermissionDenied("Vous ne pouvez pas ajouter de version à ce document.")
    errors = {}
    number = (number or "").strip()
    url = (url or "").strip()
    if not number:
        errors["number"] = "Indiquez le numéro de la version (par exemple 1.0)."
    elif document.versions.filter(number__iexact=number).exists():
        errors["number"] = f"La version {number} existe déjà pour ce document : choisissez un autre numéro."
    if dated is None:
        errors["dated"] = "Indiquez la date du document."
    elif dated > timezone.localdate():
        errors["dated"] = "La date du document ne peut pas être dans le futur."
    if file is None and not url:
        errors["file"] = "Joignez le fichier de la version ou indiquez le lien où elle se trouve."
    elif file is not None and url:
        errors["url"] = "Joignez un fichier ou indiquez un lien, pas les deux."
    elif url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = "Le lien doit être une adresse web complète (https://…)."
    if errors:
        raise ValidationError(errors)
    version = DocumentVersion(
        document=document, number=number, dated=dated, url=url, changes=(changes or "").strip(), author=by
    )
    if file is not None:
        _store_file(version, file)
    stored = version.file.name
    try:
        with transaction.atomic():
            version.full_clean(exclude=["file"], validate_unique=False, validate_constraints=False)
            version.save()
    except Exception:
        if stored:
            version.file.storage.delete(stored)
        raise
    return version


def _locked(version):
    return DocumentVersion.objects.select_for_update().select_related("document").get(pk=version.pk)


@transaction.atomic
def version_submit(*, by, version) -> DocumentVersion:
    """A draft goes to review (« Soumettre en relecture »)."""
    version = _locked(version)
    if not access.can_write_document_versions(by, version.document):
        raise PermissionDenied("Vous ne pouvez pas soumettre les versions de ce document.")
    if version.status != Status.DRAFT:
        raise ValidationError(
            f"Seul un brouillon est soumis en relecture (cette version est « {version.get_status_display()} »)."
        )
    version.status, version.submitted_by, version.submitted_at = Status.IN_REVIEW, by, timezone.now()
    version.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return version


@transaction.atomic
def version_approve(*, by, version) -> DocumentVersion:
    """Approve a version in review: it becomes the document's version in force, the previously approved one is
    superseded (« remplacée »), and the next review is due one review period after today."""
    version = _locked(version)
    document = QualityDocument.objects.select_for_update().get(pk=version.document_id)
    if not access.can_approve_document(by, document):
        raise PermissionDenied(
            "Seul le responsable qualité de la préfecture (ou un administrateur national) approuve les versions "
            "de ses documents."
            if document.prefecture_id
            else "Seuls les administrateurs nationaux approuvent les versions des documents nationaux."
        )
    if version.status != Status.IN_REVIEW:
        raise ValidationError(
            f"Seule une version en relecture est approuvée (cette version est « {version.get_status_display()} ») : "
            "soumettez-la d'abord en relecture."
        )
    now = timezone.now()
    # Row by row (one at most): the previous version's history says when and why it was superseded.
    for previous in (
        document.versions.select_for_update().filter(status=Status.APPROVED).exclude(pk=version.pk).order_by("pk")
    ):
        previous.status = Status.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    version.status, version.approved_by, version.approved_at = Status.APPROVED, by, now
    version.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    document.current_version = version
    _refresh_review_due(document)
    document.save(update_fields=["current_version", "review_due_on", "updated_at"])
    return version


@transaction.atomic
def version_archive(*, by, version) -> DocumentVersion:
    """Archive a version (kept and readable, no longer in force nor in review). Archiving the approved version
    leaves the document without a version in force."""
    version = _locked(version)
    document = QualityDocument.objects.select_for_update().get(pk=version.document_id)
    if not access.can_approve_document(by, document):
        raise PermissionDenied("Seul le responsable qualité de la préfecture archive les versions de ses documents.")
    if version.status == Status.ARCHIVED:
        raise ValidationError("Cette version est déjà archivée.")
    was_current = version.status == Status.APPROVED
    version.status, version.archived_by, version.archived_at = Status.ARCHIVED, by, timezone.now()
    version.save(update_fields=["status", "archived_by", "archived_at", "updated_at"])
    if was_current:
        document.current_version = None
        _refresh_review_due(document)
        document.save(update_fields=["current_version", "review_due_on", "updated_at"])
    return version


# --- reads ----------------------------------------------------------------------------------------

DOCUMENT_HISTORY = FieldHistory(
    # Set once, or by the approval (the versions' own table says which one is in force).
    hidden=frozenset({"prefecture", "created_by", "current_version"}),
    formatters={"review_months": lambda value: f"{value} mois"},
)


def document_history(document):
    """Who changed what and when on a document, newest first (the versions keep their own: status, who, when)."""
    return DOCUMENT_HISTORY.of(document)


def documents_by_engagement(*, prefecture_id, engagement_ids):
    """{engagement id: [documents serving it]} of a prefecture's register and the national documents, each with
    its version in force: what the assessment grid and the audit report show as evidence. One query."""
    through = QualityDocument.engagements.through
    rows = (
        through.objects.filter(engagement_id__in=list(engagement_ids))
        .filter(Q(qualitydocument__prefecture_id=prefecture_id) | Q(qualitydocument__prefecture__isnull=True))
        .select_related("qualitydocument__current_version")
        .order_by("qualitydocument__reference", "qualitydocument_id")
    )
    result = {}
    for row in rows:
        result.setdefault(row.engagement_id, []).append(row.qualitydocument)
    return result
