"""Pages of the yearly reviews: the list of the reviews of the prefectures in scope (and, for national administrators,
of the regions and the whole country), « Rédiger le bilan », the review
(each section's figures with its narrative), « Publier », then the production of its PDF and workbook and their
downloads. Reviews are read through ``for_user`` (another prefecture's is a 404); writing and publishing are asked to
accounts.access (403 for a reader)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from qualipref.views import breadcrumb, file_response, flash_outcome, put_errors_on_form, redirect_if_saved
from reviews import build, services
from reviews.forms import NarrativeForm, ReviewCreateForm
from reviews.models import SECTIONS, ReviewPdf, YearlyReview
from sites.models import Prefecture

SECTION_KEYS = [key for key, _ in SECTIONS]


def _crumbs():
    return [("Bilans qualité annuels", reverse("review_list"))]


def _visible_review(request, pk):
    return get_object_or_404(
        YearlyReview.objects.for_user(request.user).select_related("prefecture__department", "published_by"), pk=pk
    )


def _writable_review(request, pk):
    review = _visible_review(request, pk)
    if not access.can_write_review(request.user, review.prefecture_id):
        raise PermissionDenied(services.WRITERS_ONLY)
    return review


@require_GET
def review_list(request):
    reviews = (
        YearlyReview.objects.for_user(request.user)
        .select_related("prefecture__department")
        .order_by("-year", "prefecture__department_id", "pk")
    )
    can_create = access.writable_review_prefectures(Prefecture.objects.all(), request.user).exists()
    return render(
        request,
        "reviews/review_list.html",
        {
            "title": "Bilans qualité annuels",
            "reviews": list(reviews),
            "can_create": can_create,
            "writes_wider": access.can_write_wider_reviews(request.user),
            "breadcrumb_data": breadcrumb("Bilans qualité annuels"),
        },
    )


@require_http_methods(["GET", "POST"])
def review_create(request):
    if not access.writable_review_prefectures(Prefecture.objects.all(), request.user).exists():
        raise PermissionDenied(services.WRITERS_ONLY)
    form = ReviewCreateForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.review_create(by=request.user, **form.cleaned_data),
        lambda review: f"{review} : brouillon créé. Rédigez le texte de chaque partie, puis publiez-le.",
        lambda review: review.get_absolute_url(),
    )
    return response or render(
        request,
        "reviews/review_form.html",
        {
            "title": "Rédiger un bilan qualité annuel",
            "form": form,
            "cancel_url": reverse("review_list"),
            "breadcrumb_data": breadcrumb("Rédiger un bilan", *_crumbs()),
        },
    )


def _detail(request, review, *, bound=None, status=200):
    """The review page; ``bound``: (section, form) of a narrative refused, shown with what was typed."""
    can_write = access.can_write_review(request.user, review.prefecture_id) and not review.is_published
    sections = []
    for key, title, text in review.narratives():
        form = None
        if can_write:
            form = bound[1] if bound and bound[0] == key else NarrativeForm(initial={"text": text}, section=key)
        sections.append({"key": key, "title": title, "text": text, "form": form})
    pdf = services.current_pdf(review) if review.is_published else None
    return render(
        request,
        "reviews/review_detail.html",
        {
            "title": str(review),
            "review": review,
            "r": build.for_review(review),
            "sections": sections,
            "can_write": can_write,
            "can_publish": can_write,
            "pdf": pdf,
            "breadcrumb_data": breadcrumb(str(review), *_crumbs()),
        },
        status=status,
    )


@require_GET
def review_detail(request, pk):
    return _detail(request, _visible_review(request, pk))


@require_POST
def review_narrative(request, pk, section):
    if section not in SECTION_KEYS:
        raise Http404("Partie inconnue.")
    review = _writable_review(request, pk)
    form = NarrativeForm(request.POST, section=section)
    if form.is_valid():
        try:
            services.review_update(by=request.user, review=review, **{f"{section}_text": form.cleaned_data["text"]})
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(list(error.error_dict.values())[0])
            put_errors_on_form(form, error)
        else:
            messages.success(request, f"Texte de la partie « {dict(SECTIONS)[section]} » enregistré.")
            return redirect(f"{review.get_absolute_url()}#partie-{section}")
    return _detail(request, review, bound=(section, form), status=400)


@require_POST
def review_publish(request, pk):
    review = _writable_review(request, pk)
    flash_outcome(
        request,
        lambda: services.review_publish(by=request.user, review=review),
        "Bilan publié : son PDF et son classeur sont en cours de production.",
    )
    return redirect(f"{review.get_absolute_url()}#publication")


def _production(request, pk, pdf_pk, **filters):
    review = _visible_review(request, pk)
    item = get_object_or_404(ReviewPdf, pk=pdf_pk, review=review, **filters)
    item.review = review
    return item


@require_GET
def review_pdf_status(request, pk, pdf_pk):
    """The progress of a production: the block the page polls (htmx), or a page of its own."""
    item = _production(request, pk, pdf_pk)
    if request.htmx:
        return render(request, "reviews/_pdf_production.html", {"pdf": item})
    title = f"PDF du {item.review}"
    return render(
        request,
        "reviews/pdf_status.html",
        {
            "title": title,
            "pdf": item,
            "review": item.review,
            "breadcrumb_data": breadcrumb(title, *_crumbs(), (str(item.review), item.review.get_absolute_url())),
        },
    )


@require_GET
def review_pdf_file(request, pk, pdf_pk):
    item = _production(request, pk, pdf_pk, status=ReviewPdf.Status.DONE)
    return file_response(item.file, item.filename, content_type="application/pdf")


@require_GET
def review_xlsx_file(request, pk, pdf_pk):
    item = _production(request, pk, pdf_pk, status=ReviewPdf.Status.DONE)
    return file_response(
        item.xlsx,
        f"{item.stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_POST
def review_pdf_retry(request, pk, pdf_pk):
    item = _production(request, pk, pdf_pk)
    if not access.can_write_review(request.user, item.review.prefecture_id):
        raise PermissionDenied(services.WRITERS_ONLY)
    try:
        item = services.pdf_retry(by=request.user, item=item)
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, " ".join(error.messages))
    if request.htmx:
        return render(request, "reviews/_pdf_production.html", {"pdf": item})
    return redirect(item.status_url)
