"""In development (DEBUG) the 404 and 500 pages are the French pages users get, unless DEBUG_PAGES asks for
Django's debug pages; a 403 is logged as one line, without a traceback."""

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_pages_urls")]


@pytest.fixture
def dev(settings):
    settings.DEBUG = True
    settings.QUALIPREF_DEBUG_PAGES = False
    return settings


@pytest.fixture
def browser(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user("dev", password="x"))
    return client


def test_an_unknown_page_answers_the_french_404_in_development(dev, browser):
    response = browser.get("/nulle-part/")

    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
    assert "DEBUG = True" not in response.content.decode()


def test_a_missing_object_answers_the_french_404_in_development(dev, browser):
    response = browser.get("/reclamations/999999/")

    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
    assert "Django" not in response.content.decode()


def test_a_slash_is_still_added_before_the_404(dev, browser):
    response = browser.get("/reclamations")

    assert response.status_code == 301 and response["Location"] == "/reclamations/"


def test_a_failure_answers_the_french_500_in_development_and_logs_the_traceback(dev, browser, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = browser.get("/essai/boom/")

    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /essai/boom/" and record.exc_info[0] is RuntimeError


def test_debug_pages_show_django_debug_pages_when_asked(dev, browser):
    dev.QUALIPREF_DEBUG_PAGES = True

    assert "DEBUG = True" in browser.get("/nulle-part/").content.decode()
    assert "RuntimeError" in browser.get("/essai/boom/").content.decode()


def test_a_403_is_logged_as_one_line_with_its_reason(dev, browser):
    import io

    from django.conf import settings
    from django.utils.module_loading import import_string

    # The console handler of settings.LOGGING, with its filters, on a stream of the test.
    config = settings.LOGGING
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = browser.get("/essai/refus/")
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 403
    assert stream.getvalue().splitlines() == [
        "Forbidden (Permission denied): /essai/refus/ – Votre accès à cet audit est fermé depuis le 01/03/2026."
    ]
