"""The project's URLs and a view that fails, for tests/test_error_pages.py."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from qualipref.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401 (the handlers are read here)


def boom(request):
    raise RuntimeError("boom")


def refused(request):
    raise PermissionDenied("Votre accès à cet audit est fermé depuis le 01/03/2026.")


urlpatterns = [path("essai/boom/", boom), path("essai/refus/", refused), *urlpatterns]
