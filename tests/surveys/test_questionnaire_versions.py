"""Questionnaire versions a prefecture adapts (issue 17): built from the national version by the prefecture's quality
manager, with local questions, reordered and published; never changed once answered; the seven dimension codes of
the users' questionnaire kept; bad input refused in French."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access
from surveys.models import Answer, Question, Questionnaire
from surveys.questionnaires import USER_DIMENSIONS, default_questionnaire
from surveys.services import campaigns as campaign_services
from surveys.services import questionnaires as services
from surveys.services import responses as response_services
from tests.surveys.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _messages(error):
    return (
        " ".join(message for messages in error.message_dict.values() for message in messages)
        if hasattr(error, "error_dict")
        else " ".join(error.messages)
    )


@pytest.fixture
def manager(world):
    return world.users["quality_manager"]


@pytest.fixture
def version(world, manager):
    return services.version_create(by=manager, prefecture=world.prefecture, based_on=default_questionnaire())


def _add_two_local_questions(manager, version):
    parking = services.question_add(
        by=manager,
        questionnaire=version,
        code="parking",
        label="Stationnement",
        text="Avez-vous trouvé une place de stationnement ?",
        kind=Question.Kind.YES_NO,
    )
    reason = services.question_add(
        by=manager,
        questionnaire=version,
        code="reason",
        label="Motif de la venue",
        text="Pour quelle démarche êtes-vous venu(e) ?",
        kind=Question.Kind.SINGLE_CHOICE,
        options=["Titre de séjour", "Carte grise", "Autre démarche"],
    )
    return parking, reason


def test_existing_data_keep_working_the_shipped_versions_are_national_and_published():
    national = default_questionnaire()
    assert national.is_national and national.is_published
    assert set(Questionnaire.objects.latest_versions().values_list("code", flat=True)) == {
        "users",
        "local_authorities",
        "partners",
    }
    assert not national.questions.filter(is_local=True).exists()
    # « Avez-vous facilement trouvé votre chemin… » is asked as « Oui » / « Non ».
    assert national.questions.get(code="signage").kind == Question.Kind.YES_NO


def test_a_quality_manager_builds_a_version_with_two_local_questions_and_publishes_it(world, manager, version):
    assert version.prefecture == world.prefecture and version.based_on == default_questionnaire()
    assert not version.is_published and version.version == f"13-{version.created_at.year}-1"
    assert list(version.questions.order_by("position").values_list("code", flat=True)) == USER_DIMENSIONS

    parking, reason = _add_two_local_questions(manager, version)
    assert parking.is_local and parking.position == 8 and reason.position == 9
    assert list(reason.options.values_list("code", "label")) == [
        ("titre_de_sejour", "Titre de séjour"),
        ("carte_grise", "Carte grise"),
        ("autre_demarche", "Autre démarche"),
    ]
    services.question_move(by=manager, question=reason, direction=-1)
    assert list(version.questions.order_by("position").values_list("code", flat=True))[-2:] == ["reason", "parking"]

    services.version_publish(by=manager, questionnaire=version)
    version.refresh_from_db()
    assert version.is_published
    # the national versions stay the default and the latest; the local one is offered to the prefecture's campaigns
    assert default_questionnaire().is_national
    assert version not in Questionnaire.objects.latest_versions()
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], questionnaire=version)
    assert campaign.questionnaire == version


def test_a_version_is_built_by_its_prefecture_quality_manager_only(world):
    national = default_questionnaire()
    for role in ("site_referent", "agent", "manager", "auditor", "national"):
        with pytest.raises(PermissionDenied):
            services.version_create(by=world.users[role], prefecture=world.prefecture, based_on=national)
    with pytest.raises(PermissionDenied):
        services.version_create(
            by=world.users["quality_manager"], prefecture=world.foreign_prefecture, based_on=national
        )


def test_who_reads_a_local_version(world, version):
    readers = {
        role
        for role in ("national", "quality_manager", "site_referent", "agent", "manager", "auditor")
        if Questionnaire.objects.for_user(world.users[role]).filter(pk=version.pk).exists()
    }
    assert readers == {"national", "quality_manager", "site_referent", "manager"}
    for role in ("national", "quality_manager", "site_referent", "agent", "manager", "auditor"):
        user = world.users[role]
        assert access.can_view_questionnaire(user, version) == (role in readers)
        assert access.can_view_questionnaire(user, default_questionnaire())
    assert not Questionnaire.objects.for_user(world.foreign_membership.user).filter(pk=version.pk).exists()


def test_the_seven_dimension_questions_cannot_be_removed_but_a_local_one_can(manager, version):
    courtesy = version.questions.get(code="courtesy")
    with pytest.raises(ValidationError) as error:
        services.question_remove(by=manager, question=courtesy)
    assert "l'une des sept questions de la comparaison nationale" in _messages(error.value)

    parking, reason = _add_two_local_questions(manager, version)
    services.question_remove(by=manager, question=parking)
    assert list(version.questions.order_by("position").values_list("code", "position"))[-1] == ("reason", 8)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "single_choice", "options": []}, "options", "au moins deux options"),
        ({"kind": "multiple_choice", "options": ["Seule"]}, "options", "au moins deux options"),
        ({"kind": "single_choice", "options": ["Oui !", "oui"]}, "options", "Deux options ont le même code « oui »"),
        ({"code": "courtesy"}, "code", "Le code « courtesy » est déjà celui d'une question de cette version."),
        ({"code": "Parking lot"}, "code", "minuscules sans accents"),
        ({"text": " "}, "text", "Indiquez la question posée."),
        ({"kind": "free_text", "options": ["A", "B"]}, "options", "Seule une question à choix a des options."),
    ],
)
def test_bad_input_is_refused_in_french(manager, version, fields, field, message):
    values = {"code": "parking", "label": "Stationnement", "text": "Où vous êtes-vous garé(e) ?", "kind": "scale"}
    values.update(fields)
    with pytest.raises(ValidationError) as error:
        services.question_add(by=manager, questionnaire=version, **values)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not version.questions.filter(is_local=True).exists()


def test_a_duplicate_code_added_twice_is_refused(manager, version):
    _add_two_local_questions(manager, version)
    with pytest.raises(ValidationError) as error:
        _add_two_local_questions(manager, version)
    assert "déjà celui d'une question" in _messages(error.value)


def test_a_version_already_answered_cannot_change_and_a_new_version_is_created_instead(world, manager, version):
    parking, _reason = _add_two_local_questions(manager, version)
    services.version_publish(by=manager, questionnaire=version)
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], questionnaire=version)
    response_services.response_submit(campaign=campaign, site=world.site, answers={"courtesy": True})
    assert Answer.objects.filter(campaign=campaign).exists()

    attempts = [
        lambda: services.question_add(
            by=manager, questionnaire=version, code="other", label="Autre", text="Autre ?", kind="yes_no"
        ),
        lambda: services.question_move(by=manager, question=parking, direction=-1),
        lambda: services.question_remove(by=manager, question=parking),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "a déjà reçu des réponses" in _messages(error.value)
        assert "Créez une nouvelle version" in _messages(error.value)

    newer = services.version_create(by=manager, prefecture=world.prefecture, based_on=version)
    assert newer.based_on == version and newer.version.endswith("-2")
    assert list(newer.questions.order_by("position").values_list("code", "is_local")) == list(
        version.questions.order_by("position").values_list("code", "is_local")
    )
    assert list(newer.questions.get(code="reason").options.values_list("code", flat=True)) == [
        "titre_de_sejour",
        "carte_grise",
        "autre_demarche",
    ]
    services.question_remove(by=manager, question=newer.questions.get(code="parking"))


def test_a_national_version_never_changes(manager):
    with pytest.raises(ValidationError) as error:
        services.question_add(
            by=manager, questionnaire=default_questionnaire(), code="x", label="X", text="X ?", kind="yes_no"
        )
    assert "Une version nationale ne se modifie pas" in _messages(error.value)


def test_a_campaign_uses_a_published_version_of_its_own_prefecture(world, manager, version):
    fields = {
        "title": "Enquête locale",
        "kind": "responses",
        "sites": [world.site],
        "services": [],
        "opens_on": version.created_at.date(),
        "closes_on": version.created_at.date(),
        "channels": ["web"],
    }
    with pytest.raises(ValidationError) as error:
        campaign_services.campaign_create(by=manager, prefecture=world.prefecture, questionnaire=version, **fields)
    assert "en préparation" in _messages(error.value)
    services.version_publish(by=manager, questionnaire=version)
    campaign = campaign_services.campaign_create(
        by=manager, prefecture=world.prefecture, questionnaire=version, **fields
    )
    assert campaign.questionnaire == version
    foreign_manager = world.foreign_membership.user
    with pytest.raises(ValidationError) as error:
        campaign_services.campaign_create(
            by=foreign_manager,
            prefecture=world.foreign_prefecture,
            questionnaire=version,
            **{**fields, "sites": [world.foreign_site]},
        )
    assert "version de la préfecture" in _messages(error.value)


# --- the public form follows the campaign's version -------------------------------------------------------------


@pytest.fixture
def local_campaign(world, manager, version):
    _add_two_local_questions(manager, version)
    services.question_add(
        by=manager,
        questionnaire=version,
        code="channels",
        label="Moyens d'information",
        text="Comment avez-vous préparé votre venue ?",
        kind=Question.Kind.MULTIPLE_CHOICE,
        options=[("website", "Site Internet"), ("phone_call", "Téléphone"), ("friends", "Entourage")],
    )
    services.question_add(
        by=manager,
        questionnaire=version,
        code="suggestion",
        label="Suggestion",
        text="Que pourrions-nous améliorer ?",
        kind=Question.Kind.FREE_TEXT,
    )
    services.version_publish(by=manager, questionnaire=version)
    return CampaignFactory(prefecture=world.prefecture, sites=[world.site], questionnaire=version)


def _page_text(response):
    import html
    import re

    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.mark.parametrize("kiosk", [False, True])
def test_the_public_form_and_the_kiosk_ask_the_local_questions(client, world, local_campaign, kiosk):
    from django.urls import reverse

    kwargs = {"pk": local_campaign.pk, "site_pk": world.site.pk}
    if kiosk:
        kwargs["key"] = local_campaign.kiosk_key
    page = _page_text(client.get(reverse("survey_kiosk" if kiosk else "survey_answer", kwargs=kwargs)))
    assert "Avez-vous trouvé une place de stationnement ?" in page
    assert 'type="radio" id="id_q_reason_0" name="q_reason" value="titre_de_sejour"' in page
    assert 'type="checkbox" id="id_q_channels_1" name="q_channels" value="phone_call"' in page
    assert '<textarea class="fr-input" id="id_q_suggestion" name="q_suggestion"' in page
    # « Avez-vous facilement trouvé votre chemin… » stays a yes/no question in the prefecture's version
    assert 'name="q_signage" value="oui"' in page and 'name="q_signage" value="non"' in page
    assert 'name="q_signage" value="3"' not in page and 'name="q_signage" value="s"' not in page


def test_the_consent_speaks_of_the_answer_to_the_free_text_question(client, world, manager, local_campaign):
    from django.urls import reverse

    from surveys.forms import consent_label

    page = _visible_text(
        client.get(reverse("survey_answer", kwargs={"pk": local_campaign.pk, "site_pk": world.site.pk}))
    )
    assert (
        "J’accepte que mon commentaire et ma réponse à la question « Que pourrions-nous améliorer ? » soient lus par "
        "la préfecture et, s’ils sont retenus, publiés sans mon nom avec les résultats de l’enquête. Nécessaire "
        "seulement si vous écrivez un commentaire ou une réponse à cette question." in page
    )
    # the national questionnaire, without free text, keeps its wording; two free texts are both named
    national = list(default_questionnaire().questions.all())
    assert consent_label(national).startswith("J’accepte que mon commentaire soit lu par la préfecture")
    two = [
        Question(text="Que pourrions-nous améliorer ?", kind="free_text"),
        Question(text="Un mot ?", kind="free_text"),
    ]
    assert "mes réponses aux questions « Que pourrions-nous améliorer ? » et « Un mot ? » soient lus" in consent_label(
        two
    )


def test_answers_to_local_questions_are_stored_and_bad_ones_refused_in_french(client, world, local_campaign):
    from django.urls import reverse

    from surveys.models import Response

    url = reverse("survey_answer", kwargs={"pk": local_campaign.pk, "site_pk": world.site.pk})
    answer = {
        "q_courtesy": "oui",
        "q_parking": "non",
        "q_reason": "carte_grise",
        "q_channels": ["website", "friends"],
        "q_suggestion": "Plus de chaises.",
        "website": "",
    }
    refused = client.post(url, {**answer, "q_reason": "passeport"})
    assert refused.status_code == 400
    assert "Choisissez parmi les réponses proposées." in _page_text(refused)
    without_consent = client.post(url, answer)
    assert without_consent.status_code == 400
    assert "Cochez la case d'accord pour que vos réponses écrites" in _page_text(without_consent)
    assert not Response.objects.exists()

    assert client.post(url, {**answer, "comment_consent": "on"}).status_code == 302

    rows = set(Answer.objects.values_list("question_code", "value", "option", "text", "text_status"))
    assert rows == {
        ("courtesy", 4, "", "", "none"),
        ("parking", 1, "", "", "none"),
        ("reason", None, "carte_grise", "", "none"),
        ("channels", None, "website", "", "none"),
        ("channels", None, "friends", "", "none"),
        ("suggestion", None, "", "Plus de chaises.", "pending"),
    }
    assert Response.objects.get().comment_consent


def test_the_service_refuses_wrong_local_answers_in_french(world, local_campaign):
    cases = [
        ({"reason": "passeport"}, "se répond par l'une des options"),
        ({"channels": ["website", 3]}, "se répond par une liste d'options"),
        ({"suggestion": 12}, "se répond par un texte"),
        ({"suggestion": "x" * 1001}, "dépasse 1000 caractères"),
    ]
    for answers, message in cases:
        with pytest.raises(ValidationError) as error:
            response_services.response_submit(
                campaign=local_campaign, site=world.site, answers=answers, comment_consent=True
            )
        assert message in _messages(error.value)


# --- pages --------------------------------------------------------------------------------------------------------


def test_a_quality_manager_builds_and_publishes_a_version_from_the_pages(login, world):
    from django.urls import reverse

    client = login("quality_manager")
    assert "Adapter un questionnaire" in _page_text(client.get(reverse("questionnaire_list")))
    created = client.post(
        reverse("questionnaire_create"),
        {"prefecture": world.prefecture.pk, "based_on": default_questionnaire().pk, "title": ""},
    )
    version = Questionnaire.objects.get(prefecture=world.prefecture)
    edit_url = reverse("questionnaire_edit", kwargs={"pk": version.pk})
    assert created.status_code == 302 and created["Location"] == edit_url

    refused = client.post(
        edit_url, {"code": "reason", "label": "Motif", "text": "Pourquoi venez-vous ?", "kind": "single_choice"}
    )
    assert refused.status_code == 400
    assert "Une question à choix propose au moins deux options (une par ligne)." in _page_text(refused)
    duplicate = client.post(edit_url, {"code": "phone", "label": "T", "text": "T ?", "kind": "yes_no"})
    assert "Le code « phone » est déjà celui d'une question de cette version." in _page_text(duplicate)

    client.post(edit_url, {"code": "parking", "label": "Stationnement", "text": "Garé(e) ?", "kind": "yes_no"})
    client.post(
        edit_url,
        {
            "code": "reason",
            "label": "Motif",
            "text": "Pourquoi venez-vous ?",
            "kind": "single_choice",
            "options": "Titre de séjour\r\nCarte grise\r\n",
        },
    )
    assert list(version.questions.filter(is_local=True).values_list("code", flat=True)) == ["parking", "reason"]
    reason = version.questions.get(code="reason")
    moved = client.post(
        reverse("questionnaire_question", kwargs={"pk": version.pk, "question_pk": reason.pk}), {"action": "up"}
    )
    assert moved.status_code == 302
    reason.refresh_from_db()
    assert reason.position == 8

    preview = client.get(reverse("questionnaire_preview", kwargs={"pk": version.pk}))
    assert 'class="qp-phone-preview' in _page_text(preview)
    assert 'name="q_reason" value="carte_grise"' in _page_text(preview)

    client.post(reverse("questionnaire_publish", kwargs={"pk": version.pk}))
    version.refresh_from_db()
    assert version.is_published


def test_the_edit_page_refuses_changes_once_answered(login, world, manager, local_campaign):
    from django.urls import reverse

    version = local_campaign.questionnaire
    response_services.response_submit(campaign=local_campaign, site=world.site, answers={"parking": True})
    client = login("quality_manager")
    edit_url = reverse("questionnaire_edit", kwargs={"pk": version.pk})
    page = _page_text(client.get(edit_url))
    assert "Cette version a déjà reçu des réponses : elle ne peut plus changer." in page
    assert "Ajouter une question locale" not in page and "Monter" not in page

    parking = version.questions.get(code="parking")
    moved = client.post(
        reverse("questionnaire_question", kwargs={"pk": version.pk, "question_pk": parking.pk}),
        {"action": "up"},
        follow=True,
    )
    assert "Cette version a déjà reçu des réponses" in _page_text(moved)
    added = client.post(edit_url, {"code": "other", "label": "Autre", "text": "Autre ?", "kind": "yes_no"})
    assert added.status_code == 400 and "Créez une nouvelle version" in _page_text(added)
    assert not version.questions.filter(code="other").exists()


def test_the_edit_page_reads_a_constant_number_of_queries(login, world, manager, version, django_assert_num_queries):
    from django.urls import reverse

    client = login("quality_manager")
    url = reverse("questionnaire_edit", kwargs={"pk": version.pk})
    client.get(url)  # session, scope: warmed once
    # session, user, memberships (scope), the version (with its prefecture), its questions, their options, whether
    # a response answers it; the DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(7) as before:
        client.get(url)
    _add_two_local_questions(manager, version)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


# --- results --------------------------------------------------------------------------------------------------


def test_the_results_show_the_local_questions(login, world, manager, local_campaign):
    from django.urls import reverse

    from surveys.results import campaign_results, local_results
    from surveys.services import publication

    for answers in (
        {"courtesy": True, "parking": True, "reason": "carte_grise", "channels": ["website"]},
        {"courtesy": False, "parking": False, "reason": "carte_grise", "channels": ["website", "friends"]},
        {"parking": True, "reason": "titre_de_sejour", "suggestion": "Un écran d'appel plus lisible."},
    ):
        response_services.response_submit(
            campaign=local_campaign, site=world.site, answers=answers, comment_consent=True
        )
    # the national comparison stays on the seven codes
    assert [item.code for item in campaign_results(local_campaign).dimensions] == USER_DIMENSIONS

    stats = {result.code: result for result in local_results(local_campaign)}
    assert [(s.label, s.count, s.percent) for s in stats["parking"].shares] == [("Oui", 2, 67), ("Non", 1, 33)]
    assert [(s.code, s.count, s.percent) for s in stats["reason"].shares] == [
        ("titre_de_sejour", 1, 33),
        ("carte_grise", 2, 67),
        ("autre_demarche", 0, 0),
    ]
    assert stats["channels"].answered == 2
    assert [(s.code, s.percent) for s in stats["channels"].shares] == [
        ("website", 100),
        ("phone_call", 0),
        ("friends", 50),
    ]
    assert [text["text_status"] for text in stats["suggestion"].texts] == ["pending"]

    client = login("quality_manager")
    url = reverse("campaign_results", kwargs={"pk": local_campaign.pk})
    page = _page_text(client.get(url))
    assert "Questions locales" in page and "Motif de la venue" in page
    assert "Un écran d'appel plus lisible." not in page  # not moderated yet

    comments = _page_text(client.get(reverse("campaign_comments", kwargs={"pk": local_campaign.pk})))
    assert "« Un écran d'appel plus lisible. »" in comments
    response = local_campaign.responses.get(answers__text__gt="")
    publication.comment_moderate(by=manager, response=response, decision="approved")
    assert "« Un écran d'appel plus lisible. »" in _page_text(client.get(url))


# --- API ----------------------------------------------------------------------------------------------------------


def test_the_api_builds_a_version_and_carries_local_questions_in_questions_and_responses(as_role, world):
    from rest_framework.test import APIClient

    manager_api = as_role("quality_manager")
    created = manager_api.post(
        "/api/v1/questionnaires/",
        {"prefecture": world.prefecture.pk, "based_on": default_questionnaire().pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    version = created.json()
    assert version["prefecture"] == world.prefecture.pk and version["published_on"] is None
    assert version["abilities"]["update"] is True
    url = f"/api/v1/questionnaires/{version['id']}/"

    refused = manager_api.post(
        url + "questions/",
        {"code": "motif", "label": "Motif", "text": "Pourquoi ?", "kind": "single_choice", "options": []},
        format="json",
    )
    assert refused.status_code == 400
    assert "au moins deux options" in refused.json()["options"][0]
    added = manager_api.post(
        url + "questions/",
        {
            "code": "motif",
            "label": "Motif",
            "text": "Pourquoi ?",
            "kind": "single_choice",
            "options": ["Carte grise", "Autre"],
        },
        format="json",
    )
    assert added.status_code == 201
    last = added.json()["questions"][-1]
    assert last == {
        "code": "motif",
        "position": 8,
        "label": "Motif",
        "text": "Pourquoi ?",
        "help_text": "",
        "kind": "single_choice",
        "is_local": True,
        "options": [{"code": "carte_grise", "label": "Carte grise"}, {"code": "autre", "label": "Autre"}],
    }
    assert manager_api.post(url + "publish/").json()["published_on"] is not None

    # a referent reads it, an agent does not see it, a referent does not change it (as_role switches the one client)
    assert as_role("site_referent").get(url).status_code == 200
    referent_post = as_role("site_referent").post(
        url + "questions/", {"code": "x", "label": "X", "text": "X ?", "kind": "yes_no"}, format="json"
    )
    assert referent_post.status_code == 403
    assert as_role("agent").get(url).status_code == 404

    campaign = CampaignFactory(
        prefecture=world.prefecture, sites=[world.site], questionnaire=Questionnaire.objects.get(pk=version["id"])
    )
    answered = APIClient().post(
        f"/api/v1/surveys/{campaign.pk}/responses/",
        {"site": world.site.pk, "answers": {"courtesy": True, "motif": "carte_grise"}},
        format="json",
    )
    assert answered.status_code == 201, answered.content
    body = answered.json()
    assert body["answers"] == {"courtesy": 4} and body["yes_no"] == {"courtesy": True}
    assert body["choices"] == {"motif": ["carte_grise"]} and body["texts"] == {}

    late = as_role("quality_manager").post(
        url + "questions/", {"code": "x", "label": "X", "text": "X ?", "kind": "yes_no"}, format="json"
    )
    assert late.status_code == 400
    assert "Créez une nouvelle version" in late.json()["non_field_errors"][0]


# --- paper entry grid and CSV import --------------------------------------------------------------------------


def test_the_paper_grid_has_a_cell_for_every_question_of_the_version(login, world, local_campaign):
    from django.urls import reverse
    from django.utils import timezone

    from surveys.models import Response

    client = login("agent")
    url = reverse("campaign_entry", kwargs={"pk": local_campaign.pk})
    page = _visible_text(client.get(url))
    # every question has its cell, with what it takes
    assert "Stationnement O ou N (oui, non)" in page
    assert "Motif de la venue 1 Titre de séjour · 2 Carte grise · 3 Autre démarche" in page
    assert "Moyens d'information 1 Site Internet · 2 Téléphone · 3 Entourage ; plusieurs : « 1 3 »" in page
    assert "Suggestion texte (avec l’accord)" in page
    assert "Orientation et signalétique O ou N (oui, non)" in page  # « Avez-vous facilement trouvé… » : oui / non
    assert "Accord (commentaire et réponses écrites)" in page
    fields = {
        "site": world.site.pk,
        "answered_on": timezone.localdate().isoformat(),
        "q_courtesy": "O",
        "q_parking": "N",
        "q_reason": "2",
        "q_channels": "1 3",
        "q_suggestion": "Plus de chaises.",
    }
    wrong = client.post(url, {**fields, "q_reason": "5", "q_channels": "1 4"})
    assert wrong.status_code == 400
    text = _visible_text(wrong)
    assert (
        "Motif de la venue : « 5 » n'est pas une réponse proposée : 1 Titre de séjour · 2 Carte grise · 3 Autre "
        "démarche." in text
    )
    assert "Moyens d'information : « 1 4 » n'est pas une réponse proposée" in text
    assert 'value="Plus de chaises."' in wrong.content.decode()  # what was typed stays
    without_consent = client.post(url, fields)
    assert without_consent.status_code == 400
    assert "Cochez la case d'accord pour que vos réponses écrites" in _visible_text(without_consent)
    assert not Response.objects.exists()

    assert client.post(url, {**fields, "comment_consent": "on"}).status_code == 302
    assert set(Answer.objects.values_list("question_code", "value", "option", "text")) == {
        ("courtesy", 4, "", ""),
        ("parking", 1, "", ""),
        ("reason", None, "carte_grise", ""),
        ("channels", None, "website", ""),
        ("channels", None, "friends", ""),
        ("suggestion", None, "", "Plus de chaises."),
    }
    assert Response.objects.get().channel == "paper"
    # the list of what was typed in shows it as typed: O, N, 2, « 1 3 », the text
    row = _visible_text(client.get(url)).split("Vos derniers questionnaires saisis")[1]
    assert "O N 2 1 3 Plus de chaises." in row


def test_the_paper_grid_costs_the_same_for_1_or_6_questionnaires_typed_in(
    login, world, local_campaign, django_assert_num_queries
):
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User

    client = login("agent")
    agent = User.objects.get(pk=int(client.session["_auth_user_id"]))
    url = reverse("campaign_entry", kwargs={"pk": local_campaign.pk})

    def enter():
        response_services.response_enter(
            by=agent,
            campaign=local_campaign,
            site=world.site,
            answered_on=timezone.localdate(),
            answers={"parking": True, "reason": "carte_grise", "channels": ["website", "friends"], "suggestion": "Oui"},
            comment_consent=True,
        )

    enter()
    client.get(url)
    # the DSFR configuration is no longer read (kept by the process: qualipref.site_config): one query less
    with django_assert_num_queries(14) as one:
        client.get(url)
    for _ in range(5):
        enter()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_csv_import_follows_the_version(world, manager, local_campaign):
    import io

    from surveys.models import Response

    header, example, _ = response_services.csv_template(local_campaign).split("\r\n")
    cells = dict(zip(header.split(";"), example.split(";"), strict=True))
    assert cells["parking"] == "oui" and cells["reason"] == "Titre de séjour"
    assert cells["channels"] == "Site Internet | Téléphone" and cells["suggestion"] == ""

    def upload(rows):
        file = io.BytesIO(("\r\n".join([header, *rows]) + "\r\n").encode())
        file.name = "papier.csv"
        file.size = len(file.getvalue())
        return response_services.responses_import_csv(by=manager, campaign=local_campaign, file=file)

    def row(**values):
        base = dict.fromkeys(header.split(";"), "")
        base.update(site=world.site.name, date=local_campaign.opens_on.strftime("%d/%m/%Y"), **values)
        return ";".join(base.values())

    # a bad option on the second row: that row's error, in French, and nothing written (all the file or nothing)
    wrong = upload([row(parking="oui", reason="2"), row(reason="Passeport", channels="1 | 2"), row(channels="1 9")])
    assert not wrong.ok and not Response.objects.exists()
    assert [(error.line, error.field) for error in wrong.errors] == [(3, "reason"), (4, "channels")]
    assert wrong.errors[0].message == (
        "« Passeport » n'est pas une réponse proposée : 1 Titre de séjour · 2 Carte grise · 3 Autre démarche."
    )
    assert wrong.errors[1].message.startswith("« 1 9 » n'est pas une réponse proposée : 1 Site Internet")

    report = upload(
        [
            row(parking="non", reason="2", channels="Site Internet | 3"),
            row(courtesy="oui", suggestion="Plus de places assises.", accord_commentaire="oui"),
        ]
    )
    assert report.ok and report.imported == 2
    assert set(Answer.objects.values_list("question_code", "value", "option", "text")) == {
        ("parking", 1, "", ""),
        ("reason", None, "carte_grise", ""),
        ("channels", None, "website", ""),
        ("channels", None, "friends", ""),
        ("courtesy", 4, "", ""),
        ("suggestion", None, "", "Plus de places assises."),
    }


# --- public results -------------------------------------------------------------------------------------------


def _visible_text(response):
    """The page's text without its tags, spaces collapsed."""
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def _answer_local_campaign(campaign, site, count=3):
    """``count`` responses in turn: (parking yes, reason carte grise, channels website, a suggestion), (parking no,
    reason titre de séjour, channels website + friends), (courtesy only)."""
    cycle = [
        {
            "courtesy": True,
            "parking": True,
            "reason": "carte_grise",
            "channels": ["website"],
            "suggestion": "Plus de chaises.",
        },
        {"courtesy": False, "parking": False, "reason": "titre_de_sejour", "channels": ["website", "friends"]},
        {"courtesy": True},
    ]
    for index in range(count):
        answers = cycle[index % len(cycle)]
        response_services.response_submit(
            campaign=campaign, site=site, answers=answers, comment_consent="suggestion" in answers
        )


def test_the_public_results_show_the_local_questions_and_approved_free_texts_only(
    client, world, manager, local_campaign
):
    from django.urls import reverse

    from surveys.services import publication

    _answer_local_campaign(local_campaign, world.site)
    response_services.response_submit(
        campaign=local_campaign, site=world.site, answers={"suggestion": "Un écran d'appel."}, comment_consent=True
    )
    url = reverse("survey_public_results", kwargs={"site_pk": world.site.pk})
    publication.results_publish(by=manager, campaign=local_campaign, site=world.site)
    page = _visible_text(client.get(url))
    assert "Nos autres questions" in page
    # yes/no, single and multiple choice: the share of each answer among those who answered the question
    assert "stationnement ? : part de chaque réponse Réponse Part Oui 50 % Non 50 % 2 réponses." in page
    assert "Titre de séjour 50 % Carte grise 50 % Autre démarche 0 % 2 réponses." in page
    assert "Site Internet 100 % Téléphone 0 % Entourage 50 % 2 réponses ; plusieurs réponses possibles" in page
    # free texts: none before moderation, then only the approved one
    assert "Plus de chaises." not in page and "Un écran d'appel." not in page
    assert "Que pourrions-nous améliorer ?" not in page
    pending = list(local_campaign.responses.filter(answers__text__gt="").order_by("pk"))
    publication.comment_moderate(by=manager, response=pending[0], decision="approved")
    publication.comment_moderate(by=manager, response=pending[1], decision="rejected")
    page = _visible_text(client.get(url))
    assert "Que pourrions-nous améliorer ? « Plus de chaises. »" in page
    assert "Un écran d'appel." not in page


def test_the_public_results_cost_the_same_for_3_or_30_responses(
    client, world, manager, local_campaign, django_assert_num_queries
):
    from django.urls import reverse

    from surveys.services import publication

    _answer_local_campaign(local_campaign, world.site)
    publication.results_publish(by=manager, campaign=local_campaign, site=world.site)
    for response in local_campaign.responses.filter(answers__text__gt=""):
        publication.comment_moderate(by=manager, response=response, decision="approved")
    url = reverse("survey_public_results", kwargs={"site_pk": world.site.pk})
    client.get(url)
    # site, latest publication, the version's rated questions, answers and responses counted, previous campaign,
    # services, comparison (answers, responses), points, comments, local questions and their options, local answers
    # counted, answering responses, the approved free texts (the latest six per question, numbered by PostgreSQL or
    # SQLite); the DSFR configuration is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(16) as few:
        client.get(url)
    _answer_local_campaign(local_campaign, world.site, count=27)
    for response in local_campaign.responses.filter(answers__text__gt="", comment_status="none"):
        publication.comment_moderate(by=manager, response=response, decision="approved")
    with django_assert_num_queries(len(few.captured_queries)):
        page = _page_text(client.get(url))
    assert page.count("« Plus de chaises. »") == 6  # the latest six approved texts of the question


def test_the_api_moves_and_removes_a_local_question_and_refuses_in_french(as_role, world, manager, version):
    parking, reason = _add_two_local_questions(manager, version)
    api = as_role("quality_manager")
    url = f"/api/v1/questionnaires/{version.pk}/questions/"

    moved = api.post(url + "reason/move/", {"direction": "up"}, format="json")
    assert moved.status_code == 200, moved.content
    assert [q["code"] for q in moved.json()["questions"]][-2:] == ["reason", "parking"]
    bad = api.post(url + "reason/move/", {"direction": "left"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["direction"] == ["« left » : indiquez « up » (vers le haut) ou « down » (vers le bas)."]
    first = api.post(url + "phone/move/", {"direction": "up"}, format="json")
    assert first.status_code == 400 and first.json()["non_field_errors"] == ["Cette question est déjà la première."]
    assert api.post(url + "unknown/move/", {"direction": "up"}, format="json").status_code == 404

    national = api.delete(url + "courtesy/")
    assert national.status_code == 400
    assert "l'une des sept questions de la comparaison nationale" in national.json()["non_field_errors"][0]
    removed = api.delete(url + "parking/")
    assert removed.status_code == 200
    assert [(q["code"], q["position"]) for q in removed.json()["questions"]][-1] == ("reason", 8)
    assert as_role("site_referent").delete(url + "reason/").status_code == 403

    # once answered, the version never changes: a new version instead
    api = as_role("quality_manager")
    services.version_publish(by=manager, questionnaire=version)
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], questionnaire=version)
    response_services.response_submit(campaign=campaign, site=world.site, answers={"reason": "carte_grise"})
    for refused in (api.post(url + "reason/move/", {"direction": "up"}, format="json"), api.delete(url + "reason/")):
        assert refused.status_code == 400
        assert "a déjà reçu des réponses" in refused.json()["non_field_errors"][0]
        assert "Créez une nouvelle version" in refused.json()["non_field_errors"][0]
    assert list(version.questions.filter(is_local=True).values_list("code", flat=True)) == ["reason"]


def test_the_hall_screen_and_the_poster_show_the_local_questions_shares(
    client, world, manager, local_campaign, tmp_path
):
    from django.urls import reverse

    from surveys.services import publication
    from tests.pdf_pages import pages

    _answer_local_campaign(local_campaign, world.site)
    publication.results_publish(by=manager, campaign=local_campaign, site=world.site)
    screen = _visible_text(client.get(reverse("survey_public_screen", kwargs={"site_pk": world.site.pk})))
    assert "Nos autres questions" in screen
    assert (
        "Pour quelle démarche êtes-vous venu(e) ? Titre de séjour 50 % · Carte grise 50 % · Autre démarche 0 %"
        in screen
    )

    poster = client.get(reverse("survey_public_poster", kwargs={"site_pk": world.site.pk}))
    assert poster.status_code == 200
    texts = pages(poster.content, tmp_path)
    assert len(texts) == 1  # one A4 page
    text = " ".join(texts[0])
    assert "Nos autres questions" in text
    assert "Site Internet 100 % · Téléphone 0 % · Entourage 50 %" in text


def test_the_api_results_carry_the_local_questions(as_role, world, manager, local_campaign):
    from surveys.services import publication

    _answer_local_campaign(local_campaign, world.site)
    response_services.response_submit(
        campaign=local_campaign, site=world.site, answers={"suggestion": "Un écran."}, comment_consent=True
    )
    approved = local_campaign.responses.filter(answers__text="Plus de chaises.").get()
    publication.comment_moderate(by=manager, response=approved, decision="approved")
    body = as_role("manager").get(f"/api/v1/surveys/{local_campaign.pk}/results/").json()
    # the national comparison stays on the seven codes; the local questions come apart
    assert [d["code"] for d in body["dimensions"]] == USER_DIMENSIONS
    local = {item["code"]: item for item in body["local_questions"]}
    assert list(local) == ["parking", "reason", "channels", "suggestion"]
    assert local["parking"]["kind"] == "yes_no" and local["parking"]["answered"] == 2
    assert [(s["label"], s["count"], s["percent"]) for s in local["parking"]["shares"]] == [
        ("Oui", 1, 50),
        ("Non", 1, 50),
    ]
    assert [(s["code"], s["percent"]) for s in local["channels"]["shares"]] == [
        ("website", 100),
        ("phone_call", 0),
        ("friends", 50),
    ]
    assert local["suggestion"]["shares"] == [] and local["suggestion"]["texts"] == ["Plus de chaises."]


def test_the_api_results_cost_the_same_for_3_or_30_responses(
    as_role, world, manager, local_campaign, django_assert_num_queries
):
    from surveys.services import publication

    _answer_local_campaign(local_campaign, world.site)
    for response in local_campaign.responses.filter(answers__text__gt=""):
        publication.comment_moderate(by=manager, response=response, decision="approved")
    api = as_role("manager")
    url = f"/api/v1/surveys/{local_campaign.pk}/results/"
    api.get(url)
    # the campaign, its sites, its services, the rated questions, answers and responses counted, the previous
    # campaign, the local questions and their options, local answers counted, answering responses, the approved texts
    with django_assert_num_queries(12) as few:
        api.get(url)
    _answer_local_campaign(local_campaign, world.site, count=27)
    with django_assert_num_queries(len(few.captured_queries)):
        body = api.get(url).json()
    assert body["responses"] == 30


def test_the_aggregated_rates_of_a_local_version_are_asked_for_its_national_questions_only(login, world, manager):
    """A past campaign known by its rates keeps them for the national dimensions: its form does not offer a local
    question that the service would refuse (« Question inconnue »)."""
    from django.urls import reverse

    from surveys.models import AggregatedResult

    version = services.version_create(by=manager, prefecture=world.prefecture, based_on=default_questionnaire())
    _add_two_local_questions(manager, version)
    services.version_publish(by=manager, questionnaire=version)
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site], questionnaire=version, aggregated=True)
    client = login("quality_manager")
    url = reverse("campaign_aggregated", kwargs={"pk": campaign.pk})

    form = client.get(url).context["form"]
    assert "rate_phone" in form.fields and "rate_parking" not in form.fields

    response = client.post(url, {"site": world.site.pk, "rate_phone": "87", "rate_parking": "50"})
    assert response.status_code == 302
    assert dict(AggregatedResult.objects.values_list("question_code", "rate")) == {"phone": 87}
