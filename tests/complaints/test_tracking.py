"""« Suivre ma demande »: a requester reads the state of their request and its answer with its reference and the
e-mail address or postcode they gave; a wrong reference and a wrong address get the very same page; rate-limited
like the public form; the acknowledgement e-mail links to it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from complaints import public_views
from complaints.models import Complaint
from tests import factories
from tests.checks import page_text
from tests.complaints.form_data import public_form

pytestmark = pytest.mark.django_db

TRACK = reverse("public_complaint_track")


@pytest.fixture
def answered(world):
    return factories.ComplaintFactory(site=world.site, with_requester=True, answered=True)


def test_the_page_asks_for_the_reference_and_the_address_or_postcode(client, world):
    response = client.get(TRACK)

    assert response.status_code == 200
    text = page_text(response)
    assert 'for="id_reference"' in text and 'for="id_contact"' in text
    assert "Adresse électronique ou code postal" in text


def test_the_reference_and_the_e_mail_address_show_the_answer(client, answered):
    response = client.post(TRACK, {"reference": answered.reference.lower(), "contact": " Amina.Benali@Exemple.fr "})

    assert response.status_code == 200
    text = page_text(response)
    assert f"Réclamation {answered.reference}" in text
    assert "Répondue" in text
    assert f"Répondue le</dt> <dd> {answered.answered_on:%d/%m/%Y}" in text
    assert "Nous avons renforcé l'accueil aux heures d'affluence." in response.content.decode().replace("&#x27;", "'")
    assert "amina.benali" not in text.lower()  # the page never shows the requester's details back
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_postcode_of_the_address_shows_an_open_request_and_its_due_date(client, world):
    complaint = factories.ComplaintFactory(site=world.site, with_requester=True)

    response = client.post(TRACK, {"reference": complaint.reference, "contact": "13800"})

    assert response.status_code == 200
    text = page_text(response)
    assert "Reçue" in text
    assert f"Réponse attendue au plus tard le</dt> <dd> {complaint.due_on:%d/%m/%Y}" in text
    assert 'id="reponse"' not in text


def _without_what_differs(response, *typed):
    """The page without its CSRF token (new on every page) and the values the visitor typed (shown back)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    for value in typed:
        text = text.replace(f'value="{value}"', 'value=""')
    return text


@pytest.mark.parametrize("contact", ["amina.benali@exemple.fr", "13800"])
def test_a_wrong_reference_and_a_wrong_address_get_the_very_same_page(client, answered, contact):
    unknown = answered.reference[:-5] + "00007"
    wrong_contact = "autre@exemple.fr" if "@" in contact else "13200"

    wrong_reference = client.post(TRACK, {"reference": unknown, "contact": contact})
    wrong_address = client.post(TRACK, {"reference": answered.reference, "contact": wrong_contact})

    assert wrong_reference.status_code == wrong_address.status_code == 400
    assert "Aucune demande ne correspond à cette référence" in page_text(wrong_reference)
    assert _without_what_differs(wrong_reference, unknown, contact) == _without_what_differs(
        wrong_address, answered.reference, wrong_contact
    )
    assert answered.reference not in page_text(wrong_address).replace(f'value="{answered.reference}"', "")


def test_an_erased_requester_can_no_longer_follow_the_request(client, world):
    """Blank details (anonymous request, or erased after the retention period) never match."""
    complaint = factories.ComplaintFactory(site=world.site)

    for contact in ("", "@", "00000"):
        assert client.post(TRACK, {"reference": complaint.reference, "contact": contact}).status_code == 400


def test_the_postcode_given_on_the_public_form_is_stored_and_follows(client, world):
    client.post(reverse("public_complaint_form"), public_form(world, requester_email="", requester_postcode=" 13200 "))
    complaint = Complaint.objects.get()
    assert complaint.requester_postcode == "13200"

    assert client.post(TRACK, {"reference": complaint.reference, "contact": "13200"}).status_code == 200


def test_a_malformed_postcode_is_refused_on_the_public_form(client, world):
    response = client.post(reverse("public_complaint_form"), public_form(world, requester_postcode="132"))

    assert response.status_code == 400
    assert "Le code postal s’écrit avec cinq chiffres" in page_text(response)
    assert not Complaint.objects.exists()


def test_too_many_attempts_from_one_address_get_a_friendly_429(client, answered):
    limit = int(public_views.RATE.split("/")[0])
    for number in range(limit):
        client.post(TRACK, {"reference": f"REC-13-2026-{number:05d}", "contact": "x@exemple.fr"})

    response = client.post(TRACK, {"reference": answered.reference, "contact": "amina.benali@exemple.fr"})

    assert response.status_code == 429
    assert "Trop de demandes envoyées" in page_text(response)
    assert client.get(TRACK).status_code == 200
    other = client.post(
        TRACK, {"reference": answered.reference, "contact": "amina.benali@exemple.fr"}, REMOTE_ADDR="192.0.2.12"
    )
    assert other.status_code == 200


def test_the_acknowledgement_links_to_the_tracking_page(client, world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://qualipref.example.gouv.fr/"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("public_complaint_form"), public_form(world))

    (message,) = mail.outbox
    assert "https://qualipref.example.gouv.fr/e-reclamation/suivi/" in message.body


def test_the_confirmation_page_links_to_the_tracking_page(client, world):
    response = client.post(reverse("public_complaint_form"), public_form(world), follow=True)

    assert f'href="{TRACK}"' in response.content.decode()
