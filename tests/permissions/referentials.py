"""The référentiel pages: national reference data, read by every signed-in user."""

from engagements import importer
from tests.permissions.cases import Case, expect


def _qualipref_2(world):
    # Loaded by the data migration; importing the shipped file again changes nothing and survives a flush.
    return {"pk": importer.import_file(importer.SHIPPED_DIR / "qualipref-2.0.yaml").referential.pk}


CASES = [
    Case("referential_list", expect(200)),
    Case("referential_detail", expect(200), kwargs=_qualipref_2),
]
