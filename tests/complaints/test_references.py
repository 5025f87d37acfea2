"""References: REC-<département>-<year>-<number>, numbered per département and year, never given twice."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from complaints import references, services
from complaints.models import Complaint, ReferenceCounter
from tests import factories

pytestmark = pytest.mark.django_db


def _create(world, *, site=None, kind=Complaint.Kind.COMPLAINT, received_on=datetime.date(2026, 3, 2)):
    return services.complaint_create(
        by=world.users["quality_manager"],
        site=site or world.site,
        kind=kind,
        channel=Complaint.Channel.LETTER,
        received_on=received_on,
        description="Courrier reçu au sujet de l'attente.",
    )


def test_a_reference_names_the_kind_the_department_the_year_and_a_five_digit_number(world):
    complaint = _create(world)
    suggestion = _create(world, kind=Complaint.Kind.SUGGESTION)

    assert complaint.reference == "REC-13-2026-00001"
    assert suggestion.reference == "SUG-13-2026-00002"
    assert references.parse_reference(complaint.reference) == ("REC", "13", 2026, 1)


def test_numbers_run_per_department_and_year_of_receipt(world):
    first = _create(world)
    sister = _create(world, site=world.sister_site)
    older = _create(world, received_on=datetime.date(2025, 12, 30))
    foreign = services.complaint_create(
        by=world.foreign_membership.user,
        site=world.foreign_site,
        channel=Complaint.Channel.BOX,
        received_on=datetime.date(2026, 3, 3),
        description="Réclamation déposée dans l'urne de Créteil.",
    )
    again = _create(world)

    assert [first.reference, sister.reference, older.reference, foreign.reference, again.reference] == [
        "REC-13-2026-00001",
        "REC-13-2026-00002",
        "REC-13-2025-00001",
        "REC-94-2026-00001",
        "REC-13-2026-00003",
    ]
    assert ReferenceCounter.objects.get(department_id="13", year=2026).last_number == 3


def test_overseas_and_corsican_departments_keep_their_code(db):
    for code, name in (("2A", "Corse-du-Sud"), ("971", "Guadeloupe")):
        department = factories.DepartmentFactory(code=code, name=name)
        with transaction.atomic():
            reference = references.next_reference(
                kind=Complaint.Kind.COMPLAINT, department_id=department.code, year=2026
            )
        assert reference == f"REC-{code}-2026-00001"
        assert references.parse_reference(reference)[1] == code


def test_a_failed_creation_gives_its_number_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(world)
        raise RuntimeError("panne au milieu de l'enregistrement")

    assert _create(world).reference == "REC-13-2026-00001"


def test_the_database_refuses_two_complaints_with_the_same_reference(world):
    existing = factories.ComplaintFactory(site=world.site)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ComplaintFactory(site=world.site, reference=existing.reference)


def test_references_given_by_hand_are_never_given_again(world):
    references.reserve_up_to(department_id="13", year=2026, number=41)
    references.reserve_up_to(department_id="13", year=2026, number=12)

    assert _create(world).reference == "REC-13-2026-00042"


def test_malformed_references_are_not_parsed():
    for value in ("REC-13-2026-42", "XYZ-13-2026-00042", "REC-1-2026-00042", "", None):
        assert references.parse_reference(value) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Concurrence réelle : PostgreSQL seulement (CI).")
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_get_the_same_number():
    from tests.permissions.world import build_world

    world = build_world()
    workers = 8
    barrier = threading.Barrier(workers)
    errors = []

    def create():
        try:
            barrier.wait(timeout=10)
            _create(world)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    numbers = sorted(
        references.parse_reference(ref)[3] for ref in Complaint.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, workers + 1))
