"""« Mes jetons d'API »: the user's own tokens listed, created (shown once) and revoked; nobody else's."""

import re

import pytest
from django.urls import reverse

from accounts import tokens
from accounts.models import ApiToken
from tests import factories
from tests.checks import page_text

pytestmark = pytest.mark.django_db

URL = reverse("token_list")


@pytest.fixture
def user(client):
    user = factories.MembershipFactory(user__username="qualite13").user
    client.force_login(user)
    return user


def test_the_account_page_leads_to_the_tokens(client, user):
    assert f'href="{URL}"' in client.get(reverse("account")).content.decode()


def test_the_page_lists_the_users_own_tokens_only(client, user):
    tokens.token_create(user=user, client="export téléphonie")
    tokens.token_create(user=factories.UserFactory(), client="outil d'un autre")

    html = page_text(client.get(URL))

    assert "export téléphonie" in html and "outil d'un autre" not in html
    assert "jamais utilisé" in html


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(client, user):
    response = client.post(URL, {"client": "tableur qualité"})

    html = response.content.decode()
    row = ApiToken.objects.get(user=user)
    shown = re.search(r'id="new-token"[^>]*value="([0-9a-f]{64})"', html, re.S) or re.search(
        r'value="([0-9a-f]{64})"', html
    )
    assert response.status_code == 200 and shown
    raw = shown.group(1)
    assert row.client == "tableur qualité" and raw not in row.digest
    assert raw not in client.get(URL).content.decode()


def test_a_missing_client_name_is_a_french_error(client, user):
    response = client.post(URL, {"client": ""})

    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token(client, user):
    token, _raw = tokens.token_create(user=user, client="export")

    response = client.post(reverse("token_revoke", kwargs={"public_id": token.public_id}), follow=True)

    assert not ApiToken.objects.exists()
    assert "Le jeton « export » est révoqué" in page_text(response)


def test_another_users_token_cannot_be_revoked(client, user):
    token, _raw = tokens.token_create(user=factories.UserFactory(), client="export")

    response = client.post(reverse("token_revoke", kwargs={"public_id": token.public_id}))

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_page_has_no_inline_script_or_style_and_is_usable_by_keyboard(client, user):
    tokens.token_create(user=user, client="export")
    html = client.post(URL, {"client": "tableur"}).content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert "<script" not in main and "<style" not in main and " style=" not in main
    assert not re.search(r"\son[a-z]+=", main)  # no inline event handler
    # Native, focusable controls only: labelled inputs, submit buttons inside their forms, no tabindex games.
    assert 'tabindex="-1"' not in main
    for field_id in ("id_client", "new-token"):
        assert f'for="{field_id}"' in main and f'id="{field_id}"' in main
    assert main.count('type="submit"') == 3  # revoke « export », revoke « tableur », create
