import pytest
from rest_framework.test import APIClient

from tests.permissions.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api_client():
    return APIClient()


def _by_role(client, world, authenticate):
    """``for_role(role)``: ``client``, authenticated as the world's user of that role by ``authenticate(user)``."""

    def for_role(role):
        authenticate(world.users[role])
        return client

    return for_role


@pytest.fixture
def as_role(api_client, world):
    """An API client logged in with the world's user of a role: ``as_role("quality_manager")``."""
    return _by_role(api_client, world, api_client.force_authenticate)


@pytest.fixture
def login(client, world):
    """A page client logged in with the world's user of a role: ``login("agent")``."""
    return _by_role(client, world, client.force_login)


@pytest.fixture
def token_for():
    """The way clients authenticate: ``token_for(user)`` is a new API token in clear (accounts.tokens), to send as
    ``Authorization: Token <token>``."""
    from accounts import tokens

    def create(user, client="tests"):
        return tokens.token_create(user=user, client=client)[1]

    return create


@pytest.fixture
def token_client(token_for):
    """``token_client(user)``: a fresh API client authenticated by a token of that user, as a script would be."""

    def build(user, client="tests"):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user, client)}")
        return api

    return build
