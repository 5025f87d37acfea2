"""API tokens (django-rest-knox, accounts.ApiToken): hashed, expiring, one per client, revocable by their owner
(``auth/tokens/``), all revoked by a new password or a deactivation; ``POST auth/token/`` and the
``Authorization: Token`` header unchanged for the clients."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("api:token")
TOKENS_URL = reverse("api:api-token-list")
ME_URL = reverse("api:me")


def _detail(token):
    return reverse("api:api-token-detail", kwargs={"id": token.public_id})


@pytest.fixture
def claire():
    return factories.MembershipFactory(user__username="claire").user


def test_the_token_is_stored_only_as_its_hash(api_client, claire, password):
    response = api_client.post(TOKEN_URL, {"username": "claire", "password": password, "client": "export"})

    raw = response.json()["token"]
    row = ApiToken.objects.get(user=claire)
    assert row.client == "export" and raw not in row.digest
    # Nothing in any column of the table holds the token: only its start (knox's lookup key) is kept in clear.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert raw not in stored
    assert raw[:15] in stored and raw[15:] not in stored


def test_the_token_answer_keeps_its_name_and_tells_the_expiry(api_client, claire, password):
    before = timezone.now()

    body = api_client.post(TOKEN_URL, {"username": "claire", "password": password}).json()

    assert set(body) >= {"token", "expiry", "client", "id"}
    assert body["client"] == tokens.DEFAULT_CLIENT
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert before + datetime.timedelta(days=settings.QUALIPREF_API_TOKEN_DAYS) <= expiry
    assert expiry <= timezone.now() + datetime.timedelta(days=settings.QUALIPREF_API_TOKEN_DAYS)


def test_a_token_expires_after_the_configured_days(token_for, api_client, claire):
    raw = token_for(claire)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    lifetime = datetime.timedelta(days=settings.QUALIPREF_API_TOKEN_DAYS)

    with time_machine.travel(timezone.now() + lifetime - datetime.timedelta(minutes=1)):
        assert api_client.get(ME_URL).status_code == 200
    with time_machine.travel(timezone.now() + lifetime + datetime.timedelta(minutes=1)):
        response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton invalide, expiré ou révoqué."


def test_one_token_per_client_a_new_one_replaces_the_old_of_that_client_only(api_client, claire, password):
    def login(client):
        return api_client.post(TOKEN_URL, {"username": "claire", "password": password, "client": client}).json()

    first_export, telephony = login("export"), login("téléphonie")
    second_export = login("export")

    def works(raw):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return api_client.get(ME_URL).status_code == 200

    assert not works(first_export["token"])
    assert works(second_export["token"]) and works(telephony["token"])
    assert sorted(ApiToken.objects.values_list("client", flat=True)) == ["export", "téléphonie"]


def test_the_owner_lists_their_tokens_without_the_tokens_themselves(token_client, token_for, claire):
    other = factories.UserFactory()
    token_for(other, "autre")
    api = token_client(claire, "export")
    token_for(claire, "téléphonie")

    body = api.get(TOKENS_URL).json()

    assert [row["client"] for row in body["results"]] == ["export", "téléphonie"]
    assert all(set(row) == {"id", "client", "created", "expiry", "last_used_at"} for row in body["results"])
    # The request just made with the export token is its last use.
    assert body["results"][0]["last_used_at"] is not None and body["results"][1]["last_used_at"] is None


def test_the_owner_creates_a_token_through_the_api_and_sees_it_once(token_client, claire):
    api = token_client(claire)

    created = api.post(TOKENS_URL, {"client": "tableur"}, format="json")

    assert created.status_code == 201
    assert created.json()["client"] == "tableur" and len(created.json()["token"]) == 64
    listed = api.get(reverse("api:api-token-detail", kwargs={"id": created.json()["id"]})).json()
    assert "token" not in listed


def test_the_owner_revokes_a_token_and_it_no_longer_authenticates(token_client, token_for, api_client, claire):
    api = token_client(claire, "gestion")
    doomed_raw = token_for(claire, "export")
    doomed = ApiToken.objects.get(user=claire, client="export")

    assert api.delete(_detail(doomed)).status_code == 204

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {doomed_raw}")
    assert api_client.get(ME_URL).status_code == 401
    assert api.get(ME_URL).status_code == 200


def test_another_users_token_is_not_found_and_stays(token_client, token_for, claire):
    other = factories.UserFactory()
    token_for(other, "export")
    theirs = ApiToken.objects.get(user=other)
    api = token_client(claire)

    assert api.get(_detail(theirs)).status_code == 404
    assert api.delete(_detail(theirs)).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_a_new_password_revokes_every_token_of_the_user(token_for, api_client, claire, client, password):
    raws = [token_for(claire, "export"), token_for(claire, "téléphonie")]
    other_raw = token_for(factories.UserFactory(), "export")
    client.force_login(claire)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Un-nouveau-secret-2026",
            "new_password2": "Un-nouveau-secret-2026",
        },
    )

    assert response.status_code == 302
    for raw in raws:
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        assert api_client.get(ME_URL).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {other_raw}")
    assert api_client.get(ME_URL).status_code == 200


def test_a_deactivated_user_loses_their_tokens(token_for, api_client, claire):
    raw = token_for(claire)

    claire.is_active = False
    claire.save()

    assert not ApiToken.objects.filter(user=claire).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api_client.get(ME_URL).status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(token_for, claire):
    token_for(claire)

    claire.first_name = "Claire"
    claire.save()

    assert ApiToken.objects.filter(user=claire).count() == 1


def test_the_schema_describes_the_token_endpoints(api_client):
    schema = api_client.get(reverse("api:schema"), {"format": "json"}).json()

    paths = schema["paths"]
    assert set(paths["/api/v1/auth/tokens/"]) >= {"get", "post"}
    assert set(paths["/api/v1/auth/tokens/{id}/"]) >= {"get", "delete"}
    assert "patch" not in paths["/api/v1/auth/tokens/{id}/"]
    created = paths["/api/v1/auth/token/"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    created_name = created["$ref"].rsplit("/", 1)[-1]
    assert {"token", "expiry", "client"} <= set(schema["components"]["schemas"][created_name]["properties"])
    listed = schema["components"]["schemas"]["ApiToken"]["properties"]
    assert "token" not in listed and listed["last_used_at"]["nullable"] is True
    # The same scheme as before for the clients' generated code: « Authorization: Token <token> ».
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert '"Token"' in scheme["description"]


def test_the_clear_tokens_of_before_become_hashed_tokens_that_keep_working(api_client, claire):
    """accounts/migrations/0006: a client's token of rest_framework.authtoken still authenticates, and the table
    that held it in clear is gone."""
    import importlib
    import types

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0006_convert_clear_tokens")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, "created" timestamp with time zone NOT NULL, '
            '"user_id" bigint NOT NULL)'
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, timezone.now(), claire.pk],
        )

    migration.convert(apps, types.SimpleNamespace(connection=connection))

    assert "authtoken_token" not in connection.introspection.table_names()
    converted = ApiToken.objects.get(user=claire)
    assert old_key not in converted.digest and converted.expiry > timezone.now()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert api_client.get(ME_URL).json()["username"] == "claire"
