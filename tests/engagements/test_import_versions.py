"""Re-importing a version updates it in place; a new version never touches the older ones."""

import pytest

from engagements import importer
from engagements.models import Engagement, Module, Referential

pytestmark = pytest.mark.django_db


def _rows(referential):
    """Every stored value of a version, its modules and engagements (dates of change included)."""
    return (
        list(Referential.objects.filter(pk=referential.pk).values()),
        list(Module.objects.filter(referential=referential).order_by("pk").values()),
        list(Engagement.objects.filter(referential=referential).order_by("pk").values()),
    )


def test_a_new_file_creates_the_referential_its_modules_and_engagements(small, write):
    result = importer.import_file(write(small))

    assert result.referential_created
    assert (result.modules.created, result.engagements.created, result.created) == (2, 3, 6)
    engagement = Engagement.objects.get(referential=result.referential, code="T-M1-E01")
    assert (engagement.module.code, engagement.number, engagement.target_label) == (
        "T-M1",
        1,
        "inférieur à 5 jours ouvrés",
    )
    assert Engagement.objects.get(referential=result.referential, code="T-M1-E02").reconstructed


def test_importing_the_same_file_twice_changes_nothing(small, write):
    first = importer.import_file(write(small))
    before = _rows(first.referential)

    again = importer.import_file(write(small))

    assert again.referential == first.referential
    assert (again.created, again.updated) == (0, 0)
    assert (again.modules.unchanged, again.engagements.unchanged) == (2, 3)
    assert _rows(first.referential) == before


def test_reimporting_the_same_version_updates_texts_in_place(small, write):
    first = importer.import_file(write(small))
    engagement = Engagement.objects.get(referential=first.referential, code="T-M1-E02")

    result = importer.import_file(write(small.replace("title: Accueil courtois", "title: Accueil courtois et rapide")))

    assert (result.created, result.updated, result.engagements.updated) == (0, 1, 1)
    engagement.refresh_from_db()
    assert engagement.title == "Accueil courtois et rapide"
    assert Referential.objects.filter(code="TEST").count() == 1


def test_an_engagement_missing_from_a_reimported_version_is_kept_and_reported(small, write):
    first = importer.import_file(write(small))
    without_e01 = small.replace(
        small[small.index("      - code: T-M1-E01") : small.index("      - code: T-M1-E02")], ""
    )

    result = importer.import_file(write(without_e01))

    assert result.kept == ["T-M1-E01"]
    assert "conservés (jamais supprimés) : T-M1-E01" in result.summary()
    kept = Engagement.objects.get(referential=first.referential, code="T-M1-E01")
    e02 = Engagement.objects.get(referential=first.referential, code="T-M1-E02")
    assert (e02.number, kept.number) == (1, 2)  # the file's order first, then what the file no longer lists


def test_inserting_an_engagement_renumbers_the_version_without_breaking_uniqueness(small, write):
    first = importer.import_file(write(small))
    inserted = small.replace(
        "      - code: T-M1-E01\n", "      - code: T-M1-E00\n        title: Horaires affichés\n      - code: T-M1-E01\n"
    )

    result = importer.import_file(write(inserted))

    assert (result.engagements.created, result.engagements.updated) == (1, 2)
    numbers = dict(Engagement.objects.filter(module__code="T-M1").values_list("code", "number"))
    assert numbers == {"T-M1-E00": 1, "T-M1-E01": 2, "T-M1-E02": 3}
    assert first.referential.engagements.count() == 4


def test_a_new_version_creates_a_new_referential_and_leaves_the_old_rows_byte_identical(small, write):
    old = importer.import_file(write(small)).referential
    before = _rows(old)
    new_text = (
        small.replace('version: "1"', 'version: "2"')
        .replace("value: 5", "value: 3")
        .replace("title: Accueil courtois", "title: Accueil courtois et personnalisé")
    )

    result = importer.import_file(write(new_text))

    assert result.referential_created and result.referential != old
    assert (result.modules.created, result.engagements.created) == (2, 3)
    assert _rows(old) == before
    assert Engagement.objects.get(referential=old, code="T-M1-E01").target_value == 5
    assert Engagement.objects.get(referential=result.referential, code="T-M1-E01").target_value == 3


def test_a_new_version_of_a_shipped_referential_keeps_the_migrated_one(shipped, write):
    old = Referential.objects.get(code="QP2", version="2.0")
    before = _rows(old)
    text = shipped["QP2"].read_text(encoding="utf-8").replace('version: "2.0"', 'version: "2.1"')

    result = importer.import_file(write(text))

    assert result.referential.version == "2.1"
    assert result.engagements.created == old.engagements.count()
    assert _rows(old) == before


def test_a_dry_run_counts_and_writes_nothing(small, write):
    result = importer.import_file(write(small), dry_run=True)

    assert result.dry_run and result.created == 6
    assert not Referential.objects.filter(code="TEST").exists()
