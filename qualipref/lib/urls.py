"""The addresses of the pages (each app's urls.py): every page is named after its view function."""

from django.urls import path


def page(route, view):
    """``path(route, view, name=...)`` with the name of the view function (« meeting_edit » for
    ``views.meeting_edit``): the name is written once and cannot drift from its view; ``reverse`` and the templates'
    ``{% url %}`` use it as before."""
    return path(route, view, name=view.__name__)
