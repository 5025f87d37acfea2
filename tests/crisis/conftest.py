import datetime

import pytest
from django.utils import timezone

from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)


@pytest.fixture
def qm(world):  # noqa: F811 (the imported fixture)
    """The world's quality manager of the Bouches-du-Rhône."""
    return world.users["quality_manager"]


def paris(*args):
    """An aware datetime, Paris time."""
    return timezone.make_aware(datetime.datetime(*args))
