"""Closing a follow-up audit moves the labelling cycle (audits.services.audits.audit_transition, step « close »):
the body's opinion, the follow-up step recorded once and linked to the audit, the next due date, the alerts; the
other kinds of audit leave the cycle alone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Notification
from audits.services import audits as services
from engagements.services import labellings as labelling_services
from indicators import alerts
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
ALERTS_DAY = D(2022, 7, 5)  # the follow-up audit due on 01/06/2022 is late


@pytest.fixture
def granted(world):
    """A Qualipref 2.0 cycle labelled on 01/06/2021 (12-month follow-ups): next audit before 01/06/2022."""
    cycle = factories.LabellingFactory(
        prefecture=world.prefecture,
        granted=True,
        sites=[world.site],
        decision_on=D(2021, 6, 1),
        granted_on=D(2021, 6, 1),
        next_audit_due=D(2022, 6, 1),
        renewal_due=D(2024, 6, 1),
    )
    factories.LabellingStepFactory(labelling=cycle, kind="decision", status="granted", happened_on=D(2021, 6, 1))
    return cycle


def _held(labelling, kind="follow_up", **kwargs):
    """An audit of ``labelling`` held from 20 to 22/06/2022, its report delivered on 01/07/2022 (nothing to answer)."""
    fields = {
        "kind": kind,
        "start_on": D(2022, 6, 20),
        "end_on": D(2022, 6, 22),
        "status": "delivered",
        "report_delivered_on": D(2022, 7, 1),
        **kwargs,
    }
    return factories.AuditFactory(labelling=labelling, **fields)


@pytest.fixture
def follow_up(granted):
    return _held(granted)


def _close(world, audit, **kwargs):
    return services.audit_transition(
        by=world.users["quality_manager"], audit=audit, step="close", on=D(2022, 7, 10), **kwargs
    )


def _overdue_alerts(labelling):
    return list(
        Notification.objects.filter(kind="follow_up_audit_overdue", key__startswith=f"labelling:{labelling.pk}:")
        .order_by("key")
        .values_list("key", flat=True)
    )


# --- the service ----------------------------------------------------------------------------------


def test_closing_a_follow_up_audit_records_the_step_once_linked_to_the_audit_and_moves_the_due_date(
    world, granted, follow_up
):
    audit = _close(world, follow_up, opinion="favourable")

    granted.refresh_from_db()
    assert audit.status == "closed" and audit.closed_on == D(2022, 7, 10)
    assert granted.status == "granted"
    assert granted.next_audit_due == D(2023, 6, 1)  # one period more, counted from the label
    step = granted.steps.get(kind="follow_up_audit")
    assert step.happened_on == D(2022, 6, 20)  # dated at the audit
    assert step.audit_id == follow_up.pk and step.source == follow_up
    assert step.opinion == "favourable"
    assert step.title == "Audit de suivi : avis favorable au maintien du label"
    assert list(labelling_services.steps_of(follow_up)) == [step]


def test_the_step_is_never_recorded_twice_for_one_audit(world, granted, follow_up):
    _close(world, follow_up, opinion="favourable")

    with pytest.raises(ValidationError) as error:  # by the service, for the same audit
        labelling_services.labelling_record_follow_up_audit(
            by=world.users["quality_manager"],
            labelling=granted,
            happened_on=D(2022, 6, 20),
            opinion="favourable",
            source=follow_up,
        )
    assert "déjà enregistré" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:  # by hand, on the timeline
        labelling_services.labelling_transition(
            by=world.users["quality_manager"], labelling=granted, step="follow_up_audit", happened_on=D(2022, 6, 20)
        )
    assert error.value.message_dict["happened_on"] == [
        "L'audit de suivi du 20/06/2022 est déjà enregistré sur le cycle : il l'a été à la clôture de l'audit "
        "(lien sur la frise du cycle). Il ne se saisit pas une seconde fois."
    ]
    granted.refresh_from_db()
    assert granted.steps.filter(kind="follow_up_audit").count() == 1
    assert granted.next_audit_due == D(2023, 6, 1)


def test_a_follow_up_entered_by_hand_before_the_closure_is_linked_not_recorded_twice(world, granted, follow_up):
    labelling_services.labelling_transition(
        by=world.users["quality_manager"], labelling=granted, step="follow_up_audit", happened_on=D(2022, 6, 22)
    )

    _close(world, follow_up, opinion="favourable")

    granted.refresh_from_db()
    step = granted.steps.get(kind="follow_up_audit")
    assert step.audit_id == follow_up.pk and step.opinion == "favourable"
    assert granted.next_audit_due == D(2023, 6, 1)  # moved once, by the hand entry


def test_the_overdue_follow_up_alert_stops_once_the_audit_is_closed(world, granted, follow_up):
    alerts.collect_and_notify(ALERTS_DAY, collectors={"follow_up_audits"})
    assert _overdue_alerts(granted) == [f"labelling:{granted.pk}:next_audit_due:2022-06-01:overdue"]

    _close(world, follow_up, opinion="favourable")
    Notification.objects.all().delete()
    offered = alerts.collect_and_notify(ALERTS_DAY, collectors={"follow_up_audits"})

    assert offered == {"follow_up_audits": 0}
    assert _overdue_alerts(granted) == []
    # ... until the next follow-up, a year later, is late in turn
    alerts.collect_and_notify(D(2023, 6, 5), collectors={"follow_up_audits"})
    assert _overdue_alerts(granted) == [f"labelling:{granted.pk}:next_audit_due:2023-06-01:overdue"]


def test_an_unfavourable_opinion_is_recorded_and_the_cycle_stays_labelled(world, granted, follow_up):
    _close(world, follow_up, opinion="unfavourable")

    granted.refresh_from_db()
    step = granted.steps.get(kind="follow_up_audit")
    assert step.opinion == "unfavourable"
    assert step.title == "Audit de suivi : avis défavorable au maintien du label"
    assert granted.status == "granted" and granted.next_audit_due == D(2023, 6, 1)


def test_the_opinion_is_required_to_close_a_follow_up_audit(world, granted, follow_up):
    with pytest.raises(ValidationError) as error:
        _close(world, follow_up)

    assert error.value.message_dict == {
        "opinion": ["Indiquez l'avis de l'organisme : favorable ou défavorable au maintien du label."]
    }
    follow_up.refresh_from_db()
    granted.refresh_from_db()
    assert follow_up.status == "delivered" and not granted.steps.filter(kind="follow_up_audit").exists()


def test_a_refusal_of_the_cycle_leaves_the_audit_unclosed_with_the_cycles_message(world, granted, follow_up):
    factories.LabellingStepFactory(labelling=granted, kind="follow_up_audit", happened_on=D(2022, 8, 1))

    with pytest.raises(ValidationError) as error:
        _close(world, follow_up, opinion="favourable")

    assert error.value.message_dict == {
        "step": [
            "Le cycle de labellisation refuse l'audit de suivi du 20/06/2022 : "
            "La date ne peut pas précéder la dernière étape du cycle (01/08/2022)."
        ]
    }
    follow_up.refresh_from_db()
    granted.refresh_from_db()
    assert follow_up.status == "delivered" and follow_up.closed_on is None
    assert granted.next_audit_due == D(2022, 6, 1)
    assert not labelling_services.steps_of(follow_up).exists()


def test_a_cycle_in_renewal_refuses_the_follow_up(world, granted):
    audit = _held(granted)
    granted.status = "renewal"
    granted.save()

    with pytest.raises(ValidationError) as error:
        _close(world, audit, opinion="favourable")

    assert error.value.message_dict == {
        "step": [
            "Le cycle de labellisation refuse l'audit de suivi du 20/06/2022 : Le cycle est en renouvellement (son "
            "audit de renouvellement est enregistré) : il n'attend plus d'audit de suivi, mais la décision de "
            "l'organisme."
        ]
    }
    audit.refresh_from_db()
    assert audit.status == "delivered"


def test_a_cycle_ended_since_is_left_alone(world, granted, follow_up):
    granted.status, granted.ended_on = "ended", D(2022, 6, 25)
    granted.save()

    audit = _close(world, follow_up)

    assert audit.status == "closed"
    assert not granted.steps.filter(kind="follow_up_audit").exists()


@pytest.mark.parametrize("kind", ["internal", "self_assessment", "mystery"])
def test_closing_other_audits_never_touches_the_cycle(world, granted, kind):
    audit = _held(granted, kind=kind)
    steps = list(granted.steps.values_list("pk", flat=True))

    with pytest.raises(ValidationError) as error:
        _close(world, audit, opinion="favourable")
    assert error.value.message_dict == {"opinion": [services.OPINION_ONLY_AT_FOLLOW_UP]}
    _close(world, audit)

    audit.refresh_from_db()
    granted.refresh_from_db()
    assert audit.status == "closed"
    assert list(granted.steps.values_list("pk", flat=True)) == steps
    assert granted.next_audit_due == D(2022, 6, 1) and granted.status == "granted"


def test_a_renewal_audit_moves_the_cycle_by_its_decision_and_its_closure_records_nothing_more(world, granted):
    audit = _held(granted, kind="renewal")
    services.audit_record_decision(
        by=world.users["quality_manager"], audit=audit, decision="favourable", decided_on=D(2022, 7, 5)
    )
    granted.refresh_from_db()
    assert granted.status == "granted" and granted.granted_on == D(2022, 7, 5)
    written = list(labelling_services.steps_of(audit).values_list("kind", flat=True))
    assert written == ["renewal_audit", "decision"]

    _close(world, audit)
    with pytest.raises(ValidationError):
        _close(world, audit)  # closed already
    with pytest.raises(ValidationError) as error:  # the same decision again, straight to the cycle
        labelling_services.labelling_record_decision(
            by=world.users["quality_manager"],
            labelling=granted,
            happened_on=D(2022, 7, 6),
            decision="favourable",
            decision_body="AFNOR Certification",
            source=audit,
        )
    assert "déjà enregistré" in " ".join(error.value.messages)

    assert list(labelling_services.steps_of(audit).values_list("kind", flat=True)) == written
    assert granted.steps.count() == 3  # the first decision, the renewal audit, the new decision


# --- the page -------------------------------------------------------------------------------------


def test_the_close_page_of_a_follow_up_audit_asks_the_opinion_and_the_timeline_links_the_step(
    login, world, granted, follow_up
):
    client = login("quality_manager")
    url = reverse("audit_transition", kwargs={"pk": follow_up.pk, "step": "close"})
    html = client.get(url).content.decode()
    assert '<fieldset class="fr-fieldset' in html and "Avis de l’organisme sur le maintien du label" in html
    assert 'type="radio" name="opinion" value="favourable"' in html
    assert "Favorable au maintien du label" in html and "Défavorable au maintien du label" in html

    response = client.post(url, {"on": "2022-07-10", "opinion": "unfavourable"})

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "closed"
    timeline = client.get(reverse("labelling_timeline", kwargs={"prefecture_pk": world.prefecture.pk}))
    html = timeline.content.decode()
    assert "Audit de suivi : avis défavorable au maintien du label" in html
    assert f'href="{reverse("audit_detail", kwargs={"pk": follow_up.pk})}"' in html
    detail = client.get(reverse("audit_detail", kwargs={"pk": follow_up.pk})).content.decode()
    assert "Audit de suivi : avis défavorable au maintien du label le 20/06/2022" in detail


def test_the_close_page_of_other_audits_asks_no_opinion(login, granted):
    audit = _held(granted, kind="internal")
    url = reverse("audit_transition", kwargs={"pk": audit.pk, "step": "close"})
    assert 'name="opinion"' not in login("quality_manager").get(url).content.decode()


def test_the_close_page_shows_the_cycles_refusal_and_keeps_the_audit_open(login, world, granted, follow_up):
    factories.LabellingStepFactory(labelling=granted, kind="follow_up_audit", happened_on=D(2022, 8, 1))
    url = reverse("audit_transition", kwargs={"pk": follow_up.pk, "step": "close"})

    response = login("quality_manager").post(url, {"on": "2022-07-10", "opinion": "favourable"})

    assert response.status_code == 200
    assert "La date ne peut pas précéder la dernière étape du cycle (01/08/2022)." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "delivered"


def test_the_close_page_without_an_opinion_puts_the_error_on_the_field(login, granted, follow_up):
    url = reverse("audit_transition", kwargs={"pk": follow_up.pk, "step": "close"})
    response = login("quality_manager").post(url, {"on": "2022-07-10"})
    assert response.status_code == 200
    assert response.context["form"].errors["opinion"]


# --- the API --------------------------------------------------------------------------------------


def _transition(client, audit, body):
    return client.post(reverse("api:audit-transition", kwargs={"pk": audit.pk}), body, format="json")


def test_the_api_closes_a_follow_up_audit_with_the_opinion(as_role, granted, follow_up):
    client = as_role("quality_manager")

    missing = _transition(client, follow_up, {"step": "close", "on": "2022-07-10"})
    assert missing.status_code == 400 and "opinion" in missing.json()
    response = _transition(client, follow_up, {"step": "close", "on": "2022-07-10", "opinion": "favourable"})

    assert response.status_code == 200 and response.json()["status"] == "closed"
    cycle = client.get(reverse("api:labelling-detail", kwargs={"pk": granted.pk})).json()
    assert cycle["next_audit_due"] == "2023-06-01"
    step = next(step for step in cycle["steps"] if step["kind"] == "follow_up_audit")
    assert step["audit"] == follow_up.pk and step["opinion"] == "favourable"
    assert step["happened_on"] == "2022-06-20"


def test_the_api_refuses_an_opinion_on_another_audit_and_shows_the_cycles_refusal(as_role, granted, follow_up):
    client = as_role("quality_manager")
    internal = _held(granted, kind="internal")
    response = _transition(client, internal, {"step": "close", "on": "2022-07-10", "opinion": "favourable"})
    assert response.status_code == 400 and response.json() == {"opinion": [services.OPINION_ONLY_AT_FOLLOW_UP]}

    factories.LabellingStepFactory(labelling=granted, kind="follow_up_audit", happened_on=D(2022, 8, 1))
    response = _transition(client, follow_up, {"step": "close", "on": "2022-07-10", "opinion": "favourable"})
    assert response.status_code == 400
    assert "dernière étape du cycle (01/08/2022)" in response.json()["step"][0]
