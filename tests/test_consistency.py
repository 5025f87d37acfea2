"""Conventions every model of the project keeps (docs/architecture.md, § Conventions): French labels, timestamps."""

import pytest
from django.apps import apps

PROJECT_APPS = {"accounts", "sites", "engagements", "audits", "complaints", "surveys", "indicators"}
# Reference data and Django's user keep their own dates; a survey answer is dated by its response (one row per
# question of 100,000s of responses: no timestamps of its own).
# An API token has django-rest-knox's `created` and never changes but for its `last_used_at`.
WITHOUT_TIMESTAMPS = {"sites.Department", "accounts.User", "surveys.Answer", "accounts.ApiToken"}


def _models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_models_name_themselves_in_french_in_their_meta(model):
    assert {"verbose_name", "verbose_name_plural"} <= set(model._meta.original_attrs), model._meta.label


@pytest.mark.parametrize(
    "model", [m for m in _models() if m._meta.label not in WITHOUT_TIMESTAMPS], ids=lambda m: m._meta.label
)
def test_models_record_when_they_were_created_and_changed(model):
    names = {field.name for field in model._meta.get_fields()}
    assert {"created_at", "updated_at"} <= names
