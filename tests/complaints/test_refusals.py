"""One flow, one message: the pages and the API of both registers refuse the same thing with the same French words
(the services' ``check_handler`` and their messages), whether the user may not handle the item or the item's state
forbids the change."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from complaints import services
from complaints.correspondence import services as correspondence_services
from tests import factories

pytestmark = pytest.mark.django_db

READER = "manager"  # sees the prefecture's registers, handles nothing


def _page_says(response, message):
    return escape(message) in response.content.decode()


def _api_says(response, message):
    return message in str(response.json())


@pytest.fixture
def letter(world):
    return factories.CorrespondenceFactory(site=world.site, received_on=datetime.date(2026, 3, 2))


@pytest.mark.parametrize(
    ("register", "action", "page", "method", "api"),
    [
        ("complaint", "edit", "complaint_edit", "patch", "api:complaint-detail"),
        ("complaint", "answer", "complaint_answer", "post", "api:complaint-answer"),
        ("complaint", "close", "complaint_close", "post", "api:complaint-close"),
        ("letter", "edit", "correspondence_edit", "patch", "api:correspondence-detail"),
        ("letter", "answer", "correspondence_answer", "post", "api:correspondence-answer"),
        ("letter", "delete", "correspondence_delete", "delete", "api:correspondence-detail"),
    ],
)
def test_an_item_refused_to_a_reader_says_the_same_in_the_page_and_the_api(
    request, login, as_role, register, action, page, method, api
):
    item = request.getfixturevalue(register)
    flow = services.COMPLAINTS if register == "complaint" else correspondence_services.CORRESPONDENCE
    message = flow.refusals[action]

    on_page = login(READER).post(reverse(page, kwargs={"pk": item.pk}))
    in_api = getattr(as_role(READER), method)(reverse(api, kwargs={"pk": item.pk}), {}, format="json")

    assert (on_page.status_code, in_api.status_code) == (403, 403)
    assert _page_says(on_page, message)
    assert _api_says(in_api, message)


def test_a_closed_complaint_is_not_edited_with_the_same_words_in_the_page_and_the_api(world, login, as_role):
    complaint = factories.ComplaintFactory(site=world.site, received_on=datetime.date(2026, 3, 2))
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="Réponse."
    )
    services.complaint_close(by=world.users["agent"], complaint=complaint)

    on_page = login("agent").get(reverse("complaint_edit", kwargs={"pk": complaint.pk}), follow=True)
    in_api = as_role("agent").patch(
        reverse("api:complaint-detail", kwargs={"pk": complaint.pk}), {"description": "Autre"}, format="json"
    )

    assert _page_says(on_page, services.CLOSED_REFUSED)
    assert in_api.status_code == 400
    assert _api_says(in_api, services.CLOSED_REFUSED)


def test_an_answered_item_is_not_answered_again_with_the_same_words_in_the_page_and_the_api(
    world, login, as_role, letter
):
    correspondence_services.correspondence_answer(
        by=world.users["agent"], correspondence=letter, answered_on=datetime.date(2026, 3, 5)
    )
    message = correspondence_services.answered_refused(letter)

    on_page = login("agent").get(reverse("correspondence_answer", kwargs={"pk": letter.pk}), follow=True)
    in_api = as_role("agent").post(
        reverse("api:correspondence-answer", kwargs={"pk": letter.pk}), {"answered_on": "2026-03-06"}, format="json"
    )

    assert _page_says(on_page, message)
    assert in_api.status_code == 400
    assert _api_says(in_api, message)


def test_the_answer_page_of_an_answered_complaint_goes_back_to_it_with_the_refusal(world, login, complaint):
    services.complaint_answer(
        by=world.users["agent"], complaint=complaint, answered_on=datetime.date(2026, 3, 5), response="Réponse."
    )

    response = login("agent").get(reverse("complaint_answer", kwargs={"pk": complaint.pk}), follow=True)

    assert response.redirect_chain == [(reverse("complaint_detail", kwargs={"pk": complaint.pk}), 302)]
    assert _page_says(response, services.answered_refused(complaint))
