"""Quality documents (the register of a prefecture, and the national documents shared by all) and their versions.

- Read: everyone of the prefecture (quality manager, managers, referents and agents of its sites) reads its
  documents and every version of them; national documents (``prefecture`` None: the référentiels' guides) are read
  by every signed-in user. National administrators read everything.
- Describe a document (create it, change its reference, sites, engagements, owner...): the prefecture's quality
  manager; national documents: national administrators only.
- Write versions (add a new one, submit it for review): the same, plus the referents of a site the document
  applies to (they keep their site's reception guide up to date), but not the prefecture-wide documents.
- Auditors read the national documents and, while their access window is open, those of the prefectures whose
  audits are assigned to them (the assessment grid and the report show them as evidence).
- Approve a version, archive one: the prefecture's quality manager, or a national administrator.

Rules read ids only (the document's ``sites`` are prefetched or read once): no query per row of a list.
"""

from django.db.models import Q
from django.utils import timezone

from accounts.models import PREFECTURE_ROLES, Role

from .abilities import abilities_of
from .core import get_scope, manageable_prefectures, manages_a_prefecture

__all__ = [
    "scope_documents",
    "can_manage_document",
    "can_write_document_versions",
    "can_approve_document",
    "may_create_documents",
    "document_prefectures",
]


def _readable(user, through=""):
    """The documents a signed-in user who is no national administrator reads, as a filter on the document reached
    ``through``: national ones, their prefectures' ones, and for auditors those of the prefectures whose audits
    are assigned to them while their access window is open (the grid shows them as evidence)."""
    scope = get_scope(user)
    readable = scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures
    condition = Q(**{f"{through}prefecture__isnull": True}) | Q(**{f"{through}prefecture_id__in": readable})
    if Role.AUDITOR in scope.roles:
        today = timezone.localdate()
        open_audits = user.assigned_audits.filter(
            Q(access_from__isnull=True) | Q(access_from__lte=today),
            Q(access_until__isnull=True) | Q(access_until__gte=today),
        )
        condition |= Q(**{f"{through}prefecture_id__in": open_audits.values("prefecture_id")})
    return condition


def scope_documents(queryset, user):
    """Documents of the user's prefectures (and of their sites' prefectures), and the national ones."""
    if get_scope(user).national:
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(_readable(user))


def _manages(scope, prefecture_id):
    if scope.national:
        return True
    return prefecture_id is not None and prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER)


def can_manage_document(user, document=None, *, prefecture_id=None):
    """Create or describe a document of ``prefecture_id`` (None: a national one): the prefecture's quality
    manager, a national administrator."""
    if document is not None:
        prefecture_id = document.prefecture_id
    return _manages(get_scope(user), prefecture_id)


def can_write_document_versions(user, document, site_ids=None):
    """Add a version to the document, submit a draft for review: its managers (``can_manage_document``) and the
    referents of one of the sites it applies to. ``site_ids``: the document's sites, when the caller has them."""
    scope = get_scope(user)
    if _manages(scope, document.prefecture_id):
        return True
    if document.prefecture_id is None:
        return False
    own = scope.site_ids(Role.SITE_REFERENT)
    if not own:
        return False
    if site_ids is None:
        site_ids = {site.pk for site in document.sites.all()}
    return bool(own & set(site_ids))


def can_approve_document(user, document):
    """Approve or archive a version: the quality manager of the document's prefecture, a national administrator
    (national documents: national administrators only)."""
    return _manages(get_scope(user), document.prefecture_id)


def may_create_documents(user):
    return manages_a_prefecture(user)


def document_prefectures(queryset, user):
    """Prefectures whose documents the user describes (``can_manage_document``), as a queryset."""
    return manageable_prefectures(queryset, user)


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("engagements.QualityDocument")
def _document_abilities(user, document):
    # Prefetch ``sites`` with the documents (prefetch_related): the referents' rule reads them.
    return {
        "update": can_manage_document(user, document),
        "delete": False,
        "add_version": can_write_document_versions(user, document),
        "approve": can_approve_document(user, document),
    }


@abilities_of("engagements.DocumentVersion")
def _version_abilities(user, version):
    # Load ``document`` with the version (select_related) and prefetch its ``sites``.
    document = version.document
    status = version.status
    return {
        "update": False,
        "delete": False,
        "submit": status == "draft" and can_write_document_versions(user, document),
        "approve": status == "in_review" and can_approve_document(user, document),
        "archive": status != "archived" and can_approve_document(user, document),
        "download": bool(version.file),
    }
