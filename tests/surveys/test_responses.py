"""Answers by visitors and paper questionnaires typed in by agents: what is accepted, what is refused (in French,
by field) and that nothing is ever counted twice."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from surveys.models import Answer, Response
from surveys.services import responses as services
from tests.surveys.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _messages(error):
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


def test_a_visitor_answers_by_question_code_with_sans_avis_and_skipped_questions(campaign, world):
    response = services.response_submit(
        campaign=campaign,
        site=world.site,
        service=world.service,
        answers={"conditions": 4, "accessibility": 1, "phone": None},
    )

    stored = dict(Answer.objects.filter(response=response).values_list("question_code", "value"))
    assert stored == {"conditions": 4, "accessibility": 1, "phone": None}
    assert (response.channel, response.answered_on, response.entered_by) == ("web", timezone.localdate(), None)
    assert Answer.objects.filter(response=response, site=world.site, campaign=campaign).count() == 3


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"conditions": 0}, "conditions : 0 est hors de l'échelle de 1 (très insatisfait) à 4 (très satisfait)."),
        ({"conditions": 5}, "conditions : 5 est hors de l'échelle"),
        ({"conditions": "abc"}, "conditions : « abc » n'est pas une réponse (1 à 4, ou null pour « sans avis »)."),
        ({"conditions": "3"}, "conditions : « 3 » n'est pas une réponse"),
        ({"conditions": True}, "conditions : « True » n'est pas une réponse"),
        ({"conditions": 2.5}, "n'est pas une réponse"),
        ({"hair_colour": 3}, "Question inconnue : « hair_colour »"),
        ([3, 4], "Les réponses sont un objet"),
        ({}, "Répondez au moins à une question ou laissez un commentaire."),
    ],
)
def test_answers_out_of_the_scale_or_unknown_are_refused_and_nothing_is_written(campaign, world, answers, message):
    with pytest.raises(ValidationError) as error:
        services.response_submit(campaign=campaign, site=world.site, answers=answers)

    assert message in _messages(error)["answers"]
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_comment_needs_the_consent_of_its_author(campaign, world):
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            campaign=campaign, site=world.site, answers={"conditions": 4}, comment="Très bon accueil."
        )

    assert "Cochez la case d'accord" in _messages(error)["comment_consent"]
    assert not Response.objects.exists()


def test_a_comment_with_consent_waits_for_moderation_and_consent_alone_is_ignored(campaign, world):
    with_comment = services.response_submit(
        campaign=campaign, site=world.site, answers={}, comment="  Très bon accueil.  ", comment_consent=True
    )
    without = services.response_submit(campaign=campaign, site=world.site, answers={"phone": 3}, comment_consent=True)

    assert (with_comment.comment, with_comment.comment_status) == ("Très bon accueil.", "pending")
    assert (without.comment_consent, without.comment_status) == (False, "none")


@pytest.mark.parametrize(
    ("traits", "message"),
    [
        ({"closed": True}, "Cette enquête est close depuis le"),
        ({"future": True}, "Cette enquête ouvrira le"),
        ({"draft": True}, "Cette enquête n'est pas encore ouverte."),
        ({"status": "closed"}, "Cette enquête est close"),
    ],
)
def test_a_closed_future_or_draft_campaign_takes_no_answer(world, traits, message):
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], **traits)

    with pytest.raises(ValidationError) as error:
        services.response_submit(campaign=campaign, site=world.site, answers={"conditions": 4})

    assert message in _messages(error)["campaign"]
    assert not Response.objects.exists()


def test_a_site_outside_the_campaign_or_a_foreign_service_is_refused(campaign, world):
    with pytest.raises(ValidationError) as error:
        services.response_submit(campaign=campaign, site=world.foreign_site, answers={"conditions": 4})
    assert _messages(error)["site"] == "Ce site ne participe pas à cette enquête."

    with pytest.raises(ValidationError) as error:
        services.response_submit(
            campaign=campaign, site=world.site, service=world.foreign_service, answers={"conditions": 4}
        )
    assert _messages(error)["service"] == "Ce service n'appartient pas au site choisi."
    assert not Response.objects.exists()


def test_a_channel_the_campaign_does_not_use_is_refused(world):
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], channels=["paper"])

    with pytest.raises(ValidationError) as error:
        services.response_submit(campaign=campaign, site=world.site, answers={"conditions": 4})

    assert "ne recueille pas de réponses par ce canal" in _messages(error)["channel"]


def test_the_same_submission_key_counts_once(campaign, world):
    key = uuid.uuid4()
    first = services.response_submit(campaign=campaign, site=world.site, answers={"conditions": 4}, submission_key=key)
    again = services.response_submit(campaign=campaign, site=world.site, answers={"conditions": 1}, submission_key=key)

    assert again.pk == first.pk
    assert Response.objects.count() == 1
    assert list(Answer.objects.values_list("value", flat=True)) == [4]


# --- paper questionnaires ------------------------------------------------------------------------------------


def test_an_agent_types_a_paper_questionnaire_of_their_site_even_once_the_campaign_is_closed(world):
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site], closed=True)
    day = campaign.opens_on + datetime.timedelta(days=3)

    response = services.response_enter(
        by=world.users["agent"], campaign=campaign, site=world.site, answers={"conditions": 3}, answered_on=day
    )

    assert (response.channel, response.entered_by, response.answered_on) == ("paper", world.users["agent"], day)


def test_a_paper_questionnaire_is_dated_within_the_campaign_and_not_in_the_future(campaign, world):
    agent = world.users["agent"]
    for day, message in [
        (campaign.opens_on - datetime.timedelta(days=1), "dans la période de la campagne"),
        (timezone.localdate() + datetime.timedelta(days=1), "ne peut pas être dans le futur"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.response_enter(by=agent, campaign=campaign, site=world.site, answers={"phone": 2}, answered_on=day)
        assert message in _messages(error)["answered_on"]
    assert not Response.objects.exists()


def test_an_agent_may_not_type_the_questionnaires_of_another_site(campaign, world):
    with pytest.raises(PermissionDenied):
        services.response_enter(
            by=world.users["agent"],
            campaign=campaign,
            site=world.sister_site,
            answers={"phone": 2},
            answered_on=timezone.localdate(),
        )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", (1, None)),
        (" 4 ", (4, None)),
        ("S", (None, None)),
        ("sans avis", (None, None)),
        ("", ("absent", None)),
        ("0", ("absent", "« 0 » est hors de l'échelle : de 1 (très insatisfait) à 4 (très satisfait).")),
        ("5", ("absent", "« 5 » est hors de l'échelle : de 1 (très insatisfait) à 4 (très satisfait).")),
        ("abc", ("absent", "« abc » n'est pas une réponse : de 1 à 4, ou S pour « sans avis ».")),
    ],
)
def test_what_an_agent_types_on_the_grid(typed, expected):
    assert services.parse_value(typed) == expected
