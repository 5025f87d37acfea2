"""``labellings/``: the contract of docs/api.md, scoping, filters, writes through the service, query counts."""

import datetime
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import access
from engagements.models import Labelling, LabellingStep
from tests import factories
from tests.checks import count_queries, listed_ids

D = datetime.date
LIST = reverse("api:labelling-list")


def _detail(labelling, action=None):
    name = f"api:labelling-{action}" if action else "api:labelling-detail"
    return reverse(name, kwargs={"pk": labelling.pk})


@pytest.fixture
def granted(world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])
    factories.LabellingStepFactory(labelling=cycle, kind="decision", status="granted", happened_on=D(2015, 11, 27))
    return cycle


def test_a_cycle_carries_the_fields_of_the_contract(as_role, world, granted):
    body = as_role("quality_manager").get(_detail(granted)).json()

    assert body["id"] == granted.pk
    assert body["prefecture"] == world.prefecture.pk
    assert body["referential"] == granted.referential_id
    assert sorted(body["modules"]) == sorted(m.pk for m in granted.modules.all())
    assert body["sites"] == [world.site.pk]
    assert body["status"] == "granted"
    assert body["granted_on"] == "2015-11-27"
    assert body["next_audit_due"] == "2016-11-27"
    assert body["renewal_due"] == "2018-11-27"
    assert body["is_late"] is True
    assert body["allowed_steps"] == ["follow_up_audit", "renewal_audit", "end"]
    assert body["steps"] == [
        {
            "id": granted.steps.get().pk,
            "kind": "decision",
            "title": "Décision favorable",
            "status": "granted",
            "happened_on": "2015-11-27",
            "note": "",
            "evidence": None,
            "recorded_by": None,
            "audit": None,
            "opinion": "",
        }
    ]
    assert body["abilities"] == {"update": False, "delete": False, "transition": True, "migrate": True}
    assert "note" not in body and "evidence" not in body  # write-only


def test_a_manager_reads_the_cycle_without_abilities(as_role, granted):
    body = as_role("manager").get(_detail(granted)).json()

    assert body["abilities"] == {"update": False, "delete": False, "transition": False, "migrate": False}


def test_reads_are_scoped_to_the_users_prefectures(as_role, world, granted):
    foreign = factories.LabellingFactory(prefecture=world.foreign_prefecture)

    assert [c["id"] for c in as_role("agent").get(LIST).json()["results"]] == [granted.pk]
    assert as_role("quality_manager").get(_detail(foreign)).status_code == 404
    assert as_role("auditor").get(LIST).json()["results"] == []
    assert {c["id"] for c in as_role("national").get(LIST).json()["results"]} == {granted.pk, foreign.pk}


def test_cycles_are_filtered_by_prefecture_referential_label_status_and_lateness(as_role, world, granted):
    marianne = factories.labelling_referential("MARIANNE")
    ended = factories.LabellingFactory(
        prefecture=world.prefecture,
        referential=marianne,
        status="ended",
        started_on=D(2012, 1, 2),
        ended_on=D(2015, 2, 1),
    )
    foreign = factories.LabellingFactory(prefecture=world.foreign_prefecture)
    ids = functools.partial(listed_ids, as_role("national"), LIST)

    assert ids(prefecture=world.prefecture.pk) == {granted.pk, ended.pk}
    assert ids(referential=marianne.pk) == {ended.pk}
    assert ids(label="qp2") == {granted.pk, foreign.pk}
    assert ids(status="preparation") == {foreign.pk}
    assert ids(late="true") == {granted.pk}
    assert ids(late="false") == {ended.pk, foreign.pk}


def _start(client, world, **overrides):
    """Post a Qualipref 2.0 cycle of the Bouches-du-Rhône with module 4 on Arles, started on 16/02/2015."""
    qp2 = factories.labelling_referential("QP2")
    data = {
        "prefecture": world.prefecture.pk,
        "referential": qp2.pk,
        "modules": [qp2.modules.get(number=4).pk],
        "sites": [world.site.pk],
        "started_on": "2015-02-16",
    }
    return client.post(LIST, {**data, **overrides}, format="json")


def test_a_quality_manager_starts_a_cycle_through_the_api(as_role, world):
    response = _start(as_role("quality_manager"), world, sites=[world.site.pk, world.sister_site.pk], note="Lancement")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "preparation"
    assert len(body["modules"]) == 3  # modules 1 and 8 are mandatory
    assert [(s["kind"], s["note"], s["recorded_by"]) for s in body["steps"]] == [("start", "Lancement", "qm")]


def test_a_module_of_another_referential_is_a_400_in_french_and_nothing_is_written(as_role, world):
    other = factories.labelling_referential("QP").modules.get(number=4)

    response = _start(as_role("quality_manager"), world, modules=[other.pk])

    assert response.status_code == 400
    assert "n'appartiennent pas au référentiel" in response.json()["modules"][0]
    assert not Labelling.objects.exists()


def test_a_site_outside_the_users_scope_does_not_exist_for_them(as_role, world):
    response = _start(as_role("quality_manager"), world, sites=[world.foreign_site.pk])

    assert response.status_code == 400
    assert "sites" in response.json()


def test_the_decision_is_recorded_with_the_transition_action(as_role, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, audited=True)

    response = as_role("quality_manager").post(
        _detail(cycle, "transition"),
        {
            "step": "decision",
            "happened_on": "2015-11-27",
            "decision": "favourable",
            "decision_body": "AFNOR Certification",
            "renewal_due": "2017-06-30",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["granted_on"], body["next_audit_due"], body["renewal_due"]) == (
        "granted",
        "2015-11-27",
        "2016-11-27",
        "2017-06-30",
    )
    assert body["steps"][-1]["title"] == "Décision favorable"


def test_an_invalid_transition_is_a_400_in_french(as_role, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    response = as_role("quality_manager").post(
        _detail(cycle, "transition"),
        {"step": "decision", "happened_on": "2015-11-27", "decision": "favourable", "decision_body": "AFNOR"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Pas de décision sans audit de labellisation")
    assert not LabellingStep.objects.exists()


def test_the_evidence_of_a_step_is_uploaded_as_multipart(as_role, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)
    report = SimpleUploadedFile("audit-interne.pdf", b"%PDF-1.4 rapport", content_type="application/pdf")

    response = as_role("quality_manager").post(
        _detail(cycle, "transition"),
        {"step": "internal_evaluation", "happened_on": "2015-06-22", "evidence": report},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    step = LabellingStep.objects.get()
    assert (
        response.json()["steps"][0]["evidence"] == f"http://testserver/qualite/labellisation/justificatifs/{step.pk}/"
    )


def test_a_forbidden_evidence_type_is_a_400(as_role, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    response = as_role("quality_manager").post(
        _detail(cycle, "transition"),
        {"step": "internal_evaluation", "happened_on": "2015-06-22", "evidence": SimpleUploadedFile("x.exe", b"MZ")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["evidence"][0].startswith("Type de fichier non accepté")


def test_a_manager_cannot_record_a_step(as_role, world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture)

    response = as_role("manager").post(
        _detail(cycle, "transition"), {"step": "internal_evaluation", "happened_on": "2015-06-22"}, format="json"
    )

    assert response.status_code == 403
    assert not LabellingStep.objects.exists()


def test_a_cycle_moves_to_another_referential_with_the_migrate_action(as_role, world):
    marianne = factories.labelling_referential("MARIANNE")
    qp2 = factories.labelling_referential("QP2")
    cycle = factories.LabellingFactory(
        prefecture=world.prefecture, referential=marianne, granted=True, sites=[world.site]
    )

    response = as_role("quality_manager").post(
        _detail(cycle, "migrate"),
        {"referential": qp2.pk, "modules": [qp2.modules.get(number=7).pk], "started_on": "2016-01-04"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["referential"], body["previous"], body["status"], body["sites"]) == (
        qp2.pk,
        cycle.pk,
        "preparation",
        [world.site.pk],
    )
    cycle.refresh_from_db()
    assert cycle.status == "ended"


def _count(client, url, user):
    # as on a new request: the user's memberships are read again
    return count_queries(client, url, then=lambda: access.clear_scope(user))


def test_the_list_costs_the_same_queries_for_one_cycle_and_for_many(as_role, world):
    """Scope, count, page, then modules, sites and steps (with their authors) of the whole page."""
    client, user = as_role("quality_manager"), world.users["quality_manager"]
    factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])
    assert _count(client, LIST, user) == 6
    for n in range(20):
        cycle = factories.LabellingFactory(
            prefecture=world.prefecture, status="ended", started_on=D(2010, 1, 1), ended_on=D(2010, 2, n + 1)
        )
        factories.LabellingStepFactory(labelling=cycle, recorded_by=world.users["quality_manager"])
        cycle.sites.set([world.site, world.sister_site])

    assert _count(client, LIST, user) == 6


def test_the_detail_costs_the_same_queries_whatever_its_steps(as_role, world):
    """Scope, the cycle, its modules, sites and steps."""
    client, user = as_role("quality_manager"), world.users["quality_manager"]
    cycle = factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])
    factories.LabellingStepFactory(labelling=cycle)
    assert _count(client, _detail(cycle), user) == 5
    for _ in range(10):
        factories.LabellingStepFactory(labelling=cycle, kind="follow_up_audit", recorded_by=world.users["national"])

    assert _count(client, _detail(cycle), user) == 5
