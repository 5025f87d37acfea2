import pytest

from tests.api.conftest import api_client, as_role, login, token_client, token_for, world  # noqa: F401 (the API tests' fixtures)
from tests.surveys.factories import CampaignFactory


@pytest.fixture
def campaign(world):  # noqa: F811
    """An open campaign of the Bouches-du-Rhône on Arles (the referent's and agent's site) and Istres, with Arles'
    « Accueil général » service."""
    return CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site], services=[world.service])


@pytest.fixture
def foreign_campaign(world):  # noqa: F811
    return CampaignFactory(prefecture=world.foreign_prefecture, sites=[world.foreign_site])
