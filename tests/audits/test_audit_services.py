"""Planning an audit, its statuses and its decision (audits.services.audits)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audits.models import Audit, AuditReport
from audits.services import audits as services
from engagements.models import Labelling, Module
from tests import factories

pytestmark = pytest.mark.django_db


def _plan(world, cycle, **fields):
    values = {
        "by": world.users["quality_manager"],
        "labelling": cycle,
        "kind": "labelling",
        "body": "AFNOR Certification",
        "start_on": datetime.date(2015, 9, 14),
        "end_on": datetime.date(2015, 9, 18),
    }
    values.update(fields)
    return services.audit_create(**values)


def test_an_audit_covers_the_cycle_perimeter_by_default_and_its_report_is_due_15_days_after(world, cycle):
    audit = _plan(world, cycle)
    assert audit.prefecture == world.prefecture
    assert set(audit.sites.all()) == {world.site, world.sister_site}
    assert set(audit.modules.all()) == set(cycle.modules.all())
    assert audit.report_due_on == datetime.date(2015, 10, 3)
    # default access window of the auditors: 15 days before, until 15 days after the report is due
    assert (audit.access_from, audit.access_until) == (datetime.date(2015, 8, 30), datetime.date(2015, 10, 18))
    assert audit.status == "planned" and audit.history.count() == 1


def test_inverted_dates_are_refused(world, cycle):
    with pytest.raises(ValidationError) as error:
        _plan(
            world,
            cycle,
            start_on=datetime.date(2015, 9, 18),
            end_on=datetime.date(2015, 9, 14),
            access_from=datetime.date(2015, 10, 1),
            access_until=datetime.date(2015, 9, 1),
        )
    assert error.value.message_dict == {
        "end_on": ["Le dernier jour d'audit ne peut pas précéder le premier (18/09/2015) : dates inversées ?"],
        "access_until": [
            "La fin de l'accès des auditeurs ne peut pas précéder son début (01/10/2015) : dates inversées ?"
        ],
    }
    assert not Audit.objects.exists()


def test_the_scope_stays_within_the_cycle_perimeter(world, cycle):
    outside = Module.objects.get(referential=cycle.referential, number=2)  # not in the cycle's modules
    with pytest.raises(ValidationError) as error:
        _plan(world, cycle, sites=[world.foreign_site], modules=[outside])
    assert error.value.message_dict == {
        "sites": ["Hors du périmètre du cycle de labellisation : « Créteil – Préfecture »."],
        "modules": [
            "Hors du périmètre du cycle de labellisation : « Délivrance des titres (immatriculation et permis de "
            "conduire) »."
        ],
    }


def test_auditors_hold_an_auditor_role(world, cycle):
    with pytest.raises(ValidationError) as error:
        _plan(world, cycle, auditors=[world.users["agent"]])
    assert error.value.message_dict["auditors"][0].startswith("Sans habilitation d'auditeur en cours")


def test_only_the_quality_manager_and_national_administrators_plan_audits(world, cycle):
    for role in ("manager", "site_referent", "auditor"):
        with pytest.raises(PermissionDenied):
            _plan(world, cycle, by=world.users[role])
    assert _plan(world, cycle, by=world.users["national"]).created_by == world.users["national"]


def test_changing_the_dates_recomputes_the_report_due_date(world, audit):
    services.audit_update(by=world.users["quality_manager"], audit=audit, end_on=datetime.date(2015, 9, 25))
    audit.refresh_from_db()
    assert audit.report_due_on == datetime.date(2015, 10, 10)


def test_the_scope_cannot_drop_a_site_that_findings_use(world, audit):
    factories.FindingFactory(audit=audit, site=world.sister_site)
    with pytest.raises(ValidationError, match="Des constats ou des évaluations portent sur les sites retirés"):
        services.audit_update(by=world.users["quality_manager"], audit=audit, sites=[world.site])


def test_the_database_refuses_an_audit_ending_before_it_starts(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AuditFactory(labelling=cycle, start_on=datetime.date(2015, 9, 18), end_on=datetime.date(2015, 9, 14))


def test_the_database_refuses_a_decision_on_an_audit_that_takes_none(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AuditFactory(
            labelling=cycle, internal=True, decision="favourable", decision_on=datetime.date(2015, 7, 1)
        )


# --- statuses ---------------------------------------------------------------------------------------


def _step(world, audit, step, day):
    return services.audit_transition(by=world.users["quality_manager"], audit=audit, step=step, on=day)


def test_an_audit_goes_from_planned_to_closed_through_the_report_and_the_response(world, audit):
    finding = factories.FindingFactory(audit=audit, site=world.site, minor=True)
    audit = _step(world, audit, "start", datetime.date(2015, 9, 14))
    audit = _step(world, audit, "write", datetime.date(2015, 9, 18))
    audit = _step(world, audit, "deliver", datetime.date(2015, 10, 1))
    assert audit.status == "delivered" and audit.report_delivered_on == datetime.date(2015, 10, 1)
    with pytest.raises(ValidationError, match="sans réponse argumentée"):
        _step(world, audit, "respond", datetime.date(2015, 10, 20))
    finding.response, finding.responded_on = "Le déménagement réglera l'accessibilité.", datetime.date(2015, 10, 19)
    finding.save()
    audit = _step(world, audit, "respond", datetime.date(2015, 10, 20))
    with pytest.raises(ValidationError, match="Enregistrez d'abord la décision"):
        _step(world, audit, "close", datetime.date(2015, 11, 30))
    assert audit.history.count() == 5  # planned, then 4 steps


def test_steps_are_refused_out_of_order_or_before_their_dates(world, audit):
    with pytest.raises(ValidationError, match="« Enregistrer la remise du rapport » impossible"):
        _step(world, audit, "deliver", datetime.date(2015, 10, 1))
    with pytest.raises(ValidationError, match="L'audit commence le 14/09/2015"):
        _step(world, audit, "start", datetime.date(2015, 9, 1))
    _step(world, audit, "start", datetime.date(2015, 9, 14))
    _step(world, audit, "write", datetime.date(2015, 9, 18))
    with pytest.raises(ValidationError, match="Le rapport suit le dernier jour d'audit"):
        _step(world, audit, "deliver", datetime.date(2015, 9, 17))


def test_delivering_the_report_keeps_the_latest_produced_report_as_the_one_sent(world, audit):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    report = AuditReport(audit=audit, status="done", sha256="a" * 64, generated_at=timezone.now(), progress=100)
    report.file.save("r.pdf", ContentFile(b"%PDF-1.4"), save=False)
    report.save()
    audit.status = "writing"
    audit.save()
    _step(world, audit, "deliver", datetime.date(2015, 10, 1))
    report.refresh_from_db()
    assert report.delivered_on == datetime.date(2015, 10, 1)


def test_late_reports_are_those_past_due_and_not_delivered(world, cycle):
    late = factories.AuditFactory(labelling=cycle, writing=True)
    factories.AuditFactory(labelling=cycle, delivered=True)
    on_time = factories.AuditFactory(
        labelling=cycle, start_on=datetime.date(2015, 9, 28), end_on=datetime.date(2015, 9, 30)
    )
    assert list(Audit.objects.late_reports(on=datetime.date(2015, 10, 5))) == [late]
    assert not on_time.is_report_late(on=datetime.date(2015, 10, 5)) and late.is_report_late(
        on=datetime.date(2015, 10, 5)
    )


# --- the decision -----------------------------------------------------------------------------------


def test_a_favourable_decision_grants_the_label_through_the_labelling_service(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    services.audit_record_decision(
        by=world.users["quality_manager"], audit=audit, decision="favourable", decided_on=datetime.date(2015, 11, 27)
    )
    audit.refresh_from_db()
    cycle.refresh_from_db()
    assert audit.decision == "favourable" and audit.decision_on == datetime.date(2015, 11, 27)
    assert cycle.status == Labelling.Status.GRANTED
    assert (cycle.next_audit_due, cycle.renewal_due) == (datetime.date(2016, 11, 27), datetime.date(2018, 11, 27))
    step = cycle.steps.get(kind="decision")
    assert step.recorded_by == world.users["quality_manager"] and step.happened_on == datetime.date(2015, 11, 27)


def test_the_cycle_records_its_labelling_audit_step_first_when_it_lacks_it(world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site], revised=True)
    audit = factories.AuditFactory(labelling=cycle, delivered=True)
    services.audit_record_decision(
        by=world.users["quality_manager"], audit=audit, decision="unfavourable", decided_on=datetime.date(2015, 11, 27)
    )
    cycle.refresh_from_db()
    assert cycle.status == Labelling.Status.REFUSED
    assert list(cycle.steps.order_by("happened_on").values_list("kind", flat=True)) == ["labelling_audit", "decision"]
    assert cycle.labelling_audit_on == datetime.date(2015, 9, 14)


def test_a_decision_on_an_audit_that_is_not_a_labelling_audit_is_refused(world, cycle):
    audit = factories.AuditFactory(labelling=cycle, internal=True, delivered=True)
    with pytest.raises(ValidationError) as error:
        services.audit_record_decision(
            by=world.users["quality_manager"], audit=audit, decision="favourable", decided_on=datetime.date(2015, 7, 10)
        )
    assert error.value.message_dict["decision"] == [
        "Un « audit interne » ne donne pas lieu à une décision : seuls les audits de labellisation et de "
        "renouvellement se concluent par une décision de l'organisme."
    ]
    cycle.refresh_from_db()
    assert cycle.status == "labelling_audit" and not cycle.steps.exists()


def test_a_refusal_of_the_labelling_service_leaves_the_audit_and_the_cycle_unchanged(world):
    cycle = factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site], revised=True)
    # labelling audit 1 to 3 months after the internal evaluation (22/06/2015): 14/12/2015 is too late
    audit = factories.AuditFactory(
        labelling=cycle, delivered=True, start_on=datetime.date(2015, 12, 14), end_on=datetime.date(2015, 12, 15)
    )
    with pytest.raises(ValidationError, match="L'évaluation interne"):
        services.audit_record_decision(
            by=world.users["quality_manager"], audit=audit, decision="favourable", decided_on=datetime.date(2016, 1, 5)
        )
    audit.refresh_from_db()
    cycle.refresh_from_db()
    assert audit.decision == "" and cycle.status == "plan_revision" and not cycle.steps.exists()


def test_the_decision_waits_for_the_report(world, audit):
    with pytest.raises(ValidationError, match="La décision suit la remise du rapport"):
        services.audit_record_decision(
            by=world.users["quality_manager"],
            audit=audit,
            decision="favourable",
            decided_on=datetime.date(2015, 11, 27),
        )
