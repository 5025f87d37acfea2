"""Request bodies above a stated size are refused before they are read (imports no app).

``RequestSizeLimitMiddleware`` answers 413 with a French message when ``Content-Length`` exceeds
``settings.REQUEST_MAX_BYTES`` (the largest upload of the project plus its form: the correspondence import's 30 Mo),
without reading the body: JSON ``{"detail"}`` under ``/api/``, a short page elsewhere. Django's own limits
(DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) cap what is not a file; ``too_big_response`` is their
answer too (see qualipref.lib.drf.exception_handler). Each upload keeps its own, smaller limit (qualipref.lib.uploads).
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

from qualipref.lib.uploads import megabytes

API_PREFIX = "/api/"


def too_big_message(limit=None):
    limit = limit or settings.REQUEST_MAX_BYTES
    return f"Requête trop volumineuse : {megabytes(limit)} Mo au plus. Envoyez un fichier plus petit."


def too_big_response(request, message=None, *, status=413):
    message = message or too_big_message()
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    page = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Requête refusée — Qualipref</title>'
        f"</head><body><h1>Requête refusée</h1><p>{escape(message)}</p>"
        '<p><a href="javascript:history.back()">Revenir à la page précédente</a></p></body></html>'
    )
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return too_big_response(request)
        return self.get_response(request)
