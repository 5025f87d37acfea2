"""The staff's pages: campaigns, the keyboard entry grid of paper questionnaires, the CSV import, aggregated results,
QR codes and posters, results with points forts / de vigilance, moderation, publication and actions."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action
from surveys.models import AggregatedResult, Campaign, Highlight, Response
from tests import factories
from tests.surveys.factories import CampaignFactory, add_response, add_responses

pytestmark = pytest.mark.django_db


def _text(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_quality_manager_prepares_and_opens_a_campaign(login, world):
    client = login("quality_manager")
    today = timezone.localdate()
    response = client.post(
        reverse("campaign_create"),
        {
            "prefecture": world.prefecture.pk,
            "title": "Enquête de printemps",
            "kind": "responses",
            "questionnaire": Campaign._meta.get_field("questionnaire").related_model.objects.get(code="users").pk,
            "sites": [world.site.pk, world.sister_site.pk],
            "services": [world.service.pk],
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
            "channels": ["web", "paper"],
            "target_responses": "200",
            "target_rate": "85",
        },
    )
    campaign = Campaign.objects.get(title="Enquête de printemps")
    assert response.url == reverse("campaign_detail", kwargs={"pk": campaign.pk})
    assert (campaign.status, campaign.target_rate, campaign.channels) == ("draft", 85, ["web", "paper"])
    assert set(campaign.sites.all()) == {world.site, world.sister_site}

    client.post(reverse("campaign_status", kwargs={"pk": campaign.pk}), {"status": "open"})
    campaign.refresh_from_db()
    assert campaign.status == "open"
    page = _text(client.get(reverse("campaign_detail", kwargs={"pk": campaign.pk})))
    assert f"/enquete/{campaign.pk}/{world.site.pk}/" in page


def test_a_campaign_keeps_its_sites_with_responses_and_its_questionnaire_once_open(login, campaign, world):
    add_responses(campaign, world.sister_site, "phone", [4])
    client = login("quality_manager")
    url = reverse("campaign_edit", kwargs={"pk": campaign.pk})
    data = {
        "title": "Enquête renommée",
        "questionnaire": campaign.questionnaire_id,
        "sites": [world.site.pk],
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "channels": ["web"],
        "target_rate": "80",
    }

    response = client.post(url, data)
    assert "Un site qui a des réponses ou des résultats publiés reste dans la campagne." in _text(response)
    campaign.refresh_from_db()
    assert campaign.title != "Enquête renommée"

    client.post(url, {**data, "sites": [world.site.pk, world.sister_site.pk]})
    campaign.refresh_from_db()
    assert (campaign.title, campaign.channels) == ("Enquête renommée", ["web"])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target_rate": "120"}, "target_rate", "Un objectif de satisfaction ne dépasse pas 100 %."),
        ({"closes_on": "2020-01-01"}, "closes_on", "La clôture ne peut pas précéder l'ouverture."),
        ({"sites": []}, "sites", "Ce champ est obligatoire."),
        ({"channels": []}, "channels", "Choisissez au moins un canal de collecte."),
    ],
)
def test_a_wrong_campaign_is_refused_in_french(login, world, overrides, field, message):
    client = login("quality_manager")
    today = timezone.localdate()
    data = {
        "prefecture": world.prefecture.pk,
        "title": "Enquête",
        "kind": "responses",
        "questionnaire": Campaign._meta.get_field("questionnaire").related_model.objects.get(code="users").pk,
        "sites": [world.site.pk],
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        "channels": ["web"],
        "target_rate": "80",
        **overrides,
    }
    response = client.post(reverse("campaign_create"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Campaign.objects.exists()


def test_the_list_costs_the_same_for_1_or_20_campaigns(login, world, django_assert_num_queries):
    client = login("quality_manager")
    CampaignFactory(prefecture=world.prefecture, sites=[world.site])
    client.get(reverse("campaign_list"))  # warm: what the process keeps (the DSFR configuration)
    # session, user, memberships, campaigns count and page, responses per campaign, navigation checks; the DSFR
    # configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(7) as one:
        client.get(reverse("campaign_list"))
    for _ in range(19):
        CampaignFactory(prefecture=world.prefecture, sites=[world.site])

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("campaign_list"))
    assert len(response.context["page_obj"].object_list) == 20
    # each campaign's sites counted by a subquery for the rows of the page (none is a 0, not a missing row)
    CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site])
    CampaignFactory(prefecture=world.prefecture, sites=[])
    counts = sorted(c.site_count for c in client.get(reverse("campaign_list")).context["page_obj"].object_list)
    assert counts == [0] + [1] * 20 + [2]


def test_an_agent_types_paper_questionnaires_one_after_the_other(login, campaign, world):
    client = login("agent")
    url = reverse("campaign_entry", kwargs={"pk": campaign.pk})
    page = client.get(url)
    assert list(page.context["form"].fields["site"].queryset) == [world.site]  # only their own site

    response = client.post(
        url,
        {
            "site": world.site.pk,
            "answered_on": timezone.localdate().isoformat(),
            "q_phone": "4",
            "q_courtesy": "s",
            "q_waiting_time": "n",
            "q_signage": "O",
            "comment": "",
        },
        follow=True,
    )

    stored = Response.objects.get()
    assert (stored.channel, stored.entered_by) == ("paper", world.users["agent"])
    assert dict(stored.answers.values_list("question_code", "value")) == {
        "phone": 4,
        "courtesy": None,
        "waiting_time": 1,  # « Non »
        "signage": 4,  # « Oui »
    }
    assert "au suivant" in _text(response)
    assert response.context["form"]["site"].value() == world.site.pk  # kept for the next one


@pytest.mark.parametrize(
    ("typed", "message"), [("0", "hors de l'échelle"), ("5", "hors de l'échelle"), ("abc", "n'est pas une réponse")]
)
def test_the_grid_refuses_answers_out_of_the_scale(login, campaign, world, typed, message):
    client = login("agent")
    response = client.post(
        reverse("campaign_entry", kwargs={"pk": campaign.pk}),
        {"site": world.site.pk, "answered_on": timezone.localdate().isoformat(), "q_phone": typed},
    )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["q_phone"])
    assert not Response.objects.exists()


def _csv(text, name="questionnaires.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _import(login, campaign, *lines):
    """The quality manager's import of a CSV file of ``lines``, where ``{day}`` is today (JJ/MM/AAAA)."""
    day = timezone.localdate().strftime("%d/%m/%Y")
    content = "".join(line.format(day=day) + "\n" for line in lines)
    return login("quality_manager").post(
        reverse("campaign_import", kwargs={"pk": campaign.pk}), {"file": _csv(content)}
    )


def test_a_csv_file_of_paper_questionnaires_is_imported(login, campaign, world):
    response = _import(
        login,
        campaign,
        "site;service;date;phone;courtesy;waiting_time;commentaire;accord_commentaire",
        "Sous-préfecture d'Arles;Accueil général;{day};4;oui;S;Très bien;oui",
        "Sous-préfecture d'Istres;;{day};2;;non;;",
    )

    assert response.status_code == 302
    assert Response.objects.filter(channel="import").count() == 2
    assert Response.objects.get(site=world.site).comment_status == "pending"


def test_a_csv_file_with_wrong_rows_imports_nothing_and_reports_each_row(login, campaign, world):
    response = _import(
        login,
        campaign,
        "site;date;phone;courtesy;commentaire;accord_commentaire",
        "Sous-préfecture d'Arles;{day};4;oui;;",
        "Sous-préfecture d'Arles;{day};0;3;;",
        "Créteil – Préfecture;{day};abc;non;;",
        "Sous-préfecture d'Arles;31/02/2026;4;oui;;",
        "Sous-préfecture d'Arles;{day};4;oui;Super;",
        "Sous-préfecture d'Arles;{day};4",
    )

    assert response.status_code == 400
    errors = {(e.line, e.field): e.message for e in response.context["report"].errors}
    assert "hors de l'échelle" in errors[(3, "phone")]
    assert "se répond par oui ou par non" in errors[(3, "courtesy")]
    assert "ne participe pas à la campagne" in errors[(4, "site")]
    assert "n'est pas une réponse" in errors[(4, "phone")]
    assert "n'est pas une date du calendrier" in errors[(5, "date")]
    assert "Cochez la case d'accord" in errors[(6, "comment_consent")]
    assert "La ligne compte 3 cellules au lieu de 6" in errors[(7, "")]
    assert "Rien n’a été importé" in _text(response)
    assert not Response.objects.exists()


def test_a_csv_file_with_unknown_columns_or_a_spreadsheet_is_refused(login, campaign):
    client = login("quality_manager")
    url = reverse("campaign_import", kwargs={"pk": campaign.pk})

    response = client.post(url, {"file": _csv("site;date;couleur\nArles;01/01/2026;bleu\n")})
    assert "Colonne inconnue « couleur »" in _text(response)
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", b"PK\x03\x04" + b"\x00" * 50)})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_the_csv_template_lists_the_question_codes(login, campaign):
    response = login("agent").get(reverse("campaign_import", kwargs={"pk": campaign.pk}), {"modele": "1"})

    header = response.content.decode().splitlines()[0]
    assert header.startswith("site;service;date;phone;accessibility;conditions;opening_hours;signage;courtesy")


def test_aggregated_rates_over_100_percent_are_refused(login, world):
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], aggregated=True)
    client = login("quality_manager")
    url = reverse("campaign_aggregated", kwargs={"pk": campaign.pk})

    response = client.post(url, {"site": world.site.pk, "rate_phone": "120", "rate_courtesy": "abc"})

    assert response.status_code == 400
    text = " ".join(response.context["form"].non_field_errors())
    assert "120 % : un taux de satisfaction est compris entre 0 et 100 %." in text
    assert "« abc » n'est pas un pourcentage." in text
    assert not AggregatedResult.objects.exists()

    client.post(url, {"site": world.site.pk, "rate_phone": "87", "rate_waiting_time": "51,5", "answers": "120"})
    assert dict(AggregatedResult.objects.values_list("question_code", "rate")) == {
        "phone": 87,
        "waiting_time": pytest.approx(51.5),
    }


def test_the_qr_code_of_a_site_comes_as_svg_and_png_and_on_a_printable_poster(login, campaign, world):
    client = login("site_referent")
    kwargs = {"pk": campaign.pk, "site_pk": world.site.pk}

    svg = client.get(reverse("campaign_qr", kwargs={**kwargs, "fmt": "svg"}))
    png = client.get(reverse("campaign_qr", kwargs={**kwargs, "fmt": "png"}))
    poster = client.get(reverse("campaign_poster", kwargs=kwargs))

    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert "Votre avis compte" in _text(poster) and "surveys/poster.css" in _text(poster)  # its A4 @page rule
    assert f"/enquete/{campaign.pk}/{world.site.pk}/" in _text(poster)
    assert client.get(reverse("campaign_qr", kwargs={**kwargs, "fmt": "gif"})).status_code == 404
    assert (
        client.get(
            reverse("campaign_qr", kwargs={**kwargs, "fmt": "svg", "site_pk": world.foreign_site.pk})
        ).status_code
        == 404
    )


def test_the_results_page_shows_rates_intervals_comparison_and_the_definition(login, campaign, world):
    add_responses(campaign, world.site, "waiting_time", [1, 2, 4, 4, None])
    add_responses(campaign, world.sister_site, "waiting_time", [4, 4, 4])

    text = _text(login("manager").get(reverse("campaign_results", kwargs={"pk": campaign.pk}), {"site": world.site.pk}))

    assert "50 %" in text and "sous l’objectif de 80 %" in text
    assert "échantillon réduit" in text
    assert "part des réponses « plutôt satisfait » (3) et « très satisfait » (4) parmi les réponses exprimées" in text
    assert "Comparaison entre sites" in text and "Sous-préfecture d'Istres" in text
    assert "Proposer une action" not in text  # a manager only reads


def test_the_results_page_costs_the_same_for_10_or_300_responses(login, campaign, world, django_assert_max_num_queries):
    client = login("quality_manager")
    url = reverse("campaign_results", kwargs={"pk": campaign.pk})
    add_responses(campaign, world.site, "phone", [4] * 10)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    add_responses(campaign, world.site, "phone", [3] * 290)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_referent_proposes_edits_and_publishes_the_points_of_their_site(login, campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 4])
    add_responses(campaign, world.site, "waiting_time", [1, 1, 4])
    client = login("site_referent")

    client.post(reverse("campaign_highlights_propose", kwargs={"pk": campaign.pk}), {"site": world.site.pk})
    strength = Highlight.objects.get(kind="strength")
    assert strength.text == "Accueil courtois : 100 % de « Oui » (objectif 80 %)."

    edit_url = reverse("campaign_highlight_edit", kwargs={"pk": campaign.pk, "highlight_pk": strength.pk})
    assert 'name="text"' in client.get(edit_url, HTTP_HX_REQUEST="true").content.decode()
    row = client.post(edit_url, {"text": "Un accueil courtois, salué par tous."}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "salué par tous" in row.content.decode()
    refused = client.post(edit_url, {"text": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Écrivez le texte du point" in refused.content.decode()

    client.post(reverse("campaign_publish", kwargs={"pk": campaign.pk}), {"site": world.site.pk})
    public = _text(client.get(reverse("survey_public_results", kwargs={"site_pk": world.site.pk})))
    assert "Un accueil courtois, salué par tous." in public
    assert "Délai d’attente : 33,3 % de « Oui »" in public


def test_the_referent_may_not_publish_a_sister_site(login, campaign, world):
    add_responses(campaign, world.sister_site, "courtesy", [4])
    response = login("site_referent").post(
        reverse("campaign_publish", kwargs={"pk": campaign.pk}), {"site": world.sister_site.pk}
    )
    assert response.status_code == 403
    assert not campaign.campaign_sites.filter(published_at__isnull=False).exists()


def test_comments_are_moderated_before_any_publication(login, campaign, world):
    response = add_response(campaign, world.site, {"phone": 4}, comment="Merci à l'agent d'accueil.")
    client = login("site_referent")

    page = client.get(reverse("campaign_comments", kwargs={"pk": campaign.pk}))
    assert "Merci à l'agent d'accueil." in _text(page)

    answer = client.post(
        reverse("campaign_comment_moderate", kwargs={"pk": campaign.pk, "response_pk": response.pk}),
        {"decision": "approved"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200 and "Publiable" in answer.content.decode()
    response.refresh_from_db()
    assert (response.comment_status, response.moderated_by) == ("approved", world.users["site_referent"])


def test_a_dimension_below_target_proposes_an_action_linked_to_the_campaign(login, campaign, world):
    factories.ActionPlanFactory(prefecture=world.prefecture, title="Plan d'action 2026")
    add_responses(campaign, world.site, "waiting_time", [1, 1, 4])
    client = login("site_referent")
    url = reverse("campaign_action_create", kwargs={"pk": campaign.pk})

    page = client.get(url, {"question": "waiting_time", "site": world.site.pk})
    assert page.context["form"]["title"].value().startswith("Améliorer « Délai d’attente » – Sous-préfecture d'Arles")
    client.post(url, {"question": "waiting_time", "site": world.site.pk, "title": "Second agent le lundi matin"})

    action = Action.objects.get()
    assert (action.source, action.site, action.source_object) == ("survey", world.site, campaign)
    results_page = _text(client.get(reverse("campaign_results", kwargs={"pk": campaign.pk}), {"site": world.site.pk}))
    assert "Second agent le lundi matin" in results_page


def test_another_prefecture_campaign_is_a_404(login, foreign_campaign):
    client = login("quality_manager")
    for name in ("campaign_detail", "campaign_results", "campaign_entry", "campaign_comments"):
        assert client.get(reverse(name, kwargs={"pk": foreign_campaign.pk})).status_code == 404


def test_the_detail_costs_the_same_for_2_or_5_sites(login, world, django_assert_num_queries):
    client = login("site_referent")
    small = CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site])
    others = [factories.SiteFactory(prefecture=world.prefecture) for _ in range(3)]
    large = CampaignFactory(prefecture=world.prefecture, sites=[world.site, world.sister_site, *others])
    add_responses(large, world.site, "phone", [4, 3])
    client.get(reverse("campaign_detail", kwargs={"pk": small.pk}))  # warm-up (content types, templates)
    # the DSFR configuration is no longer read (kept by the process: qualipref.site_config): one query less
    with django_assert_num_queries(8) as few:
        client.get(reverse("campaign_detail", kwargs={"pk": small.pk}))

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("campaign_detail", kwargs={"pk": large.pk}))
    assert len(response.context["campaign_sites"]) == 5
