"""The public questionnaire (no login, phone and kiosk), its honeypot and rate limit, and the published results
(website page, hall screen, PDF poster): nothing unpublished ever shows."""

import html
import re

import pytest
from django.urls import reverse

from surveys.models import Answer, Response
from surveys.services import publication
from surveys.views import public
from tests.surveys.factories import CampaignFactory, add_response, add_responses

pytestmark = pytest.mark.django_db


def _text(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _url(campaign, site):
    return reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": site.pk})


def _data(**overrides):
    data = {
        "q_courtesy": "oui",
        "q_waiting_time": "non",
        "q_conditions": "2",
        "q_phone": "s",
        "comment": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_opens_the_questionnaire_of_a_site(client, campaign, world):
    response = client.get(_url(campaign, world.site))

    assert response.status_code == 200
    text = _text(response)
    assert "Avez-vous été accueilli(e) avec courtoisie ?" in text
    assert "Très satisfait" in text and "Sans avis" in text
    assert "Aucune question n’est obligatoire" in text
    assert 'name="website"' in text  # the honeypot
    assert "Accueil général" in text  # the campaign's service of Arles


def test_a_visitor_answers_and_is_thanked(client, campaign, world):
    response = client.post(_url(campaign, world.site), _data(service=world.service.pk), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "survey_thanks", kwargs={"pk": campaign.pk, "site_pk": world.site.pk}
    )
    assert "Merci pour votre réponse" in _text(response)
    stored = Response.objects.get()
    assert (stored.site, stored.service, stored.channel) == (world.site, world.service, "web")
    assert dict(Answer.objects.values_list("question_code", "value")) == {
        "courtesy": 4,  # « Oui »
        "waiting_time": 1,  # « Non »
        "conditions": 2,
        "phone": None,
    }


def test_the_thanks_page_is_only_for_who_answered(client, campaign, world):
    url = reverse("survey_thanks", kwargs={"pk": campaign.pk, "site_pk": world.site.pk})
    assert client.get(url).url == _url(campaign, world.site)


def test_a_double_submission_of_the_same_form_counts_once(client, campaign, world):
    data = _data(submission_key="6f1c1d1e-3c1b-4d4e-9a8b-0c1d2e3f4a5b")
    client.post(_url(campaign, world.site), data)
    client.post(_url(campaign, world.site), data)

    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"q_conditions": "5"}, "q_conditions", "Choisissez une réponse de la liste."),
        ({"q_conditions": "abc"}, "q_conditions", "Choisissez une réponse de la liste."),
        ({"q_courtesy": "4"}, "q_courtesy", "Répondez par « Oui » ou par « Non »."),
        ({"q_courtesy": "s"}, "q_courtesy", "Répondez par « Oui » ou par « Non »."),
        ({"comment": "Merci !"}, "comment_consent", "Cochez la case d'accord"),
        ({"service": "999999"}, "service", "Choisissez un service de la liste."),
    ],
)
def test_bad_answers_are_refused_in_french_and_nothing_is_written(client, campaign, world, overrides, field, message):
    response = client.post(_url(campaign, world.site), _data(**overrides))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Response.objects.exists()


def test_an_empty_questionnaire_is_not_counted(client, campaign, world):
    response = client.post(_url(campaign, world.site), {"website": ""})

    assert response.status_code == 400
    assert "Répondez au moins à une question" in _text(response)
    assert not Response.objects.exists()


def test_a_filled_honeypot_writes_nothing_and_says_why(client, campaign, world):
    response = client.post(_url(campaign, world.site), _data(website="http://spam.example"))

    assert response.status_code == 400
    assert "elle ressemble à un envoi automatique" in _text(response)
    assert not Response.objects.exists()


def test_too_many_answers_from_one_address_get_a_friendly_429(client, campaign, world):
    limit = int(public.RATE.split("/")[0])
    for _ in range(limit):
        assert client.post(_url(campaign, world.site), _data()).status_code == 302

    response = client.post(_url(campaign, world.site), _data())

    assert response.status_code == 429
    assert "Trop de réponses envoyées" in _text(response)
    assert Response.objects.count() == limit


def test_a_closed_campaign_says_so_and_refuses_answers(client, world):
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], closed=True)

    assert client.get(_url(campaign, world.site)).status_code == 410
    response = client.post(_url(campaign, world.site), _data())

    assert response.status_code == 410
    assert "Cette enquête est close depuis le" in _text(response)
    assert not Response.objects.exists()


def test_a_draft_campaign_a_site_outside_it_or_an_unused_channel_is_a_404(client, campaign, world):
    draft = CampaignFactory(prefecture=world.prefecture, sites=[world.site], draft=True)
    paper_only = CampaignFactory(prefecture=world.prefecture, sites=[world.site], channels=["paper"])

    assert client.get(_url(draft, world.site)).status_code == 404
    assert client.get(_url(campaign, world.foreign_site)).status_code == 404
    assert client.get(_url(paper_only, world.site)).status_code == 404
    assert client.post(_url(campaign, world.foreign_site), _data()).status_code == 404
    assert not Response.objects.exists()


def test_the_kiosk_starts_again_after_each_answer(client, campaign, world):
    url = reverse("survey_kiosk", kwargs={"pk": campaign.pk, "site_pk": world.site.pk, "key": campaign.kiosk_key})

    response = client.post(url, _data(), follow=True)

    assert response.redirect_chain == [(f"{url}?merci=1", 302)]
    text = _text(response)
    assert "Merci pour votre réponse !" in text
    assert "checked" not in text.split('id="questionnaire"')[1]  # a blank questionnaire
    assert Response.objects.get().channel == "kiosk"


def test_the_kiosk_needs_its_key(client, campaign, world):
    url = reverse("survey_kiosk", kwargs={"pk": campaign.pk, "site_pk": world.site.pk, "key": "devine"})
    assert client.get(url).status_code == 404


# --- published results --------------------------------------------------------------------------------------


def _publish(campaign, world, site=None):
    publication.results_publish(by=world.users["quality_manager"], campaign=campaign, site=site or world.site)


def test_unpublished_results_do_not_show(client, campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 1])

    for name in ("survey_public_results", "survey_public_screen"):
        response = client.get(reverse(name, kwargs={"site_pk": world.site.pk}))
        assert response.status_code == 200
        assert "67 %" not in _text(response) and "66,7 %" not in _text(response)
    assert client.get(reverse("survey_public_poster", kwargs={"site_pk": world.site.pk})).status_code == 404


def test_published_results_show_rates_points_and_approved_comments_only(client, campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 1])
    approved = add_response(campaign, world.site, {"phone": 4}, comment="Accueil parfait, merci.")
    add_response(campaign, world.site, {"phone": 4}, comment="Comment privé en attente.")
    qm = world.users["quality_manager"]
    publication.comment_moderate(by=qm, response=approved, decision="approved")
    publication.highlights_propose(by=qm, campaign=campaign, site=world.site)
    _publish(campaign, world)

    text = _text(client.get(reverse("survey_public_results", kwargs={"site_pk": world.site.pk})))

    assert "66,7 %" in text  # courtesy: 2 of 3
    assert "Accueil courtois : 66,7 % de « Oui », sous l’objectif de 80 %." in text
    assert "Accueil parfait, merci." in text
    assert "Comment privé en attente." not in text
    screen = client.get(reverse("survey_public_screen", kwargs={"site_pk": world.site.pk}))
    html = screen.content.decode()
    assert 'http-equiv="refresh"' not in html  # a critical failure for the RGAA: reloaded by a pausable script
    assert 'data-refresh-seconds="300"' in html and "surveys/screen.js" in html
    assert "67 %" in _text(screen)


def test_the_poster_is_an_a4_pdf_of_the_published_results(client, campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 1])
    _publish(campaign, world)

    response = client.get(reverse("survey_public_poster", kwargs={"site_pk": world.site.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_site_results_stay_hidden(client, campaign, world):
    add_responses(campaign, world.site, "courtesy", [4])
    add_responses(campaign, world.sister_site, "courtesy", [1, 1, 1, 1])
    _publish(campaign, world)

    text = _text(client.get(reverse("survey_public_results", kwargs={"site_pk": world.sister_site.pk})))

    assert "pas encore publiés" in text
