"""The register of quality documents and their versions: pages and API.

Documents of a prefecture are read by everyone of it (quality manager, managers, referents and agents of its
sites); national documents by every signed-in user, auditors included. The quality manager (and national
administrators) describe documents, approve and archive versions; the referents of a site a document applies to
add and submit its versions. Files are downloaded by a permission-checked view: a foreign document is a 404.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from engagements.services import documents as services
from tests import factories
from tests.permissions.cases import API_ANONYMOUS, LOGIN, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


# --- objects of the rows (created once per row, before its roles' requests) -----------------------


def _document(w, prefecture, site=None):
    """A document with an approved v1.0 (a PDF), a v2.0 in review and a draft v3.0; {pk, approved, review,
    draft}."""
    national = w.users["national"]
    owner = national if prefecture is None else factories.MembershipFactory(prefecture=prefecture).user
    document = factories.QualityDocumentFactory(prefecture=prefecture, owner=owner, kind="reception_guide")
    if site is not None:
        document.sites.set([site])
    approved = services.version_add(
        by=national,
        document=document,
        number="1.0",
        dated=datetime.date(2015, 3, 2),
        file=SimpleUploadedFile("guide.pdf", PDF),
    )
    services.version_submit(by=national, version=approved)
    services.version_approve(by=national, version=approved)
    review = services.version_add(
        by=national, document=document, number="2.0", dated=datetime.date(2015, 6, 1), url="https://a.fr/2"
    )
    services.version_submit(by=national, version=review)
    draft = services.version_add(
        by=national, document=document, number="3.0", dated=datetime.date(2015, 9, 1), url="https://a.fr/3"
    )
    return {"pk": document.pk, "approved": approved.pk, "review": review.pk, "draft": draft.pk}


def _own(w):
    return _document(w, w.prefecture, w.site)


def _sister(w):
    return _document(w, w.prefecture, w.sister_site)


def _foreign(w):
    return _document(w, w.foreign_prefecture, w.foreign_site)


def _national(w):
    return _document(w, None)


def _page(which, version=None):
    def kwargs(w):
        ids = which(w)
        return {"pk": ids["pk"]} if version is None else {"pk": ids["pk"], "version_pk": ids[version]}

    return kwargs


def _api_document(which):
    return lambda w: {"pk": which(w)["pk"]}


def _api_version(which, version):
    return lambda w: {"pk": which(w)[version]}


# --- who gets what ----------------------------------------------------------------------------------

READERS = expect(200, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
MANAGERS = expect(FORBIDDEN, national=200, quality_manager=200, auditor=NOT_FOUND)
FOREIGN_MANAGE = expect(NOT_FOUND, national=200)
# A button (POST) that works redirects back to the document's page.
BUTTON_MANAGERS = expect(FORBIDDEN, anonymous=LOGIN, national=REDIRECT, quality_manager=REDIRECT, auditor=NOT_FOUND)
BUTTON_WRITERS = expect(
    FORBIDDEN,
    anonymous=LOGIN,
    national=REDIRECT,
    quality_manager=REDIRECT,
    site_referent=REDIRECT,
    auditor=NOT_FOUND,
)
FOREIGN_BUTTON = expect(NOT_FOUND, anonymous=LOGIN, national=REDIRECT)

API_READERS = api(200, auditor=NOT_FOUND)
API_FOREIGN = api(NOT_FOUND, national=200)
API_MANAGERS = api(FORBIDDEN, national=200, quality_manager=200, auditor=NOT_FOUND)

HTML_CASES = [
    Case("document_list", expect(200)),  # scoped: an auditor reads the national documents only
    Case("document_list", expect(200), query="?kind=reception_guide&due=true&status=late", label="filtered"),
    Case("document_export_csv", expect(200)),
    Case("document_export_xlsx", expect(200)),
    Case("document_export_pdf", expect(200)),
    Case("document_create", expect(FORBIDDEN, national=200, quality_manager=200)),
    Case("document_detail", READERS, kwargs=_page(_own), label="own"),
    Case("document_detail", READERS, kwargs=_page(_sister), label="sister"),
    Case("document_detail", FOREIGN_READ, kwargs=_page(_foreign), label="foreign"),
    Case("document_detail", expect(200), kwargs=_page(_national), label="national"),
    Case("document_edit", MANAGERS, kwargs=_page(_own), label="own"),
    Case("document_edit", FOREIGN_MANAGE, kwargs=_page(_foreign), label="foreign"),
    Case("document_edit", expect(FORBIDDEN, national=200), kwargs=_page(_national), label="national"),
    Case(
        "document_version_add",
        expect(FORBIDDEN, national=200, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_page(_own),
        label="own",
    ),
    Case("document_version_add", MANAGERS, kwargs=_page(_sister), label="sister"),
    Case("document_version_add", FOREIGN_MANAGE, kwargs=_page(_foreign), label="foreign"),
    Case("document_version_add", expect(FORBIDDEN, national=200), kwargs=_page(_national), label="national"),
    Case("document_version_download", READERS, kwargs=_page(_own, "approved"), label="own"),
    Case("document_version_download", FOREIGN_READ, kwargs=_page(_foreign, "approved"), label="foreign"),
    Case("document_version_download", expect(200), kwargs=_page(_national, "approved"), label="national"),
    Case("document_version_submit", BUTTON_WRITERS, kwargs=_page(_own, "draft"), method="post", label="own"),
    Case("document_version_submit", BUTTON_MANAGERS, kwargs=_page(_sister, "draft"), method="post", label="sister"),
    Case("document_version_submit", FOREIGN_BUTTON, kwargs=_page(_foreign, "draft"), method="post", label="foreign"),
    Case("document_version_approve", BUTTON_MANAGERS, kwargs=_page(_own, "review"), method="post", label="own"),
    Case("document_version_approve", FOREIGN_BUTTON, kwargs=_page(_foreign, "review"), method="post", label="foreign"),
    Case(
        "document_version_approve",
        expect(FORBIDDEN, anonymous=LOGIN, national=REDIRECT),
        kwargs=_page(_national, "review"),
        method="post",
        label="national",
    ),
    Case("document_version_archive", BUTTON_MANAGERS, kwargs=_page(_own, "approved"), method="post", label="own"),
    Case(
        "document_version_archive", FOREIGN_BUTTON, kwargs=_page(_foreign, "approved"), method="post", label="foreign"
    ),
]

API_CASES = [
    Case("api:document-list", api(200)),
    Case("api:document-list", api(200), query="?kind=reception_guide&due=true", label="filtered"),
    Case(
        "api:document-list",
        # For an auditor the prefecture is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, national=201, quality_manager=201, auditor=400),
        method="post",
        data=lambda w: {
            "prefecture": w.prefecture.pk,
            "reference": "PROC-MATRICE",
            "title": "Procédure d'accueil téléphonique",
            "kind": "procedure",
            "owner": "qm",
        },
        label="create",
    ),
    Case("api:document-detail", API_READERS, kwargs=_api_document(_own), label="own"),
    Case("api:document-detail", API_FOREIGN, kwargs=_api_document(_foreign), label="foreign"),
    Case("api:document-detail", api(200), kwargs=_api_document(_national), label="national"),
    Case(
        "api:document-detail",
        API_MANAGERS,
        kwargs=_api_document(_own),
        method="patch",
        data={"review_months": 24},
        label="edit own",
    ),
    Case(
        "api:document-detail",
        API_FOREIGN,
        kwargs=_api_document(_foreign),
        method="patch",
        data={"review_months": 24},
        label="edit foreign",
    ),
    Case("api:document-version-list", api(200)),
    Case("api:document-version-list", api(200), query="?status=approved", label="filtered"),
    Case(
        "api:document-version-list",
        api(FORBIDDEN, national=201, quality_manager=201, site_referent=201, auditor=400),
        method="post",
        data=lambda w: {"document": _own(w)["pk"], "number": "4.0", "dated": "2015-10-01", "url": "https://a.fr/4"},
        label="create",
    ),
    Case("api:document-version-detail", API_READERS, kwargs=_api_version(_own, "approved"), label="own"),
    Case("api:document-version-detail", API_FOREIGN, kwargs=_api_version(_foreign, "approved"), label="foreign"),
    Case(
        "api:document-version-submit",
        api(FORBIDDEN, national=200, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=_api_version(_own, "draft"),
        method="post",
        label="own",
    ),
    Case(
        "api:document-version-submit",
        API_FOREIGN,
        kwargs=_api_version(_foreign, "draft"),
        method="post",
        label="foreign",
    ),
    Case("api:document-version-approve", API_MANAGERS, kwargs=_api_version(_own, "review"), method="post", label="own"),
    Case(
        "api:document-version-approve",
        API_FOREIGN,
        kwargs=_api_version(_foreign, "review"),
        method="post",
        label="foreign",
    ),
    Case(
        "api:document-version-approve",
        api(FORBIDDEN, national=200),
        kwargs=_api_version(_national, "review"),
        method="post",
        label="national",
    ),
    Case(
        "api:document-version-archive", API_MANAGERS, kwargs=_api_version(_own, "approved"), method="post", label="own"
    ),
    Case("api:document-version-download", API_READERS, kwargs=_api_version(_own, "approved"), label="own"),
    Case("api:document-version-download", API_FOREIGN, kwargs=_api_version(_foreign, "approved"), label="foreign"),
    Case("api:document-version-download", api(200), kwargs=_api_version(_national, "approved"), label="national"),
]

CASES = HTML_CASES + API_CASES
