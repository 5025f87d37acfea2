"""The e-réclamation form is reached from every public page (their footer), from the published results page, and
its whole address is printed on the hall's screen and on the A4 poster of the results (people type it)."""

import html
import re

import pytest
from django.urls import reverse

from surveys.services import publication
from tests.pdf_pages import needs_poppler, pages
from tests.surveys.factories import add_responses

pytestmark = pytest.mark.django_db

ADDRESS = "http://testserver/e-reclamation/"


def _footer_link(response):
    source = response.content.decode()
    footer = source[source.index('<footer class="fr-footer"') :]
    return re.search(r'<a class="fr-footer__content-link"[^>]*href="/e-reclamation/"[^>]*>([^<]*)</a>', footer)


def _publish(campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 1])
    publication.results_publish(by=world.users["quality_manager"], campaign=campaign, site=world.site)


def test_every_public_page_links_to_the_form_in_its_footer(client, campaign, world):
    _publish(campaign, world)
    site = {"site_pk": world.site.pk}
    urls = [
        reverse("public_complaint_form"),
        reverse("public_footfall_index"),
        reverse("public_footfall_site", kwargs={"pk": world.site.pk}),
        reverse("survey_answer", kwargs={"pk": campaign.pk, **site}),
        reverse("survey_public_results", kwargs=site),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        link = _footer_link(response)
        assert link and link.group(1) == "Une réclamation, une suggestion", url


def test_the_results_page_invites_a_complaint_or_a_suggestion(client, campaign, world):
    for published in (False, True):
        if published:
            _publish(campaign, world)
        source = client.get(reverse("survey_public_results", kwargs={"site_pk": world.site.pk})).content.decode()
        callout = source[source.index('id="reclamation"') :]
        assert 'href="/e-reclamation/"' in callout[:1000]
        assert "Une réclamation, une suggestion ?" in html.unescape(callout[:1000])


def test_the_hall_screen_prints_the_whole_address(client, campaign, world):
    _publish(campaign, world)
    text = html.unescape(
        client.get(reverse("survey_public_screen", kwargs={"site_pk": world.site.pk})).content.decode()
    )
    assert re.search(rf"Une réclamation, une suggestion :\s*<a href=\"{ADDRESS}\">{ADDRESS}</a>", text)


@needs_poppler
def test_the_poster_prints_the_address_on_its_one_page(client, campaign, world, tmp_path):
    _publish(campaign, world)

    content = client.get(reverse("survey_public_poster", kwargs={"site_pk": world.site.pk})).content

    printed = pages(content, tmp_path)
    assert len(printed) == 1
    assert f"Une réclamation, une suggestion : {ADDRESS}" in printed[0]
