"""Référentiels are national reference data: every signed-in user reads them, nobody writes them via the API."""

from engagements import importer
from tests.permissions.cases import API_ANONYMOUS, Case, expect

READERS = expect(200, anonymous=API_ANONYMOUS)
READ_ONLY = expect(405, anonymous=API_ANONYMOUS)


def _qualipref_2(world):
    # Loaded by the data migration; importing the shipped file again changes nothing and survives a flush.
    return importer.import_file(importer.SHIPPED_DIR / "qualipref-2.0.yaml").referential


def _referential(world):
    return {"pk": _qualipref_2(world).pk}


def _module(world):
    return {"pk": _qualipref_2(world).modules.get(code="QP2-M7").pk}


def _engagement(world):
    return {"pk": _qualipref_2(world).engagements.get(code="QP2-M7-E01").pk}


CASES = [
    Case("api:referential-list", READERS),
    Case("api:referential-list", READERS, query="?code=QP2", label="filtered"),
    Case("api:referential-detail", READERS, kwargs=_referential),
    Case(
        "api:referential-detail",
        READ_ONLY,
        kwargs=_referential,
        method="patch",
        data={"name": "Qualipref 3.0"},
        label="edit",
    ),
    Case("api:module-list", READERS),
    Case("api:module-detail", READERS, kwargs=_module),
    Case("api:engagement-list", READERS),
    Case("api:engagement-list", READERS, query="?has_target=true&kind=service", label="filtered"),
    Case("api:engagement-detail", READERS, kwargs=_engagement),
    Case(
        "api:engagement-detail",
        READ_ONLY,
        kwargs=_engagement,
        method="delete",
        label="delete",
    ),
]
