"""Results are counted in the database: the rate is the share of 3 and 4 among the answers that give an opinion,
with a Wilson interval, the previous campaign, the comparison between sites, and the highlights they propose."""

import datetime

import pytest

from surveys import results
from tests.surveys.factories import CampaignFactory, add_response, add_responses

pytestmark = pytest.mark.django_db


def test_the_rate_is_the_share_of_3_and_4_among_answers_with_an_opinion(campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 3, 2, 1, None, None])
    add_response(campaign, world.site, {"phone": 3})  # courtesy not answered

    result = results.campaign_results(campaign)

    courtesy = result.by_code["courtesy"]
    assert result.responses == 8
    assert (courtesy.answers, courtesy.satisfied, courtesy.no_opinion) == (5, 3, 2)
    assert courtesy.rate == 60.0
    assert courtesy.distribution == {1: 1, 2: 1, 3: 1, 4: 2}
    assert result.by_code["phone"].rate == 100.0
    assert result.by_code["signage"].rate is None
    assert [d.code for d in result.dimensions] == [
        "phone",
        "accessibility",
        "conditions",
        "opening_hours",
        "signage",
        "courtesy",
        "waiting_time",
    ]


def test_the_wilson_interval_matches_the_textbook_values():
    assert results.wilson_interval(81, 100) == (72.2, 87.5)
    assert results.wilson_interval(0, 10) == (0.0, 27.8)
    assert results.wilson_interval(10, 10) == (72.2, 100.0)
    assert results.wilson_interval(0, 0) == (None, None)


def test_a_small_sample_is_flagged_and_a_large_one_is_not(campaign, world):
    add_responses(campaign, world.site, "courtesy", [4] * 8 + [2] * 2)
    add_responses(campaign, world.sister_site, "courtesy", [4] * 400 + [1] * 100)

    arles = results.campaign_results(campaign, site=world.site).by_code["courtesy"]
    istres = results.campaign_results(campaign, site=world.sister_site).by_code["courtesy"]

    assert arles.rate == 80.0 and arles.small_sample is True
    assert istres.rate == 80.0 and istres.small_sample is False
    assert istres.high - istres.low < results.SMALL_SAMPLE_WIDTH


def test_dimensions_below_target_are_marked(campaign, world):
    add_responses(campaign, world.site, "waiting_time", [1, 2, 3, 4])
    add_responses(campaign, world.site, "courtesy", [4, 4, 4, 3])

    result = results.campaign_results(campaign)

    assert [d.code for d in result.below_target] == ["waiting_time"]
    assert result.by_code["courtesy"].below_target is False


def test_results_of_a_site_and_of_a_service_count_only_theirs(campaign, world):
    add_responses(campaign, world.site, "phone", [4, 4], service=world.service)
    add_responses(campaign, world.site, "phone", [1, 1])
    add_responses(campaign, world.sister_site, "phone", [1])

    assert results.campaign_results(campaign, site=world.site).by_code["phone"].rate == 50.0
    assert results.campaign_results(campaign, service=world.service).by_code["phone"].rate == 100.0
    assert results.campaign_results(campaign, site=world.sister_site).responses == 1


def test_the_comparison_between_sites_costs_two_queries_whatever_the_number_of_sites(
    campaign, world, django_assert_num_queries
):
    add_responses(campaign, world.site, "phone", [4, 1])
    add_responses(campaign, world.sister_site, "phone", [4, 4, 4])
    results.dimensions_of(campaign)  # the questions, read once per campaign

    with django_assert_num_queries(2):
        rows = results.comparison(campaign, [world.site, world.sister_site])

    assert [(row.label, row.responses, row.dimensions[0].rate) for row in rows] == [
        ("Sous-préfecture d'Arles", 2, 50.0),
        ("Sous-préfecture d'Istres", 3, 100.0),
    ]


def test_the_results_of_a_campaign_cost_the_same_queries_for_10_or_300_responses(
    campaign, world, django_assert_max_num_queries
):
    add_responses(campaign, world.site, "phone", [4] * 10)
    results.dimensions_of(campaign)
    with django_assert_max_num_queries(3) as few:
        results.campaign_results(campaign, compare=False)
    add_responses(campaign, world.site, "phone", [3] * 290)

    with django_assert_max_num_queries(len(few.captured_queries)):
        results.campaign_results(campaign, compare=False)


def test_the_previous_campaign_of_the_same_questionnaire_gives_the_comparison(campaign, world):
    previous = CampaignFactory(
        prefecture=world.prefecture,
        sites=[world.site],
        opens_on=datetime.date(2025, 5, 4),
        closes_on=datetime.date(2025, 6, 30),
        status="closed",
    )
    add_responses(previous, world.site, "phone", [4, 1, 1, 1])
    add_responses(campaign, world.site, "phone", [4, 4, 4, 1])

    phone = results.campaign_results(campaign, site=world.site).by_code["phone"]

    assert (phone.previous_rate, phone.rate, phone.delta) == (25.0, 75.0, 50.0)


def test_an_aggregated_campaign_reads_its_rates_and_compares_with_the_next_one(campaign, world):
    from surveys.services.publication import aggregated_results_set

    past = CampaignFactory(prefecture=world.prefecture, sites=[world.site], aggregated=True)
    aggregated_results_set(
        by=world.users["quality_manager"], campaign=past, site=world.site, rates={"phone": "87", "waiting_time": "51,5"}
    )
    add_responses(campaign, world.site, "phone", [4, 4, 4, 4, 1])

    past_results = results.campaign_results(past, site=world.site)
    phone = results.campaign_results(campaign, site=world.site).by_code["phone"]

    assert past_results.by_code["waiting_time"].rate == 51.5
    assert past_results.by_code["waiting_time"].below_target
    assert past_results.by_code["waiting_time"].small_sample is None  # number of answers unknown
    assert (phone.previous_rate, phone.rate) == (87.0, 80.0)


def test_highlights_are_proposed_from_the_best_and_the_worst_first_dimensions_against_the_target(campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 4, 4])
    add_responses(campaign, world.site, "signage", [4, 4, 4, 2])
    add_responses(campaign, world.site, "waiting_time", [1, 2, 2, 4])

    proposals = results.propose_highlights(results.campaign_results(campaign))

    assert proposals == [
        ("strength", "courtesy", "Accueil courtois : 100 % de « Oui » (objectif 80 %)."),
        ("vigilance", "waiting_time", "Délai d’attente : 25 % de « Oui », sous l’objectif de 80 %."),
        ("vigilance", "signage", "Orientation et signalétique : 75 % de « Oui », sous l’objectif de 80 %."),
    ]
