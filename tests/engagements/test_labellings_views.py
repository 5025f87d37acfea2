"""Labelling pages: the prefecture's timeline, the forms of the steps, the national overview."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import Labelling, LabellingStep
from tests import factories
from tests.checks import count_queries

D = datetime.date
OVERVIEW = reverse("labelling_overview")


def _timeline(prefecture):
    return reverse("labelling_timeline", kwargs={"prefecture_pk": prefecture.pk})


def _transition(labelling, step):
    return reverse("labelling_transition", kwargs={"pk": labelling.pk, "step": step})


@pytest.fixture
def history(world):
    """Bouches-du-Rhône: an ended Qualipref cycle, then a Qualipref 2.0 cycle granted on 27/11/2015."""
    old = factories.LabellingFactory(
        prefecture=world.prefecture,
        referential=factories.labelling_referential("QP"),
        status="ended",
        started_on=D(2012, 9, 3),
        ended_on=D(2015, 2, 16),
    )
    current = factories.LabellingFactory(prefecture=world.prefecture, granted=True, previous=old, sites=[world.site])
    factories.LabellingStepFactory(labelling=current, kind="decision", status="granted", happened_on=D(2015, 11, 27))
    return old, current


# --- timeline -------------------------------------------------------------------------------------


def test_the_timeline_lists_the_cycles_newest_first_with_their_steps_and_late_badge(login, world, history):
    html = login("manager").get(_timeline(world.prefecture)).content.decode()

    assert html.index("Qualipref 2.0 numérique") < html.index("Qualipref <span")
    assert "Décision favorable" in html
    assert "Labellisée le 27/11/2015 (AFNOR Certification)" in html
    assert "<strong>27/11/2016</strong>" in html
    assert "En retard" in html
    assert "Fait suite au cycle Qualipref (version 2013)" in html


def test_a_quality_manager_sees_the_buttons_of_the_allowed_steps_only(login, world, history):
    _, current = history
    html = login("quality_manager").get(_timeline(world.prefecture)).content.decode()

    assert _transition(current, "follow_up_audit") in html
    assert _transition(current, "renewal_audit") in html
    assert _transition(current, "end") in html
    assert _transition(current, "decision") not in html
    assert reverse("labelling_migrate", kwargs={"pk": current.pk}) in html
    assert reverse("labelling_start", kwargs={"prefecture_pk": world.prefecture.pk}) not in html  # one is running


@pytest.mark.parametrize("role", ["manager", "site_referent", "agent"])
def test_read_only_roles_see_no_transition_button(login, world, history, role):
    html = login(role).get(_timeline(world.prefecture)).content.decode()

    assert "/etapes/" not in html
    assert "changer-de-referentiel" not in html
    assert "Démarrer un cycle" not in html


def test_a_prefecture_without_running_cycle_offers_to_start_one(login, world):
    html = login("quality_manager").get(_timeline(world.prefecture)).content.decode()

    assert "Aucun cycle de labellisation enregistré" in html
    assert reverse("labelling_start", kwargs={"prefecture_pk": world.prefecture.pk}) in html


def test_the_timeline_costs_the_same_queries_for_one_cycle_and_for_many(login, world, history):
    client = login("quality_manager")
    one = count_queries(client, _timeline(world.prefecture))
    for n in range(8):
        cycle = factories.LabellingFactory(
            prefecture=world.prefecture, status="ended", started_on=D(2000 + n, 1, 1), ended_on=D(2000 + n, 6, 1)
        )
        cycle.sites.set([world.site, world.sister_site])
        factories.LabellingStepFactory(labelling=cycle, recorded_by=world.users["quality_manager"])
        factories.LabellingStepFactory(labelling=cycle, kind="end", status="ended", happened_on=D(2000 + n, 6, 1))

    assert count_queries(client, _timeline(world.prefecture)) == one


# --- forms ----------------------------------------------------------------------------------------


def test_the_quality_manager_starts_a_cycle_with_the_form(login, world):
    qp2 = factories.labelling_referential("QP2")
    url = reverse("labelling_start", kwargs={"prefecture_pk": world.prefecture.pk})

    page = login("quality_manager").get(url, {"referential": qp2.pk}).content.decode()
    response = login("quality_manager").post(
        url,
        {
            "referential": qp2.pk,
            "modules": [qp2.modules.get(number=4).pk, qp2.modules.get(number=7).pk],
            "sites": [world.site.pk],
            "started_on": "2015-02-16",
        },
    )

    assert "Toujours inclus, car obligatoires : module 1" in page
    assert response.status_code == 302
    labelling = Labelling.objects.get()
    assert sorted(m.number for m in labelling.modules.all()) == [1, 4, 7, 8]


def test_the_start_form_shows_the_services_errors_in_french(login, world):
    qp2 = factories.labelling_referential("QP2")
    response = login("quality_manager").post(
        reverse("labelling_start", kwargs={"prefecture_pk": world.prefecture.pk}),
        {"referential": qp2.pk, "sites": [world.site.pk], "started_on": "2015-02-16"},
    )

    assert response.status_code == 200
    assert "Choisissez au moins un module optionnel" in response.content.decode()
    assert not Labelling.objects.exists()


def test_the_quality_manager_records_the_decision_and_the_timeline_shows_it(login, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True, sites=[world.site])
    client = login("quality_manager")

    response = client.post(
        _transition(cycle, "decision"),
        {
            "happened_on": "2015-11-27",
            "decision": "favourable",
            "decision_body": "AFNOR Certification",
            "note": "4 sites labellisés",
            "evidence": SimpleUploadedFile("diplome.pdf", b"%PDF-1.4 diplome"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == _timeline(world.prefecture)
    cycle.refresh_from_db()
    assert (cycle.status, cycle.next_audit_due) == ("granted", D(2016, 11, 27))
    html = client.get(_timeline(world.prefecture)).content.decode()
    step = LabellingStep.objects.get()
    assert "4 sites labellisés" in html
    assert reverse("labelling_evidence", kwargs={"pk": step.pk}) in html


def test_a_refused_step_shows_the_reason_and_writes_nothing(login, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, revised=True)

    response = login("quality_manager").post(_transition(cycle, "labelling_audit"), {"happened_on": "2015-12-01"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "date d&#x27;audit possible du 22/07/2015 au 22/09/2015" in html
    cycle.refresh_from_db()
    assert cycle.status == "plan_revision"
    assert not LabellingStep.objects.exists()


def test_a_step_that_is_not_possible_now_sends_back_to_the_timeline(login, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    response = login("quality_manager").get(_transition(cycle, "decision"))

    assert response.status_code == 302
    assert response["Location"] == _timeline(world.prefecture)


def test_an_unknown_step_is_not_found(login, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    assert login("quality_manager").get(_transition(cycle, "start")).status_code == 404


def test_the_quality_manager_moves_the_prefecture_to_another_referential(login, world):
    marianne = factories.labelling_referential("MARIANNE")
    qp2 = factories.labelling_referential("QP2")
    cycle = factories.LabellingFactory(
        prefecture=world.prefecture, referential=marianne, granted=True, sites=[world.site]
    )
    url = reverse("labelling_migrate", kwargs={"pk": cycle.pk})

    response = login("quality_manager").post(
        url,
        {
            "referential": qp2.pk,
            "modules": [qp2.modules.get(number=7).pk],
            "sites": [world.site.pk],
            "started_on": "2016-01-04",
        },
    )

    assert response.status_code == 302
    new = Labelling.objects.current().get()
    assert (new.referential, new.previous) == (qp2, cycle)


# --- evidence -------------------------------------------------------------------------------------


def test_evidence_is_downloaded_by_those_who_see_the_cycle_only(client, world):
    own = factories.LabellingStepFactory(
        labelling=factories.LabellingFactory(prefecture=world.prefecture),
        evidence=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"),
    )
    foreign = factories.LabellingStepFactory(
        labelling=factories.LabellingFactory(prefecture=world.foreign_prefecture),
        evidence=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 autre"),
    )
    client.force_login(world.users["agent"])

    response = client.get(reverse("labelling_evidence", kwargs={"pk": own.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rapport')
    assert b"".join(response.streaming_content) == b"%PDF-1.4 rapport"
    assert client.get(reverse("labelling_evidence", kwargs={"pk": foreign.pk})).status_code == 404


# --- where the menu leads -------------------------------------------------------------------------


def test_the_labelling_entry_leads_each_role_to_its_page(login, world):
    assert login("national").get(reverse("labelling_home"))["Location"] == OVERVIEW
    assert login("quality_manager").get(reverse("labelling_home"))["Location"] == _timeline(world.prefecture)
    assert login("agent").get(reverse("labelling_home"))["Location"] == _timeline(world.prefecture)
    assert login("auditor").get(reverse("labelling_home")).status_code == 403


# --- national overview ----------------------------------------------------------------------------


def test_the_overview_is_for_national_administrators(login):
    assert login("quality_manager").get(OVERVIEW).status_code == 403
    assert login("manager").get(OVERVIEW).status_code == 403


def test_the_overview_lists_every_prefecture_with_its_label_and_the_targets(login, world, history):
    marianne = factories.labelling_referential("MARIANNE")
    factories.LabellingFactory(prefecture=world.foreign_prefecture, referential=marianne)
    factories.PrefectureFactory(department=factories.DepartmentFactory(code="2A"), name="Préfecture de la Corse-du-Sud")

    response = login("national").get(OVERVIEW)

    html = response.content.decode()
    assert "3 préfectures, dont 1 en retard d’audit" in html
    assert "Préfecture de la Corse-du-Sud" in html and "Aucun cycle en cours" in html
    assert "Qualipref 2.0 numérique (2.0)" in html and "Label Marianne (2008)" in html
    assert "répartition des labels Marianne et Qualipref entre les préfectures est" in html
    assert "illustrative" in html
    progress = response.context["progress"]
    # each target judged at its date: on 31/12/2014 the cycle (granted on 27/11/2015) was not labelled yet
    assert [(t["share"], t["deadline"], t["labelled"], t["total"], t["current"]) for t in progress] == [
        (50, D(2014, 12, 31), 0, 3, 0),
        (100, D(2015, 12, 31), 1, 3, 33.3),
    ]
    assert [t["state"] for t in progress] == ["missed", "missed"]
    assert [t["subprefectures_labelled"] for t in progress] == [0, 1]  # the world's site is a sous-préfecture
    assert "1 préfecture labellisée" in html and "et 1 sous-préfecture" in html and "au 31/12/2015" in html


def test_the_overview_filters_by_label_and_by_lateness(login, world, history):
    marianne = factories.labelling_referential("MARIANNE")
    factories.LabellingFactory(prefecture=world.foreign_prefecture, referential=marianne)
    corsica = factories.PrefectureFactory(department=factories.DepartmentFactory(code="2A"))
    client = login("national")

    def names(**params):
        return [prefecture.pk for prefecture, _ in client.get(OVERVIEW, params).context["rows"]]

    assert names(label="QP2") == [world.prefecture.pk]
    assert names(label="MARIANNE") == [world.foreign_prefecture.pk]
    assert names(label="none") == [corsica.pk]
    assert names(late="true") == [world.prefecture.pk]
    assert names(late="false") == [corsica.pk, world.foreign_prefecture.pk]  # in the order of the codes: 2A, 94


def test_the_overview_costs_the_same_queries_for_three_prefectures_and_for_forty(login, world, history):
    client = login("national")
    one = count_queries(client, OVERVIEW)
    marianne = factories.labelling_referential("MARIANNE")
    from sites.models import Department

    for department in Department.objects.exclude(code__in=["13", "94"]).order_by("code")[:40]:
        prefecture = factories.PrefectureFactory(department=department)
        factories.LabellingFactory(prefecture=prefecture, referential=marianne, granted=True)

    assert count_queries(client, OVERVIEW) == one


def test_moving_to_the_same_referential_shows_the_reason_on_top_of_the_form(login, world):
    qp2 = factories.labelling_referential("QP2")
    cycle = factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site])

    response = login("quality_manager").post(
        reverse("labelling_migrate", kwargs={"pk": cycle.pk}),
        {
            "referential": qp2.pk,
            "modules": [qp2.modules.get(number=7).pk],
            "sites": [world.site.pk],
            "started_on": "2015-03-02",
        },
    )

    assert response.status_code == 200
    assert "Le cycle est déjà sur le référentiel Qualipref 2.0 numérique (2.0)" in response.content.decode()
    assert Labelling.objects.get().status == "preparation"
