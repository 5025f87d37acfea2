"""The OpenAPI schema is served from memory after its first generation (qualipref.lib.schema_view.SchemaView)."""

from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from qualipref.lib.schema_view import SchemaView


def test_the_schema_is_generated_once_per_language_and_served_the_same(client, monkeypatch):
    generated = []
    generate = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        generated.append(translation.get_language())
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    monkeypatch.setattr(SchemaView, "_generated", {})
    url = reverse("api:schema")

    first = client.get(url, {"format": "json"})
    second = client.get(url, {"format": "json"})
    yaml = client.get(url)
    english = client.get(url, {"format": "json", "lang": "en"})

    assert first.status_code == second.status_code == yaml.status_code == english.status_code == 200
    assert first.json() == second.json()
    assert first.json()["info"]["title"] == "API Qualipref"
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert generated == ["fr", "en"]  # JSON and YAML render the same schema; another language has its own
