"""Signing in and out, and choosing a new password by e-mail: Django's views with French DSFR pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def claire():
    membership = factories.MembershipFactory(
        user__username="qualite13", user__first_name="Claire", user__email="claire.fabre@interieur.gouv.fr"
    )
    return membership.user


def test_the_login_page_is_public_and_in_french(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in html
    assert 'for="id_username"' in html and "Identifiant" in html
    assert "Mot de passe oublié ?" in html
    assert "Se connecter" in html


def test_a_page_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("site_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_wrong_credentials_show_a_clear_french_error(client, claire):
    response = client.post(reverse("login"), {"username": "qualite13", "password": "pas-le-bon"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_username_gets_the_same_error_as_a_wrong_password(client):
    response = client.post(reverse("login"), {"username": "personne", "password": "pas-le-bon"})
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()


def test_the_right_credentials_lead_to_the_dashboard(client, claire, password):
    response = client.post(reverse("login"), {"username": "qualite13", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Bonjour Claire." in response.content.decode()


def test_the_login_page_sends_a_signed_in_user_to_their_dashboard(client, claire):
    client.force_login(claire)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logging_out_needs_a_post_and_ends_the_session(client, claire):
    client.force_login(claire)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_every_page_offers_a_logout_button_in_a_post_form(client, claire):
    client.force_login(claire)
    html = client.get(reverse("dashboard")).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("logout")
    assert "csrfmiddlewaretoken" in form.group(2) and "Se déconnecter" in form.group(2)


def test_a_forgotten_password_is_replaced_through_the_link_sent_by_email(client, claire):
    response = client.post(reverse("password_reset"), {"email": "Claire.Fabre@interieur.gouv.fr"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Qualipref : réinitialisation de votre mot de passe"
    assert "Bonjour Claire" in message.body
    assert message.alternatives and "Choisir un nouveau mot de passe" in message.alternatives[0][0]
    link = re.search(r"http://testserver(/comptes/mot-de-passe/reinitialisation/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choisissez votre nouveau mot de passe" in form_page.content.decode()
    new_password = "un-nouveau-mot-de-passe-solide"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    claire.refresh_from_db()
    assert claire.check_password(new_password)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post(reverse("password_reset"), {"email": "inconnu@interieur.gouv.fr"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_invalid_reset_link_says_so_in_french(client):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MA", "token": "faux-jeton"})
    response = client.get(url)
    assert "Ce lien de réinitialisation n’est pas valide" in response.content.decode()


def test_a_signed_in_user_changes_their_password_with_their_current_one(client, claire, password):
    client.force_login(claire)
    new_password = "encore-un-mot-de-passe-solide"
    response = client.post(
        reverse("password_change"),
        {"old_password": "pas-le-bon", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert "fr-error-text" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("password_change_done")
    claire.refresh_from_db()
    assert claire.check_password(new_password)
