"""django-dsfr's site configuration is read once per process until it changes (qualipref.site_config)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from dsfr.models import DsfrConfig

from qualipref import site_config

pytestmark = pytest.mark.django_db


def _read_queries():
    with CaptureQueriesContext(connection) as captured:
        config = site_config.current("fr")
    return config, sum("dsfr_dsfrconfig" in query["sql"] for query in captured.captured_queries)


def test_the_configuration_is_read_once_then_kept():
    first, queries = _read_queries()
    assert first.site_title == "Qualipref" and queries == 1
    again, queries = _read_queries()
    assert again is first and queries == 0


def test_a_saved_configuration_is_read_again_once_its_transaction_commits(django_capture_on_commit_callbacks):
    site_config.current("fr")
    config = DsfrConfig.objects.get(language="fr")
    config.site_title = "Qualipref (recette)"
    with django_capture_on_commit_callbacks(execute=True):
        config.save()
    assert _read_queries()[0].site_title == "Qualipref (recette)"


def test_nothing_changes_before_the_commit(django_capture_on_commit_callbacks):
    kept = site_config.current("fr")
    with django_capture_on_commit_callbacks(execute=False):
        DsfrConfig.objects.filter(language="fr").get().save()
    assert _read_queries() == (kept, 0)


def test_a_deleted_configuration_falls_back_as_in_django_dsfr(django_capture_on_commit_callbacks):
    site_config.current("fr")
    with django_capture_on_commit_callbacks(execute=True):
        DsfrConfig.objects.filter(language="fr").delete()
    assert _read_queries() == (None, 2)


def test_an_emptied_cache_means_reading_the_database_again():
    from django.core.cache import cache

    site_config.current("fr")
    cache.clear()
    assert _read_queries()[1] == 1
    assert _read_queries()[1] == 0


def test_every_page_gets_the_configuration(client):
    response = client.get("/comptes/connexion/")
    assert response.context["SITE_CONFIG"].site_title == "Qualipref"
