import logging
import sys

from django.conf import settings
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve

# 403, 400 and the like have their own pages whatever DEBUG says.
HANDLED_BY_DJANGO = (PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login unless its view is marked ``@login_not_required``.

    The API is left to Django REST framework, which authenticates tokens itself and answers 401/403
    instead of redirecting to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class FrenchErrorPagesMiddleware:
    """With DEBUG, Django answers a 404 or a 500 with its English debug pages: a developer would never see the pages
    users get. Unless ``QUALIPREF_DEBUG_PAGES`` (env DEBUG_PAGES=1) asks for them, answer the French pages of
    qualipref.urls' handlers (a 500 is still logged with its traceback). Without DEBUG, Django does this itself.

    Kept near the end of MIDDLEWARE: an unknown URL answers a 404 response that CommonMiddleware may still turn into
    the redirect to the URL with a slash."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active():
        return settings.DEBUG and not getattr(settings, "QUALIPREF_DEBUG_PAGES", False)

    def __call__(self, request):
        if self._active() and not request.path_info.startswith("/api/"):
            try:
                resolve(request.path_info)
            except Resolver404:
                from qualipref.views import page_not_found

                return page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self._active():
            return None
        from qualipref import views

        if isinstance(exception, Http404):
            if request.path_info.startswith("/api/"):
                return None
            return views.page_not_found(request, exception)
        if isinstance(exception, HANDLED_BY_DJANGO):
            return None
        signals.got_request_exception.send(sender=None, request=request)
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
        response = views.server_error(request)
        response._has_been_logged = True  # logged here with its traceback: Django's handler would log it again
        return response
