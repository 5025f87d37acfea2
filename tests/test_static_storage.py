"""The production storage of static files keeps each URL it computed (qualipref.lib.static_storage)."""

import json

import pytest
from django.test import override_settings

from qualipref.lib.static_storage import KeptUrlsManifestStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"paths": {"qualipref/qualipref.css": "qualipref/qualipref.0123456789ab.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STATIC_URL="/static/"):
        yield KeptUrlsManifestStorage(location=tmp_path, base_url="/static/")


def test_the_hashed_url_of_a_name_is_computed_once(storage, monkeypatch):
    assert storage.url("qualipref/qualipref.css") == "/static/qualipref/qualipref.0123456789ab.css"
    monkeypatch.setattr(storage, "stored_name", lambda name: pytest.fail("computed again"))
    assert storage.url("qualipref/qualipref.css") == "/static/qualipref/qualipref.0123456789ab.css"


def test_a_name_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("qualipref/absent.css")


def test_a_new_manifest_table_drops_the_urls_kept(storage):
    storage.url("qualipref/qualipref.css")
    storage.hashed_files = {"qualipref/qualipref.css": "qualipref/qualipref.ba9876543210.css"}
    assert storage.url("qualipref/qualipref.css") == "/static/qualipref/qualipref.ba9876543210.css"


def test_with_debug_the_name_stays_unhashed_as_in_django(storage):
    storage.url("qualipref/qualipref.css")
    with override_settings(DEBUG=True):
        assert storage.url("qualipref/qualipref.css") == "/static/qualipref/qualipref.css"
