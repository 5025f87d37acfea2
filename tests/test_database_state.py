"""The test database between tests (tests/database_state.py): what a transactional test commits is not flushed but
replaced by the migrated template before the next test that needs it."""

import pytest

from sites.models import Department

pytestmark = pytest.mark.django_db(transaction=True)  # pytest-django runs these two in this order


def test_a_transactional_test_commits_and_removes_rows():
    assert Department.objects.filter(code="13").exists()
    Department.objects.create(code="ZZ", name="Département d'essai", region="Essai")
    Department.objects.filter(code="13").delete()  # reference data of a data migration


def test_the_next_test_finds_the_migrated_database_again():
    assert not Department.objects.filter(code="ZZ").exists()
    assert Department.objects.filter(code="13").exists()
