"""Pages of the register of quality documents (« tableau de gestion documentaire »): the filtered list and its
exports (CSV, XLSX, PDF), a document's page with its versions, and the forms.

Documents are fetched through ``for_user`` (a foreign document is a 404; one the user reads but may not change is a
403 on the pages that change it); writes go through engagements.services.documents. Files are sent by
``file_response`` after that check, never from /media/.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from engagements import exports
from engagements.filters.documents import DocumentFilter, default_order
from engagements.forms.documents import DocumentForm, VersionForm
from engagements.models import DocumentVersion, QualityDocument
from engagements.models.documents import REVIEW_SOON_DAYS
from engagements.services import documents as services
from qualipref.lib import pdf
from qualipref.views import breadcrumb, file_response, flash_outcome, paginate, redirect_if_saved
from sites.models import Prefecture

LIST_RELATIONS = ("prefecture__department", "owner", "current_version")
# Parameters of the list's URL that are not filters.
NOT_FILTERS = ("page",)
# Rows of the PDF list beyond which the page asks for a narrower filter (the PDF is made while the user waits).
PDF_MAX_ROWS = 500


def _crumb():
    return ("Documents qualité", reverse("document_list"))


def _documents(user):
    return QualityDocument.objects.for_user(user).select_related(*LIST_RELATIONS).prefetch_related("sites")


def _filterset(request):
    return DocumentFilter(request.GET or None, queryset=default_order(_documents(request.user)), request=request)


def _exported(request):
    """The filtered register, every row, with the engagements each document serves (a column of the exports)."""
    return _filterset(request).qs.prefetch_related("engagements")


def _querystring(request):
    params = request.GET.copy()
    for name in NOT_FILTERS:
        params.pop(name, None)
    return params.urlencode()


def _visible_document(request, pk):
    return get_object_or_404(QualityDocument.objects.for_user(request.user).select_related(*LIST_RELATIONS), pk=pk)


def _managed_document(request, pk):
    document = _visible_document(request, pk)
    if not access.can_manage_document(request.user, document):
        raise PermissionDenied("Vous pouvez consulter ce document mais pas le modifier.")
    return document


def _version_of(request, pk, version_pk):
    document = _visible_document(request, pk)
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=version_pk, document=document)
    return document, version


@require_GET
def document_list(request):
    filterset = _filterset(request)
    page_obj = paginate(request, filterset.qs)
    querystring = _querystring(request)
    today = timezone.localdate()
    rows = [(document, document.review_status(today)) for document in page_obj.object_list]
    return render(
        request,
        "engagements/documents/document_list.html",
        {
            "title": "Documents qualité",
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "rows": rows,
            "filtered": bool(querystring),
            "querystring": querystring,
            "can_create": access.may_create_documents(request.user),
            "show_prefecture": Prefecture.objects.for_user(request.user).count() > 1,
            "soon_days": REVIEW_SOON_DAYS,
            "breadcrumb_data": breadcrumb("Documents qualité"),
        },
    )


def _absolute(request):
    return request.build_absolute_uri


@require_GET
def document_export_csv(request):
    return exports.documents_csv_response(_exported(request), _absolute(request))


@require_GET
def document_export_xlsx(request):
    return exports.documents_xlsx_response(_exported(request), _absolute(request))


@require_GET
def document_export_pdf(request):
    """The register as a printable list (A4 landscape), with the links of each document."""
    documents = list(_exported(request)[: PDF_MAX_ROWS + 1])
    if len(documents) > PDF_MAX_ROWS:
        messages.error(
            request,
            f"La liste dépasse {PDF_MAX_ROWS} documents : filtrez-la (nature, site, préfecture) avant d’en faire "
            "un PDF, ou exportez-la en CSV ou XLSX.",
        )
        querystring = _querystring(request)
        return redirect(reverse("document_list") + (f"?{querystring}" if querystring else ""))
    now = timezone.localtime()
    rows = list(exports.document_rows(documents, _absolute(request)))
    content = pdf.render(
        "engagements/documents/pdf_list.html",
        {"title": "Tableau de gestion documentaire", "rows": rows, "generated_at": now, "user": request.user},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="documents-qualite-{now:%Y-%m-%d}.pdf"'
    return response


def _chosen_prefecture(request):
    """(prefecture or None for a national document, whether chosen) for a new document: the one the actor manages,
    else the one asked for (``?prefecture=<id>`` or ``?prefecture=national``)."""
    manageable = access.document_prefectures(Prefecture.objects.select_related("department"), request.user)
    raw = request.GET.get("prefecture", "")
    if raw == "national" and access.can_manage_document(request.user, prefecture_id=None):
        return None, True
    if raw.isdigit():
        prefecture = manageable.filter(pk=int(raw)).first()
        if prefecture is None:
            raise Http404("Préfecture introuvable.")
        return prefecture, True
    if not access.is_national_admin(request.user):
        first = list(manageable[:2])
        if len(first) == 1:
            return first[0], True
    return None, False


def document_create(request):
    if not access.may_create_documents(request.user):
        raise PermissionDenied("Seul le responsable qualité d’une préfecture ajoute des documents à son référentiel.")
    prefecture, chosen = _chosen_prefecture(request)
    crumbs = breadcrumb("Nouveau document", _crumb())
    if not chosen:
        prefectures = access.document_prefectures(Prefecture.objects.select_related("department"), request.user)
        return render(
            request,
            "engagements/documents/document_prefecture_choice.html",
            {
                "title": "Nouveau document",
                "prefectures": prefectures.order_by("department_id"),
                "national": access.can_manage_document(request.user, prefecture_id=None),
                "breadcrumb_data": crumbs,
            },
        )
    form = DocumentForm(request.POST or None, prefecture=prefecture)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.document_create(by=request.user, prefecture=prefecture, **form.cleaned_data),
        lambda document: f"Le document « {document} » a été ajouté. Déposez maintenant sa première version.",
        lambda document: reverse("document_version_add", kwargs={"pk": document.pk}),
    )
    return response or render(
        request,
        "engagements/documents/document_form.html",
        {
            "title": "Nouveau document",
            "form": form,
            "prefecture": prefecture,
            "cancel_url": reverse("document_list"),
            "breadcrumb_data": crumbs,
        },
    )


def document_detail(request, pk):
    document = _visible_document(request, pk)
    user = request.user
    site_ids = {site.pk for site in document.sites.all()}
    versions = list(
        document.versions.select_related("author", "submitted_by", "approved_by", "archived_by").order_by(
            "-dated", "-pk"
        )
    )
    can_write = access.can_write_document_versions(user, document, site_ids)
    can_approve = access.can_approve_document(user, document)
    return render(
        request,
        "engagements/documents/document_detail.html",
        {
            "title": str(document),
            "document": document,
            "sites": list(document.sites.order_by("name")),
            "engagements": list(document.engagements.select_related("referential").order_by("code")),
            "versions": versions,
            "review_status": document.review_status(),
            "can_manage": access.can_manage_document(user, document),
            "can_write": can_write,
            "can_approve": can_approve,
            "history": services.document_history(document),
            "breadcrumb_data": breadcrumb(document.reference, _crumb()),
        },
    )


def document_edit(request, pk):
    document = _managed_document(request, pk)
    detail_url = reverse("document_detail", kwargs={"pk": document.pk})
    initial = {
        name: getattr(document, name) for name in services.DOCUMENT_FIELDS if name not in ("sites", "engagements")
    }
    initial["sites"] = list(document.sites.all())
    initial["engagements"] = list(document.engagements.all())
    form = DocumentForm(request.POST or None, prefecture=document.prefecture, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.document_update(by=request.user, document=document, **form.cleaned_data),
        "Le document a été enregistré.",
        detail_url,
    )
    return response or render(
        request,
        "engagements/documents/document_form.html",
        {
            "title": f"Modifier « {document.reference} »",
            "form": form,
            "prefecture": document.prefecture,
            "document": document,
            "cancel_url": detail_url,
            "breadcrumb_data": breadcrumb("Modifier", _crumb(), (document.reference, detail_url)),
        },
    )


def document_version_add(request, pk):
    document = _visible_document(request, pk)
    if not access.can_write_document_versions(request.user, document):
        raise PermissionDenied("Vous pouvez consulter ce document mais pas lui ajouter de version.")
    detail_url = reverse("document_detail", kwargs={"pk": document.pk})
    form = VersionForm(request.POST or None, request.FILES or None)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.version_add(by=request.user, document=document, **form.cleaned_data),
        lambda version: (
            f"La version {version.number} a été déposée (brouillon). Soumettez-la en relecture quand elle est prête."
        ),
        detail_url + "#versions",
    )
    return response or render(
        request,
        "engagements/documents/version_form.html",
        {
            "title": "Nouvelle version",
            "document": document,
            "form": form,
            "cancel_url": detail_url,
            "breadcrumb_data": breadcrumb("Nouvelle version", _crumb(), (document.reference, detail_url)),
        },
    )


def _version_button(request, pk, version_pk, run, message):
    _, version = _version_of(request, pk, version_pk)
    flash_outcome(request, lambda: run(by=request.user, version=version), message)
    return redirect(reverse("document_detail", kwargs={"pk": pk}) + "#versions")


@require_POST
def document_version_submit(request, pk, version_pk):
    return _version_button(
        request, pk, version_pk, services.version_submit, lambda v: f"La version {v.number} est soumise en relecture."
    )


@require_POST
def document_version_approve(request, pk, version_pk):
    return _version_button(
        request,
        pk,
        version_pk,
        services.version_approve,
        lambda v: f"La version {v.number} est approuvée : c’est désormais la version en vigueur.",
    )


@require_POST
def document_version_archive(request, pk, version_pk):
    return _version_button(
        request, pk, version_pk, services.version_archive, lambda v: f"La version {v.number} est archivée."
    )


@require_GET
def document_version_download(request, pk, version_pk):
    """A version's file, sent to those who read the document only (a link version redirects to its link)."""
    _, version = _version_of(request, pk, version_pk)
    if not version.file:
        return redirect(version.url)
    return file_response(version.file, version.file_name or "document", content_type=version.content_type)
