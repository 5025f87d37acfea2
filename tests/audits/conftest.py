import pytest

from tests import factories
from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)


@pytest.fixture
def cycle(world):  # noqa: F811
    """The Bouches-du-Rhône's Qualipref 2.0 cycle at its labelling audit step, on Arles and Istres."""
    return factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site], audited=True)


@pytest.fixture
def audit(world, cycle):  # noqa: F811
    """The labelling audit of 14–18/09/2015 (planned), assigned to the world's auditor, window open."""
    return factories.AuditFactory(labelling=cycle, auditors=[world.users["auditor"]])


@pytest.fixture
def foreign_audit(world):  # noqa: F811
    labelling = factories.LabellingFactory(prefecture=world.foreign_prefecture, sites=[world.foreign_site])
    return factories.AuditFactory(labelling=labelling)


@pytest.fixture
def users(world):  # noqa: F811
    return world.users
