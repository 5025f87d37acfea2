"""The public e-réclamation form: no login, the reference on the confirmation page, an acknowledgement e-mail,
a honeypot and a rate limit against robots, nothing written on bad input."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from complaints import public_views
from complaints.models import Complaint
from tests import factories
from tests.checks import page_text
from tests.complaints.form_data import public_form

pytestmark = pytest.mark.django_db

FORM = reverse("public_complaint_form")


def test_anyone_opens_the_form_and_sees_sites_of_every_prefecture_grouped(client, world):
    response = client.get(FORM)

    assert response.status_code == 200
    text = page_text(response)
    assert '<optgroup label="13 – Préfecture des Bouches-du-Rhône">' in text
    assert '<optgroup label="94 – Préfecture du Val-de-Marne">' in text
    assert "effacées 24 mois après la clôture" in text


def test_a_link_from_a_site_preselects_it(client, world):
    response = client.get(FORM, {"site": world.sister_site.pk})

    assert response.context["form"]["site"].value() == world.sister_site.pk


def test_a_user_files_a_complaint_and_reads_its_reference(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, public_form(world), follow=True)

    complaint = Complaint.objects.get()
    assert response.redirect_chain == [(reverse("public_complaint_done"), 302)]
    assert complaint.reference in page_text(response)
    assert complaint.reference == "REC-13-" + str(timezone.localdate().year) + "-00001"
    assert (complaint.channel, complaint.received_on, complaint.created_by) == ("web", timezone.localdate(), None)
    assert complaint.history.get().history_user is None
    (message,) = mail.outbox
    assert message.to == ["amina.benali@exemple.fr"]
    assert complaint.reference in message.subject
    assert f"au plus tard le {complaint.due_on:%d/%m/%Y}" in message.body


def test_an_anonymous_request_sends_no_e_mail(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM, public_form(world, requester_name="", requester_email="", kind="suggestion"))

    assert Complaint.objects.get().reference.startswith("SUG-13-")
    assert mail.outbox == []


def test_the_confirmation_page_shows_only_the_visitor_own_request(client, world):
    assert client.get(reverse("public_complaint_done")).status_code == 302
    factories.ComplaintFactory(site=world.site)

    assert client.get(reverse("public_complaint_done")).url == FORM


def test_a_filled_honeypot_writes_nothing_and_says_why(client, world):
    response = client.post(FORM, public_form(world, website="http://spam.example"))

    assert response.status_code == 400
    assert "elle ressemble à un envoi automatique" in page_text(response)
    assert not Complaint.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"site": ""}, "site", "Choisissez le site concerné."),
        ({"site": "999999"}, "site", "Choisissez un site de la liste."),
        ({"service": "other"}, "service", "Ce service n’appartient pas au site choisi"),
        ({"description": ""}, "description", "Écrivez votre message."),
        ({"description": "x" * 5001}, "description", "Votre message dépasse 5000 caractères."),
        ({"requester_email": "amina@"}, "requester_email", "Saisissez une adresse électronique valide"),
        ({"kind": "menace"}, "kind", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(client, world, overrides, field, message):
    if overrides.get("service") == "other":
        overrides["service"] = world.foreign_service.pk

    response = client.post(FORM, public_form(world, **overrides))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Complaint.objects.exists()


def test_an_inactive_site_is_not_offered(client, world):
    world.sister_site.is_active = False
    world.sister_site.save()

    response = client.post(FORM, public_form(world, site=world.sister_site.pk, service=""))

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_too_many_requests_from_one_address_get_a_friendly_429(client, world):
    limit = int(public_views.RATE.split("/")[0])
    for _ in range(limit):
        assert client.post(FORM, public_form(world)).status_code == 302

    response = client.post(FORM, public_form(world))

    assert response.status_code == 429
    assert "Trop de demandes envoyées" in page_text(response)
    assert Complaint.objects.count() == limit
    assert client.get(FORM).status_code == 200  # reading the form is not limited


def test_other_addresses_are_not_limited(client, world):
    limit = int(public_views.RATE.split("/")[0])
    for _ in range(limit + 1):
        client.post(FORM, public_form(world), REMOTE_ADDR="192.0.2.10")

    assert client.post(FORM, public_form(world), REMOTE_ADDR="192.0.2.11").status_code == 302


def test_a_failing_mail_server_does_not_lose_the_request(client, world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.complaints.test_public_form.BrokenBackend"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, public_form(world), follow=True)

    assert response.status_code == 200
    assert Complaint.objects.count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur de messagerie injoignable")
