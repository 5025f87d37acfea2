"""Factories of the survey tests (kept with them: tests/factories.py is shared by every app)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from surveys.models import Answer, Campaign, CampaignSite, Response
from surveys.questionnaires import default_questionnaire
from tests.factories import PrefectureFactory


def _today():
    return timezone.localdate()


class CampaignFactory(DjangoModelFactory):
    """An open campaign of the users' questionnaire (web, kiosk and paper), from 10 days ago to 20 days ahead.

    ``sites=[...]`` and ``services=[...]`` set its perimeter; Traits: ``draft``, ``closed``, ``future``,
    ``aggregated`` (2015, known by its rates)."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    prefecture = factory.SubFactory(PrefectureFactory)
    questionnaire = factory.LazyFunction(default_questionnaire)
    title = factory.Sequence(lambda n: f"Enquête de satisfaction n° {n}")
    opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=20))
    channels = factory.LazyFunction(lambda: ["web", "kiosk", "paper"])
    status = Campaign.Status.OPEN
    target_rate = 80

    class Params:
        draft = factory.Trait(status=Campaign.Status.DRAFT)
        closed = factory.Trait(
            status=Campaign.Status.CLOSED,
            opens_on=factory.LazyFunction(lambda: _today() - datetime.timedelta(days=60)),
            closes_on=factory.LazyFunction(lambda: _today() - datetime.timedelta(days=30)),
        )
        future = factory.Trait(
            opens_on=factory.LazyFunction(lambda: _today() + datetime.timedelta(days=5)),
            closes_on=factory.LazyFunction(lambda: _today() + datetime.timedelta(days=35)),
        )
        aggregated = factory.Trait(
            kind=Campaign.Kind.AGGREGATED,
            status=Campaign.Status.CLOSED,
            channels=[],
            opens_on=datetime.date(2015, 5, 4),
            closes_on=datetime.date(2015, 6, 30),
        )

    @factory.post_generation
    def sites(obj, create, extracted, **kwargs):
        if create and extracted:
            CampaignSite.objects.bulk_create(CampaignSite(campaign=obj, site=site) for site in extracted)

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.set(extracted)


def add_response(campaign, site, answers, *, service=None, comment="", channel="web", answered_on=None, **extra):
    """A response written directly (tests of results and pages; the services have their own tests)."""
    response = Response.objects.create(
        campaign=campaign,
        prefecture_id=campaign.prefecture_id,
        site=site,
        service=service,
        channel=channel,
        answered_on=answered_on or _today(),
        comment=comment,
        comment_consent=bool(comment),
        comment_status="pending" if comment else "none",
        **extra,
    )
    Answer.objects.bulk_create(
        Answer(response=response, campaign=campaign, site=site, service=service, question_code=code, value=value)
        for code, value in answers.items()
    )
    return response


def add_responses(campaign, site, code, values, **kwargs):
    """One response per value, answering only ``code``."""
    return [add_response(campaign, site, {code: value}, **kwargs) for value in values]
