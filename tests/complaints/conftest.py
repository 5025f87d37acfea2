import pytest

from tests import factories
from tests.api.conftest import api_client, as_role, world  # noqa: F401 (the API tests' fixtures)


@pytest.fixture
def login(client, world):  # noqa: F811 (the imported fixture)
    """A page client logged in with the world's user of a role: ``login("agent")``."""

    def log_in(role):
        client.force_login(world.users[role])
        return client

    return log_in


@pytest.fixture
def complaint(world):  # noqa: F811 (the imported fixture)
    """A complaint of Arles (the site of the world's referent and agent), with the requester's details."""
    return factories.ComplaintFactory(site=world.site, service=world.service, with_requester=True)


@pytest.fixture
def moselle_site(db):
    department = factories.DepartmentFactory(code="57", name="Moselle", region="Grand Est")
    prefecture = factories.PrefectureFactory(department=department, name="Préfecture de la Moselle")
    return factories.SiteFactory(prefecture=prefecture, name="Metz – Préfecture")
