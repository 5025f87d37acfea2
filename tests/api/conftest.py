import pytest
from rest_framework.test import APIClient

from tests.permissions.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def as_role(api_client, world):
    """An API client logged in with the world's user of a role: ``as_role("quality_manager")``."""

    def login(role):
        api_client.force_authenticate(world.users[role])
        return api_client

    return login
