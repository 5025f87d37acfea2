from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from dsfr.utils import list_pages

PAGE_SIZE = 50


def breadcrumb(current, *links):
    """``breadcrumb_data`` for dsfr_breadcrumb (templates/base.html): links are (title, url) pairs."""
    return {"links": [{"title": title, "url": url} for title, url in links], "current": current}


def error_dict(error):
    """A service's ValidationError as {field or "__all__": one message} (inline edits show it in one message)."""
    if hasattr(error, "error_dict"):
        return {name: " ".join(messages) for name, messages in error.message_dict.items()}
    return {"__all__": " ".join(error.messages)}


def put_errors_on_form(form, error):
    """A service's ValidationError shown on the form: on its field when the form shows it, else on top (an error on
    a hidden field, such as the only prefecture the user may choose, would not be seen)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    visible = {field.name for field in form.visible_fields()}
    for name, errors in error.error_dict.items():
        form.add_error(name if name in visible else None, errors)


_DENIED_IS_403 = object()


def redirect_if_saved(request, form, save, message, to, *, denied_on=_DENIED_IS_403):
    """The end of every form page, written once: on a POST whose form is valid, ``save()`` calls the service; its
    refusal (ValidationError) goes on the form (put_errors_on_form) and None is returned, as on a GET or an invalid
    form: the view then renders the page with the form. Saved, ``message`` is flashed (unless None) and the redirect
    to ``to`` (a URL or a URL name, as for django's ``redirect``) returned.

    ``message`` and ``to`` may be functions of what ``save()`` returned: they are called after the save, since a
    service may change the object they describe (a due date, a status). With ``denied_on`` (a field name, or None
    for the top of the form), a PermissionDenied of the service is shown on the form too, instead of a 403: the
    form offered a choice (a site) the user may not act on."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ValidationError as error:
        put_errors_on_form(form, error)
        return None
    except PermissionDenied as error:
        if denied_on is _DENIED_IS_403:
            raise
        form.add_error(denied_on, str(error))
        return None
    if message is not None:
        messages.success(request, message(saved) if callable(message) else message)
    return redirect(to(saved) if callable(to) else to)


def flash_outcome(request, run, message, *, level=messages.SUCCESS):
    """The write of a button, a POST with no form to show again (close, retry, end): ``run()`` calls the service;
    its refusal (ValidationError) is flashed as an error, else ``message`` (or ``message(result)``, called after the
    write) at ``level``. Returns whether it was done; the view redirects."""
    try:
        result = run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.add_message(request, level, message(result) if callable(message) else message)
    return True


def file_response(stored, filename, *, inline=False, **headers):
    """A stored file (evidence, report) sent by the application, to those who may see what it belongs to (media
    files are not public); ``headers``: FileResponse's own (content_type). A file missing from the storage (or a
    field without file) is a 404."""
    try:
        file = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Fichier introuvable.") from None
    return FileResponse(file, as_attachment=not inline, filename=filename, **headers)


def paginate(request, queryset, per_page=PAGE_SIZE, paginator_class=Paginator):
    """A page of ``queryset`` for dsfr_pagination (with the list of page numbers when there are several);
    ``paginator_class``: EstimatingPaginator for the big registers (``page_obj.paginator.estimated``)."""
    page = paginator_class(queryset, per_page).get_page(request.GET.get("page"))
    return list_pages(page) if page.paginator.num_pages > 1 else page


def home(request):
    """Each role lands on its dashboard."""
    return redirect("dashboard")


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on the pages that name none (the admin, Swagger UI's sidecar): the DSFR's. Its
    address is looked up at request time: with DEBUG off, the static manifest exists only once collected."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"erreur : {exc.__class__.__name__}"


def _broker_state():
    from qualipref.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"erreur : {exc.__class__.__name__}"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """State of the database and the broker, for load balancers and monitoring (no login)."""
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(value == "ok" for value in state.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **state},
        status=200 if healthy else 503,
    )


def permission_denied(request, exception=None):
    """403, with the French reason of the refusal when the code gave one (« Votre accès à cet audit est fermé… »)."""
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def server_error(request):
    """No context processor and no request context: the page renders even when the database is down."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
