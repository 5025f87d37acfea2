"""The postal reply: a letter on the prefecture's letterhead (Marianne identity, the requester's address block,
the reference, the date, the signatory), downloaded as a PDF from the complaint and read back with pdftotext."""

import datetime

import pytest
from django.urls import reverse

from complaints import services
from tests.complaints.letters import assert_letter_to_amina_benali
from tests.pdf_pages import needs_poppler

pytestmark = [pytest.mark.django_db, needs_poppler]

RESPONSE = "Amina Benali,\n\nNous avons renforcé l'accueil le matin.\n\nNous vous prions d'agréer nos salutations."


def test_the_letter_of_an_answered_complaint_prints_on_the_prefecture_letterhead(
    login, world, complaint, tmp_path, django_capture_on_commit_callbacks
):
    agent = world.users["agent"]
    services.complaint_answer(by=agent, complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE)
    client = login("agent")
    detail = client.get(reverse("complaint_detail", kwargs={"pk": complaint.pk})).content.decode()
    url = reverse("complaint_letter_pdf", kwargs={"pk": complaint.pk})
    assert f'href="{url}"' in detail

    response = client.get(url)

    assert_letter_to_amina_benali(
        response,
        tmp_path,
        reference=complaint.reference,
        subject="Objet : réponse à votre réclamation du 02/03/2026",
        paragraph="Nous avons renforcé l'accueil le matin.",
        agent=agent,
    )


def test_no_letter_before_the_answer_nor_for_readers(login, world, complaint):
    url = reverse("complaint_letter_pdf", kwargs={"pk": complaint.pk})
    assert login("agent").get(url).status_code == 404

    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 12), response=RESPONSE
    )
    assert login("manager").get(url).status_code == 403
    detail = login("manager").get(reverse("complaint_detail", kwargs={"pk": complaint.pk})).content.decode()
    assert url not in detail
