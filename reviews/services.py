"""Writes of the yearly reviews: draft, narrative, publication, and the production of the published review's PDF and
workbook by the worker (qualipref.production, through the outbox, like the audit reports and the dashboards' PDFs).

- ``review_create(by, year, prefecture=…)``: the draft of a prefecture's year (one per prefecture and year);
  ``scope="region", region=…`` or ``scope="national"``: a region's or the whole country's (national administrators);
- ``review_update(by, review, **narratives)``: the narrative of one or more sections (a draft only);
- ``review_publish(by, review)``: published (date, author), and its PDF asked for (``pdf_request``);
- ``pdf_request(by, review)`` / ``pdf_retry(by, item)`` / ``pdf_produce(pk)`` (the task's body) /
  ``sweep_stale_review_pdfs``.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import access
from qualipref import production
from qualipref.lib import pdf
from qualipref.lib.models import refuse_other_fields, save_with_history
from qualipref.lib.table_export import to_workbook
from reviews import build as review_build
from reviews.models import FIRST_YEAR, NARRATIVE_FIELDS, NARRATIVE_MAX_LENGTH, ReviewPdf, YearlyReview
from sites.models import Department

PRODUCE_TASK = "reviews.tasks.produce_review_pdf"
TEMPLATE = "reviews/pdf.html"
WRITERS_ONLY = "Seuls le responsable qualité de la préfecture et les administrateurs nationaux rédigent son bilan."
WIDER_WRITERS_ONLY = "Seuls les administrateurs nationaux rédigent le bilan d'une région ou de la France entière."
Scope = YearlyReview.Scope


def _require_writer(by, prefecture):
    if not access.can_write_review(by, prefecture):
        raise PermissionDenied(WRITERS_ONLY if prefecture is not None else WIDER_WRITERS_ONLY)


def _place(scope, prefecture, region):
    """(filter of the reviews of that place, what the error says of it), or a ValidationError."""
    if scope == Scope.PREFECTURE:
        if prefecture is None:
            raise ValidationError({"prefecture": "Choisissez la préfecture du bilan."})
        return {"scope": scope, "prefecture": prefecture}, "de cette préfecture"
    if prefecture is not None:
        raise ValidationError({"prefecture": "Un bilan régional ou national ne porte pas sur une préfecture."})
    if scope == Scope.REGION:
        if not region or not Department.objects.filter(region=region).exists():
            raise ValidationError({"region": "Choisissez une région parmi celles des départements."})
        return {"scope": scope, "region": region}, f"de la région {region}"
    if scope == Scope.NATIONAL:
        if region:
            raise ValidationError({"region": "Un bilan de la France entière ne porte pas sur une région."})
        return {"scope": scope}, "de la France entière"
    raise ValidationError({"scope": "Périmètre inconnu : préfecture, région ou France entière."})


@transaction.atomic
def review_create(*, by, year, prefecture=None, region="", scope=Scope.PREFECTURE) -> YearlyReview:
    if scope == Scope.PREFECTURE:
        if prefecture is not None:
            _require_writer(by, prefecture)
    elif not access.can_write_wider_reviews(by):
        raise PermissionDenied(WIDER_WRITERS_ONLY)
    place, of_place = _place(scope, prefecture, region)
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError({"year": f"L'année d'un bilan va de {FIRST_YEAR} à {today.year}."})
    if YearlyReview.objects.filter(year=year, **place).exists():
        raise ValidationError({"year": f"Le bilan {year} {of_place} existe déjà."})
    review = YearlyReview(year=year, created_by=by, **place)
    return save_with_history(review, by=by, reason="Bilan rédigé")


@transaction.atomic
def review_update(*, by, review, **narratives) -> YearlyReview:
    refuse_other_fields(narratives, NARRATIVE_FIELDS)
    _require_writer(by, review.prefecture_id)
    # the review's row only: its prefecture is the nullable side of an outer join (PostgreSQL refuses to lock it)
    review = YearlyReview.objects.select_for_update(of=("self",)).select_related("prefecture").get(pk=review.pk)
    if review.is_published:
        raise ValidationError("Un bilan publié ne se modifie plus.")
    errors = {
        name: f"Le texte d'une partie tient en {NARRATIVE_MAX_LENGTH} caractères au plus ({len(text)} saisis)."
        for name, text in narratives.items()
        if len(text or "") > NARRATIVE_MAX_LENGTH
    }
    if errors:
        raise ValidationError(errors)
    values = {name: (text or "").strip() for name, text in narratives.items()}
    return save_with_history(review, by=by, reason="Texte modifié", **values)


@transaction.atomic
def review_publish(*, by, review) -> YearlyReview:
    """Publish the review and ask for its PDF and workbook (produced by the worker)."""
    _require_writer(by, review.prefecture_id)
    review = YearlyReview.objects.select_for_update(of=("self",)).select_related("prefecture").get(pk=review.pk)
    if review.is_published:
        raise ValidationError("Ce bilan est déjà publié.")
    if review.year >= timezone.localdate().year:
        raise ValidationError(f"Le bilan {review.year} se publie une fois l'année finie.")
    save_with_history(
        review,
        by=by,
        reason="Bilan publié",
        status=YearlyReview.Status.PUBLISHED,
        published_at=timezone.now(),
        published_by=by,
    )
    pdf_request(by=by, review=review)
    return review


def current_pdf(review):
    """The latest production of the review's PDF (any state), or None: one query."""
    return review.pdfs.order_by("-pk").first()


def pdf_request(*, by, review) -> ReviewPdf:
    """The production under way, or a new one (a published review only)."""
    _require_writer(by, review.prefecture_id)
    if not review.is_published:
        raise ValidationError("Le PDF d'un bilan est produit à sa publication.")
    return production.request(
        review.pdfs.all(),
        create=lambda: ReviewPdf.objects.create(
            review=review, requested_by=by if getattr(by, "pk", None) else None, step=production.WAITING_STEP
        ),
        task=PRODUCE_TASK,
    )


def pdf_retry(*, by, item) -> ReviewPdf:
    """« Relancer » a failed production."""
    if item.status != ReviewPdf.Status.FAILED:
        raise ValidationError("Seule une production en échec peut être relancée.")
    return pdf_request(by=by, review=item.review)


def render_pdf(review, figures=None, *, on_progress=None):
    """(PDF bytes, pages) of ``review`` (its figures built now unless given)."""
    figures = figures or review_build.for_review(review)
    context = {"review": review, "r": figures, "generated_on": timezone.localtime()}
    return pdf.html_to_pdf(render_to_string(TEMPLATE, context), on_progress=on_progress)


def workbook(figures):
    """The bytes of the review's workbook: one sheet per table."""
    return to_workbook(figures.tables())


def _render(item, on_progress):
    review = item.review
    figures = review_build.for_review(review)
    content, pages = render_pdf(review, figures, on_progress=on_progress)
    sheets = workbook(figures)
    item.xlsx.save(f"{item.stem}.xlsx", ContentFile(sheets), save=False)
    return (
        content,
        pages,
        {
            "filename": item.filename,
            "xlsx": item.xlsx.name,
            "xlsx_sha256": hashlib.sha256(sheets).hexdigest(),
        },
    )


def pdf_produce(pk):
    """Produce a requested PDF and workbook (the Celery task's body): idempotent."""
    return production.produce(
        ReviewPdf.objects.select_related("review__prefecture__department"), pk, render=_render, label="PDF du bilan"
    )


def sweep_stale_review_pdfs(*, before):
    return production.sweep(ReviewPdf.objects.filter(updated_at__lt=before), task=PRODUCE_TASK, label="PDF du bilan")
