"""The frame both registers' pages share (templates/complaints/register/): the list page keeps the site's header
and has one title; the form page's « Annuler » goes back where the user came from."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["complaint_list", "correspondence_list"])
def test_a_register_page_keeps_the_site_header_and_has_one_title(login, world, name):
    content = login("agent").get(reverse(name)).content.decode()

    assert content.count('id="qp-inbox-link"') == 1
    assert content.count("<h1") == 1


def test_a_complaint_form_without_a_cancel_url_goes_back_to_the_complaint(login, world, complaint):
    response = login("agent").get(reverse("complaint_reassign", kwargs={"pk": complaint.pk}))

    detail = reverse("complaint_detail", kwargs={"pk": complaint.pk})
    assert f'href="{detail}">Annuler</a>' in response.content.decode()


def test_the_letter_form_offers_to_go_on_with_the_next_one(login, world):
    content = login("agent").get(reverse("correspondence_create")).content.decode()

    assert "Enregistrer et saisir le suivant" in content
    # The secondary style is the second button's: « Annuler » is tertiary.
    assert re.search(rf'class="fr-btn fr-btn--tertiary"\s+href="{reverse("correspondence_list")}">Annuler', content)
