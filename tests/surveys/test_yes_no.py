"""Closed questions (« Avez-vous été accueilli(e) avec courtoisie ? ») are answered « Oui » or « Non »: in the public
form and the kiosk, on the paper-entry grid and in its CSV file, through the API; their results are the share of
« Oui ». Nothing but yes or no is accepted for them."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Question, Response
from surveys.services import publication
from surveys.services import responses as services
from tests.surveys.factories import add_responses

pytestmark = pytest.mark.django_db

USERS_YES_NO = {"opening_hours", "signage", "courtesy", "waiting_time"}


def _text(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _fieldset(page, code):
    """The HTML of one question's fieldset in the public questionnaire."""
    source = page.content.decode()
    start = source.index(f'id="id_q_{code}-fieldset"')
    return source[start : source.index("</fieldset>", start)]


def test_the_shipped_questionnaires_mark_their_closed_questions():
    kinds = dict(
        Question.objects.filter(questionnaire__code="users", questionnaire__version="2015").values_list("code", "kind")
    )
    assert {code for code, kind in kinds.items() if kind == "yes_no"} == USERS_YES_NO
    assert kinds["phone"] == kinds["conditions"] == "scale"
    closed = Question.objects.filter(kind="yes_no").exclude(questionnaire__code="users")
    assert {(q.questionnaire.code, q.code) for q in closed} == {
        ("local_authorities", "contact"),
        ("local_authorities", "appointments"),
        ("partners", "contact"),
        ("partners", "information"),
    }


@pytest.mark.parametrize("kiosk", [False, True])
def test_the_public_form_and_the_kiosk_ask_a_closed_question_with_oui_non(client, campaign, world, kiosk):
    kwargs = {"pk": campaign.pk, "site_pk": world.site.pk}
    if kiosk:
        kwargs["key"] = campaign.kiosk_key
    page = client.get(reverse("survey_kiosk" if kiosk else "survey_answer", kwargs=kwargs))

    courtesy = _fieldset(page, "courtesy")
    assert re.findall(r'value="([^"]*)"', courtesy) == ["oui", "non"]
    assert ">Oui</label>" in courtesy and ">Non</label>" in courtesy
    assert "Très satisfait" not in courtesy and "Sans avis" not in courtesy
    phone = _fieldset(page, "phone")
    assert "Très satisfait" in phone and "Sans avis" in phone


def test_oui_and_non_are_stored_at_the_ends_of_the_scale_and_a_figure_is_refused(client, campaign, world):
    url = reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": world.site.pk})
    refused = client.post(url, {"q_courtesy": "3", "q_signage": "oui", "website": ""})
    assert refused.status_code == 400
    assert "Répondez par « Oui » ou par « Non »." in _text(refused)
    assert not Response.objects.exists()

    client.post(url, {"q_courtesy": "oui", "q_signage": "non", "q_phone": "3", "website": ""})

    assert dict(Answer.objects.values_list("question_code", "value")) == {"courtesy": 4, "signage": 1, "phone": 3}


def test_the_paper_grid_takes_o_and_n_for_a_closed_question_and_says_so(login, campaign, world):
    client = login("agent")
    url = reverse("campaign_entry", kwargs={"pk": campaign.pk})
    page = _text(client.get(url))
    assert "O ou N (oui, non)" in page and "<kbd>O</kbd> ou <kbd>N</kbd>" in page
    day = timezone.localdate().isoformat()

    refused = client.post(url, {"site": world.site.pk, "answered_on": day, "q_courtesy": "4"})
    assert refused.status_code == 400
    assert "cette question se répond par oui ou par non" in " ".join(refused.context["form"].errors["q_courtesy"])
    assert not Response.objects.exists()

    client.post(url, {"site": world.site.pk, "answered_on": day, "q_courtesy": "O", "q_waiting_time": "non"})
    assert dict(Answer.objects.values_list("question_code", "value")) == {"courtesy": 4, "waiting_time": 1}
    entered = _text(client.get(url))
    assert re.search(r"<td>O</td>.*<td>N</td>", entered)  # the list of what was typed shows O and N


def test_the_csv_template_shows_oui_non_for_the_closed_questions(campaign):
    header, example, _ = services.csv_template(campaign).split("\r\n")
    cells = dict(zip(header.split(";"), example.split(";"), strict=True))
    assert cells["phone"] == "4" and cells["accessibility"] == "3"
    assert cells["opening_hours"] == "" and cells["signage"] == "oui"
    assert cells["courtesy"] == "oui" and cells["waiting_time"] == "non"


def test_the_api_takes_true_or_false_for_a_closed_question_and_still_the_contract_s_figures(
    api_client, campaign, world
):
    url = reverse("api:survey-responses", kwargs={"pk": campaign.pk})
    refused = api_client.post(url, {"site": world.site.pk, "answers": {"courtesy": 5, "signage": "oui"}}, format="json")
    assert refused.status_code == 400
    assert refused.json()["answers"] == [
        "courtesy : « Accueil courtois » se répond par oui ou par non (true pour « Oui », false pour « Non », ou 1 à "
        "4 : 3 et 4 valent « Oui », null pour « sans avis ») ; « 5 » n'est pas une réponse.",
        "signage : « Orientation et signalétique » se répond par oui ou par non (true pour « Oui », false pour "
        "« Non », ou 1 à 4 : 3 et 4 valent « Oui », null pour « sans avis ») ; « oui » n'est pas une réponse.",
    ]
    assert not Response.objects.exists()

    created = api_client.post(
        url,
        {"site": world.site.pk, "answers": {"courtesy": True, "waiting_time": False, "signage": None, "phone": 2}},
        format="json",
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["answers"] == {"courtesy": 4, "waiting_time": 1, "signage": None, "phone": 2}
    assert body["yes_no"] == {"courtesy": True, "waiting_time": False, "signage": None}

    # A client of the contract (answers 1..4 for every question) keeps working: 3 and 4 are « Oui ».
    older = api_client.post(url, {"site": world.site.pk, "answers": {"courtesy": 3, "waiting_time": 2}}, format="json")
    assert older.status_code == 201, older.json()
    assert older.json()["yes_no"] == {"courtesy": True, "waiting_time": False}


def test_the_api_gives_the_kind_of_each_question_and_the_share_of_oui(api_client, campaign, world, as_role):
    add_responses(campaign, world.site, "courtesy", [4, 4, 1, None])
    add_responses(campaign, world.site, "phone", [4, 2])

    as_role("quality_manager")
    questionnaire = api_client.get(reverse("api:questionnaire-detail", kwargs={"pk": campaign.questionnaire_id}))
    kinds = {q["code"]: q["kind"] for q in questionnaire.json()["questions"]}
    assert {code for code, kind in kinds.items() if kind == "yes_no"} == USERS_YES_NO

    body = api_client.get(reverse("api:survey-results", kwargs={"pk": campaign.pk})).json()
    by_code = {d["code"]: d for d in body["dimensions"]}
    courtesy, phone = by_code["courtesy"], by_code["phone"]
    assert (courtesy["kind"], courtesy["rate"], courtesy["yes"], courtesy["no"]) == ("yes_no", 66.7, 2, 1)
    assert (phone["kind"], phone["rate"], phone["yes"], phone["no"]) == ("scale", 50.0, None, None)


def test_the_results_pages_give_the_share_of_oui(login, client, campaign, world):
    add_responses(campaign, world.site, "courtesy", [4, 4, 1])
    publication.results_publish(by=world.users["quality_manager"], campaign=campaign, site=world.site)

    staff = _text(login("quality_manager").get(reverse("campaign_results", kwargs={"pk": campaign.pk})))
    assert "de « Oui » (2 oui, 1 non)" in staff
    assert "part des « Oui » parmi les « Oui » et les « Non »" in staff
    client.logout()
    public = _text(client.get(reverse("survey_public_results", kwargs={"site_pk": world.site.pk})))
    assert re.search(r"66,7 % <span[^>]*>ont répondu « Oui »", public)


def test_the_questionnaire_page_says_how_each_question_is_answered(login, campaign):
    page = _text(
        login("quality_manager").get(reverse("questionnaire_detail", kwargs={"pk": campaign.questionnaire_id}))
    )
    assert page.count("<td>Oui ou non</td>") == len(USERS_YES_NO)
    assert page.count("<td>Échelle de satisfaction (1 à 4)</td>") == 3
