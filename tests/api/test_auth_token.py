from django.urls import reverse

from tests import factories

TOKEN_URL = reverse("api:token")


def test_a_token_is_given_for_good_credentials_and_authenticates_later_requests(db, api_client, password):
    user = factories.MembershipFactory(user__username="claire").user

    response = api_client.post(TOKEN_URL, {"username": "claire", "password": password}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api_client.get(reverse("api:me"))
    assert me.status_code == 200
    assert me.json()["username"] == user.username


def test_wrong_credentials_get_a_french_error_and_no_token(db, api_client):
    factories.UserFactory(username="claire")

    response = api_client.post(TOKEN_URL, {"username": "claire", "password": "faux"}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 400
    assert "Impossible de se connecter" in response.json()["non_field_errors"][0]
    assert "token" not in response.json()


def test_repeated_failures_lock_the_username_from_that_address_but_not_from_another(db, api_client, settings, password):
    factories.UserFactory(username="claire")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(TOKEN_URL, {"username": "claire", "password": "faux"}, REMOTE_ADDR="10.0.0.1")

    locked = api_client.post(TOKEN_URL, {"username": "claire", "password": password}, REMOTE_ADDR="10.0.0.1")
    elsewhere = api_client.post(TOKEN_URL, {"username": "claire", "password": password}, REMOTE_ADDR="10.0.0.2")

    assert locked.status_code == 403
    assert "verrouillé pour 15 minutes" in locked.json()["detail"]
    assert elsewhere.status_code == 200


def test_requests_without_credentials_are_refused_with_401(db, api_client):
    response = api_client.get(reverse("api:site-list"))

    assert response.status_code == 401
    assert "authentification" in response.json()["detail"]


def test_a_bad_token_is_refused(db, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

    assert api_client.get(reverse("api:site-list")).status_code == 401
