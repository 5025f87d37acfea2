"""Yearly quality reviews: pages and API.

A review belongs to a prefecture: its quality manager and national administrators write and publish it, its managers
read it (403 on writes); a site's referent or agent and an auditor do not see it (404), nor anyone another
prefecture's but national administrators. A region's or the whole country's review is national administrators'
only: anybody else does not see it (404) and may not draft one.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from reviews.models import ReviewPdf, YearlyReview
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
REDIRECT = 302


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def _review(prefecture, *, published=False):
    return YearlyReview.objects.create(
        prefecture=prefecture,
        year=2015,
        status="published" if published else "draft",
        published_at=timezone.now() if published else None,
    )


def _wider(scope, *, published=False):
    def kwargs(w):
        review = YearlyReview.objects.create(
            scope=scope,
            region="Île-de-France" if scope == "region" else "",
            year=2015,
            status="published" if published else "draft",
            published_at=timezone.now() if published else None,
        )
        return {"pk": review.pk}

    return kwargs


def _wider_pdf(w):
    review = YearlyReview.objects.create(scope="national", year=2014, status="published", published_at=timezone.now())
    item = ReviewPdf(review=review, status="done", progress=100)
    item.file.save("bilan.pdf", ContentFile(b"%PDF-1.4 bilan"), save=False)
    item.xlsx.save("bilan.xlsx", ContentFile(b"PK classeur"), save=False)
    item.sha256 = item.xlsx_sha256 = "0" * 64
    item.size, item.pages, item.generated_at = 14, 1, timezone.now()
    item.save()
    return {"pk": review.pk, "pdf_pk": item.pk}


def _own(w):
    return {"pk": _review(w.prefecture).pk}


def _foreign(w):
    return {"pk": _review(w.foreign_prefecture).pk}


def _pdf(status, prefecture="prefecture"):
    def kwargs(w):
        review = _review(getattr(w, prefecture), published=True)
        item = ReviewPdf(review=review, status=status, progress=40)
        if status == "done":
            item.file.save("bilan.pdf", ContentFile(b"%PDF-1.4 bilan"), save=False)
            item.xlsx.save("bilan.xlsx", ContentFile(b"PK classeur"), save=False)
            item.sha256 = item.xlsx_sha256 = "0" * 64
            item.size, item.pages, item.generated_at, item.progress = 14, 1, timezone.now(), 100
        item.save()
        return {"pk": review.pk, "pdf_pk": item.pk}

    return kwargs


READERS = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
WRITERS = expect(
    FORBIDDEN, national=REDIRECT, quality_manager=REDIRECT, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND
)
FOREIGN_READ = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=REDIRECT)
# a region's or the nation's review: national administrators only
WIDER_READ = FOREIGN_READ
WIDER_WRITE = FOREIGN_WRITE

HTML_CASES = [
    Case("review_list", expect(200)),  # scoped: the others get an empty list
    Case("review_create", expect(FORBIDDEN, national=200, quality_manager=200)),
    Case("review_detail", READERS, kwargs=_own, label="own"),
    Case("review_detail", FOREIGN_READ, kwargs=_foreign, label="foreign"),
    Case("review_narrative", WRITERS, kwargs=lambda w: _own(w) | {"section": "pilotage"}, method="post", label="own"),
    Case(
        "review_narrative",
        FOREIGN_WRITE,
        kwargs=lambda w: _foreign(w) | {"section": "outlook"},
        method="post",
        label="foreign",
    ),
    Case("review_publish", WRITERS, kwargs=_own, method="post", label="own"),
    Case("review_publish", FOREIGN_WRITE, kwargs=_foreign, method="post", label="foreign"),
    Case("review_pdf_status", READERS, kwargs=_pdf("running"), label="own"),
    Case("review_pdf_status", FOREIGN_READ, kwargs=_pdf("running", "foreign_prefecture"), label="foreign"),
    Case("review_pdf_file", READERS, kwargs=_pdf("done"), label="own"),
    Case("review_pdf_file", FOREIGN_READ, kwargs=_pdf("done", "foreign_prefecture"), label="foreign"),
    Case("review_xlsx_file", READERS, kwargs=_pdf("done"), label="own"),
    Case("review_xlsx_file", FOREIGN_READ, kwargs=_pdf("done", "foreign_prefecture"), label="foreign"),
    Case("review_detail", WIDER_READ, kwargs=_wider("national"), label="national"),
    Case("review_detail", WIDER_READ, kwargs=_wider("region"), label="regional"),
    Case(
        "review_narrative",
        WIDER_WRITE,
        kwargs=lambda w: _wider("region")(w) | {"section": "evaluation"},
        method="post",
        label="regional",
    ),
    Case("review_publish", WIDER_WRITE, kwargs=_wider("national"), method="post", label="national"),
    Case("review_pdf_file", WIDER_READ, kwargs=_wider_pdf, label="national"),
    Case("review_xlsx_file", WIDER_READ, kwargs=_wider_pdf, label="national"),
    Case("review_pdf_retry", WRITERS, kwargs=_pdf("failed"), method="post", label="own"),
    Case(
        "review_pdf_retry", FOREIGN_WRITE, kwargs=_pdf("failed", "foreign_prefecture"), method="post", label="foreign"
    ),
]

API_READERS = api(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
API_WRITERS = api(
    FORBIDDEN, national=200, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND
)

API_CASES = [
    Case("api:review-list", api(200)),
    Case("api:review-list", api(200), query="?year=2015&status=draft", label="filtered"),
    Case(
        "api:review-list",
        # Outside the prefectures they write, the prefecture "does not exist" (400).
        api(400, national=201, quality_manager=201),
        method="post",
        data=lambda w: {"prefecture": w.prefecture.pk, "year": 2015},
        label="create",
    ),
    Case(
        "api:review-list",
        # a region's or the nation's: national administrators only (403 for the others who may write some review,
        # 403 too for those who write none)
        api(FORBIDDEN, national=201),
        method="post",
        data={"scope": "region", "region": "Île-de-France", "year": 2015},
        label="create regional",
    ),
    Case(
        "api:review-list",
        api(FORBIDDEN, national=201),
        method="post",
        data={"scope": "national", "year": 2015},
        label="create national",
    ),
    Case("api:review-detail", api(NOT_FOUND, national=200), kwargs=_wider("national"), label="national"),
    Case(
        "api:review-detail",
        api(NOT_FOUND, national=200),
        kwargs=_wider("region"),
        method="patch",
        data={"outlook_text": "Trois préfectures à accompagner en 2016."},
        label="edit regional",
    ),
    Case("api:review-publish", api(NOT_FOUND, national=200), kwargs=_wider("region"), method="post", label="regional"),
    Case("api:review-detail", API_READERS, kwargs=_own, label="own"),
    Case("api:review-detail", api(NOT_FOUND, national=200), kwargs=_foreign, label="foreign"),
    Case(
        "api:review-detail",
        API_WRITERS,
        kwargs=_own,
        method="patch",
        data={"pilotage_text": "Nouveau référentiel en février."},
        label="edit own",
    ),
    Case(
        "api:review-detail",
        api(NOT_FOUND, national=200),
        kwargs=_foreign,
        method="patch",
        data={"pilotage_text": "Nouveau référentiel en février."},
        label="edit foreign",
    ),
    Case("api:review-publish", API_WRITERS, kwargs=_own, method="post", label="own"),
    Case("api:review-publish", api(NOT_FOUND, national=200), kwargs=_foreign, method="post", label="foreign"),
]

CASES = HTML_CASES + API_CASES
