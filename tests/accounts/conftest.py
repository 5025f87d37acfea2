from tests.api.conftest import api_client, as_role, world  # noqa: F401 (the API tests' fixtures)
