import pytest

from engagements import importer
from engagements.models import QualityDocument
from engagements.services import documents
from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)

# A small référentiel whose lines the tests name: keep the line numbers in the comments right.
SMALL = """\
code: TEST
name: Référentiel de test
version: "1"
published_on: 2015-02-01
follow_up_months: 12
modules:
  - number: 1
    code: T-M1
    title: Accueil
    mandatory: true
    engagements:
      - code: T-M1-E01
        title: Réponse aux courriels
        text: Nous répondons à vos courriels en moins de 5 jours ouvrés.
        target: {indicator: emails_in_time, comparison: lt, value: 5, unit: jours ouvrés}
      - code: T-M1-E02
        title: Accueil courtois
        reconstructed: true
  - number: 2
    code: T-M2
    title: Communication de crise
    engagements:
      - code: T-M2-E01
        title: Cellule de crise
        kind: service
"""
# line 15: the target of T-M1-E01; line 16: code T-M1-E02; line 23: code T-M2-E01


@pytest.fixture
def qm(world):  # noqa: F811 (the imported fixture)
    """The world's quality manager of the Bouches-du-Rhône."""
    return world.users["quality_manager"]


@pytest.fixture
def guide(world, qm):  # noqa: F811 (the imported fixture)
    """Arles' reception guide (the register of quality documents), of the world's site, without any version yet."""
    return documents.document_create(
        by=qm,
        prefecture=world.prefecture,
        reference="GUIDE-ACC-ARLES",
        title="Guide d'accueil de la sous-préfecture d'Arles",
        kind=QualityDocument.Kind.RECEPTION_GUIDE,
        owner=world.users["site_referent"],
        sites=[world.site],
    )


@pytest.fixture
def small():
    return SMALL


@pytest.fixture
def write(tmp_path):
    """Write a YAML text to a file and return its path."""

    def write(text, name="referentiel.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def shipped():
    return {
        "MARIANNE": importer.SHIPPED_DIR / "marianne.yaml",
        "QP": importer.SHIPPED_DIR / "qualipref.yaml",
        "QP2": importer.SHIPPED_DIR / "qualipref-2.0.yaml",
    }
