"""Audits: pages and API.

- The Bouches-du-Rhône's audit ("own") covers Arles and Istres and is assigned to the world's auditor, whose
  access window is open: everyone of the prefecture reads it (the referent and the agent of Arles too), the
  auditor reads it and fills its grid and findings, the quality manager and national administrators manage it.
- An audit of Istres only ("sister"): the referent and the agent of Arles do not see it (404).
- An audit of the prefecture not assigned to the auditor ("unassigned"): 404 for the auditor.
- The same audit with its access window closed ("closed window"): 403 for the auditor, pages and API.
- Val-de-Marne ("foreign"): 404, national administrators aside.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from tests import factories
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN, NOT_FOUND, REDIRECT, NOT_ALLOWED, BAD_REQUEST = 403, 404, 302, 405, 400

# --- objects of the rows (created once per row, before its roles' requests) -----------------------------


def _cycle(w, *, foreign=False):
    """The prefecture's running cycle (one per prefecture), created on first use."""
    from engagements.models import Labelling

    running = Labelling.objects.current().filter(prefecture=w.foreign_prefecture if foreign else w.prefecture).first()
    if running is not None:
        return running
    if foreign:
        return factories.LabellingFactory(prefecture=w.foreign_prefecture, sites=[w.foreign_site], audited=True)
    return factories.LabellingFactory(prefecture=w.prefecture, sites=[w.site, w.sister_site], audited=True)


def _audit(w, *, foreign=False, sites=None, assigned=True, **traits):
    traits.setdefault("in_progress", True)
    auditors = [w.users["auditor"]] if assigned and not foreign else []
    return factories.AuditFactory(labelling=_cycle(w, foreign=foreign), sites=sites, auditors=auditors, **traits)


def _own(w):
    return {"pk": _audit(w).pk}


def _sister(w):
    return {"pk": _audit(w, sites=[w.sister_site]).pk}


def _unassigned(w):
    return {"pk": _audit(w, assigned=False).pk}


def _closed_window(w):
    return {"pk": _audit(w, window_closed=True).pk}


def _foreign(w):
    return {"pk": _audit(w, foreign=True).pk}


def _delivered(w):
    return {"pk": _audit(w, in_progress=False, delivered=True).pk}


def _own_finding(w):
    audit = _audit(w)
    return {"pk": factories.FindingFactory(audit=audit, site=w.site).pk}


def _own_nonconformity(w):
    audit = _audit(w, in_progress=False, delivered=True)
    return {"pk": factories.FindingFactory(audit=audit, site=w.site, minor=True).pk}


def _checked_nonconformity(w):
    """A lifted-and-reopened non-conformity whose effectiveness check carries a document."""
    finding = factories.FindingFactory(audit=_audit(w, in_progress=False, delivered=True), site=w.site, minor=True)
    finding.effectiveness_evidence.save("preuve.pdf", ContentFile(b"%PDF-1.4 preuve"), save=False)
    finding.effectiveness_evidence_name = "preuve.pdf"
    finding.effective, finding.effectiveness_checked_on = False, datetime.date(2016, 11, 15)
    finding.save()
    return {"pk": finding.pk}


def _foreign_nonconformity(w):
    audit = _audit(w, foreign=True, in_progress=False, delivered=True)
    return {"pk": factories.FindingFactory(audit=audit, site=w.foreign_site, minor=True).pk}


ANALYSIS = {"cause_categories": ["methods"], "cause_whys": ["Panneau retiré pendant les travaux."]}


def _foreign_finding(w):
    audit = _audit(w, foreign=True)
    return {"pk": factories.FindingFactory(audit=audit, site=w.foreign_site).pk}


def _closed_window_finding(w):
    audit = _audit(w, window_closed=True)
    return {"pk": factories.FindingFactory(audit=audit, site=w.site).pk}


def _with_step(step):
    return lambda w: {**_own(w), "step": step}


def _evidence(w):
    audit = _audit(w)
    cell = factories.AssessmentFactory(audit=audit, site=w.site)
    cell.evidence.save("preuve.pdf", ContentFile(b"%PDF-1.4 preuve"), save=False)
    cell.evidence_name = "preuve.pdf"
    cell.save()
    return {"pk": audit.pk, "cell_pk": cell.pk}


def _visit(w):
    audit = _audit(w)
    visit = audit.mystery_visits.create(
        channel="call", scenario="Appel au standard", happened_on=datetime.date(2015, 9, 1), site=w.site
    )
    return {"pk": audit.pk, "visit_pk": visit.pk}


def _stored_report(w, *, done=True):
    from audits.models import AuditReport

    audit = _audit(w)
    report = AuditReport(audit=audit, status="done" if done else "running", progress=100 if done else 40)
    if done:
        report.file.save("rapport.pdf", ContentFile(b"%PDF-1.4 rapport"), save=False)
        report.sha256, report.size, report.pages, report.generated_at = "0" * 64, 16, 1, timezone.now()
    report.save()
    return {"pk": audit.pk, "report_pk": report.pk}


def _failed_report(w):
    from audits.models import AuditReport

    audit = _audit(w)
    report = AuditReport.objects.create(
        audit=audit, status="failed", error="Le service de production est indisponible."
    )
    return {"pk": audit.pk, "report_pk": report.pk}


def _practice(w):
    from audits.models import GoodPractice

    audit = _audit(w)
    finding = factories.FindingFactory(audit=audit, site=w.site)
    practice = GoodPractice.objects.create(
        finding=finding,
        prefecture=w.prefecture,
        title="Accueil téléphonique sans interruption",
        text=finding.text,
        published_by=w.users["national"],
        published_on=datetime.date(2015, 12, 1),
    )
    return {"pk": practice.pk}


def _quarterly(w, site):
    """The current quarter's self-assessment of reception conditions of ``site`` (audits.services.self_assessments)."""
    from audits.services import self_assessments

    _cycle(w, foreign=site == w.foreign_site)
    manager = w.users["national"]
    return self_assessments.self_assessment_start(by=manager, site=site)


def _quarterly_own(w):
    return {"pk": _quarterly(w, w.site).audit_id}


def _quarterly_sister(w):
    return {"pk": _quarterly(w, w.sister_site).audit_id}


def _quarterly_foreign(w):
    return {"pk": _quarterly(w, w.foreign_site).audit_id}


def _quarterly_gap(w):
    from audits.models import Assessment

    check = _quarterly(w, w.site)
    engagement = check.engagements.order_by("code").first()
    cell = Assessment.objects.create(
        audit=check.audit, engagement=engagement, site=w.site, result="minor_nonconformity"
    )
    factories.ActionPlanFactory(prefecture=w.prefecture, labelling=check.audit.labelling)
    return {"pk": check.audit_id, "cell_pk": cell.pk}


def _site_with_cycle(name):
    def kwargs(w):
        site = getattr(w, name)
        _cycle(w, foreign=site == w.foreign_site)
        return {"site_pk": site.pk}

    return kwargs


# --- who gets what --------------------------------------------------------------------------------

READERS = expect(200)  # the own audit: the prefecture, the sites it covers, its auditor
MANAGERS = expect(FORBIDDEN, national=200, quality_manager=200)
FILLERS = expect(FORBIDDEN, national=200, quality_manager=200, auditor=200)
NATIONAL_ONLY = expect(NOT_FOUND, national=200)
FOREIGN_WRITE = expect(NOT_FOUND, national=200)
CLOSED_WINDOW_READ = expect(200, auditor=FORBIDDEN)
CLOSED_WINDOW_FILL = expect(FORBIDDEN, national=200, quality_manager=200)
SISTER_READ = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND)
UNASSIGNED_READ = expect(200, auditor=NOT_FOUND)

HTML_CASES = [
    Case("audit_list", expect(200)),  # scoped: the auditor sees the audits assigned to them
    Case("audit_list", expect(200), query="?kind=labelling&status=in_progress&year=2015&late=true", label="filtered"),
    Case("audit_create", MANAGERS),
    Case("audit_compare", expect(200)),
    Case("good_practice_list", expect(200)),
    Case("good_practice_list", expect(200), query="?q=accueil&module=QP2-M1", label="search"),
    Case("good_practice_withdraw", expect(FORBIDDEN, national=200), kwargs=_practice),
    Case("audit_detail", READERS, kwargs=_own, label="own"),
    Case("audit_detail", SISTER_READ, kwargs=_sister, label="sister"),
    Case("audit_detail", UNASSIGNED_READ, kwargs=_unassigned, label="unassigned"),
    Case("audit_detail", CLOSED_WINDOW_READ, kwargs=_closed_window, label="closed window"),
    Case("audit_detail", NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case("audit_edit", MANAGERS, kwargs=_own, label="own"),
    Case("audit_edit", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("audit_transition", MANAGERS, kwargs=_with_step("write"), label="own"),
    Case("audit_decision", MANAGERS, kwargs=_delivered, label="own"),
    Case("audit_grid", READERS, kwargs=_own, label="own"),
    Case("audit_grid", CLOSED_WINDOW_READ, kwargs=_closed_window, label="closed window"),
    Case("audit_grid", NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case("audit_grid_cell", expect(NOT_ALLOWED, anonymous=REDIRECT), kwargs=_own, label="GET"),
    # A quarterly self-assessment of Arles: its referent fills it too (and nobody else of Arles).
    Case(
        "audit_grid_cell",
        expect(FORBIDDEN, national=BAD_REQUEST, quality_manager=BAD_REQUEST, site_referent=BAD_REQUEST, auditor=404),
        kwargs=_quarterly_own,
        method="post",
        label="quarterly self-assessment",
    ),
    # The quarterly self-assessments of reception conditions: a site's year, starting one, its checklist, a gap's
    # action. Started by the quality manager and the referent of the site; the auditor sees no site.
    Case("site_self_assessments", expect(200, auditor=NOT_FOUND), kwargs=_site_with_cycle("site"), label="own"),
    Case(
        "site_self_assessments",
        expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_site_with_cycle("sister_site"),
        label="sister",
    ),
    Case("site_self_assessments", NATIONAL_ONLY, kwargs=_site_with_cycle("foreign_site"), label="foreign"),
    Case(
        "self_assessment_start",
        expect(FORBIDDEN, national=REDIRECT, quality_manager=REDIRECT, site_referent=REDIRECT, auditor=NOT_FOUND),
        kwargs=_site_with_cycle("site"),
        method="post",
        label="own",
    ),
    Case(
        "self_assessment_start",
        expect(
            FORBIDDEN,
            national=REDIRECT,
            quality_manager=REDIRECT,
            site_referent=NOT_FOUND,
            agent=NOT_FOUND,
            auditor=NOT_FOUND,
        ),
        kwargs=_site_with_cycle("sister_site"),
        method="post",
        label="sister",
    ),
    Case(
        "self_assessment_start",
        expect(NOT_FOUND, national=REDIRECT),
        kwargs=_site_with_cycle("foreign_site"),
        method="post",
        label="foreign",
    ),
    Case("self_assessment_checklist", expect(200, auditor=NOT_FOUND), kwargs=_quarterly_own, label="own"),
    Case(
        "self_assessment_checklist",
        expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_quarterly_sister,
        label="sister",
    ),
    Case("self_assessment_checklist", NATIONAL_ONLY, kwargs=_quarterly_foreign, label="foreign"),
    Case(
        "self_assessment_gap_action",
        expect(FORBIDDEN, quality_manager=REDIRECT, site_referent=REDIRECT, auditor=NOT_FOUND),
        kwargs=_quarterly_gap,
        method="post",
        label="own",
    ),
    Case("self_assessment_gap_action", expect(NOT_ALLOWED, anonymous=REDIRECT), kwargs=_quarterly_gap, label="GET"),
    # Fillers get past the access checks; the empty cell is a bad request.
    Case(
        "audit_grid_cell",
        expect(FORBIDDEN, national=BAD_REQUEST, quality_manager=BAD_REQUEST, auditor=BAD_REQUEST),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case(
        "audit_grid_cell",
        expect(FORBIDDEN, national=BAD_REQUEST, quality_manager=BAD_REQUEST),
        kwargs=_closed_window,
        method="post",
        label="closed window",
    ),
    Case(
        "audit_grid_prefill",
        expect(FORBIDDEN, national=REDIRECT, quality_manager=REDIRECT, auditor=REDIRECT),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case("assessment_evidence", READERS, kwargs=_evidence, label="own"),
    Case("mystery_visit_create", FILLERS, kwargs=_own, label="own"),
    Case("mystery_visit_create", CLOSED_WINDOW_FILL, kwargs=_closed_window, label="closed window"),
    Case("mystery_visit_edit", FILLERS, kwargs=_visit, label="own"),
    Case(
        "mystery_feed",
        expect(FORBIDDEN, national=REDIRECT, quality_manager=REDIRECT, auditor=REDIRECT),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case("finding_create", FILLERS, kwargs=_own, label="own"),
    Case("finding_create", CLOSED_WINDOW_FILL, kwargs=_closed_window, label="closed window"),
    Case("finding_create", FOREIGN_WRITE, kwargs=_foreign, label="foreign"),
    Case("audit_report", READERS, kwargs=_own, label="own"),
    Case("audit_report", CLOSED_WINDOW_READ, kwargs=_closed_window, label="closed window"),
    Case("audit_report", NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case("audit_report_file", READERS, kwargs=_stored_report, label="own"),
    Case("audit_report_status", READERS, kwargs=lambda w: _stored_report(w, done=False), label="own"),
    # « Relancer » a failed production: whoever may ask for the report; a new request, then back to the audit.
    Case("audit_report_retry", expect(REDIRECT), kwargs=_failed_report, method="post", label="own failed"),
    Case("finding_detail", READERS, kwargs=_own_finding, label="own"),
    Case("finding_detail", CLOSED_WINDOW_READ, kwargs=_closed_window_finding, label="closed window"),
    Case("finding_detail", NATIONAL_ONLY, kwargs=_foreign_finding, label="foreign"),
    Case("finding_edit", FILLERS, kwargs=_own_finding, label="own"),
    Case("finding_edit", CLOSED_WINDOW_FILL, kwargs=_closed_window_finding, label="closed window"),
    Case("finding_delete", FILLERS, kwargs=_own_finding, label="own"),
    Case("finding_respond", MANAGERS, kwargs=_own_nonconformity, label="own"),
    Case("finding_respond", FOREIGN_WRITE, kwargs=_foreign_finding, label="foreign"),
    # Actions are created by the quality manager, and by the referent of the finding's site (Arles).
    Case(
        "finding_action_create",
        expect(FORBIDDEN, quality_manager=200, site_referent=200),
        kwargs=_own_nonconformity,
        label="own",
    ),
    Case("finding_close", MANAGERS, kwargs=_own_nonconformity, label="own"),
    Case("finding_close", FOREIGN_WRITE, kwargs=_foreign_nonconformity, label="foreign"),
    # The cause analysis and the immediate correction: the quality manager, the referent of the finding's site.
    Case(
        "finding_analysis",
        expect(FORBIDDEN, national=200, quality_manager=200, site_referent=200),
        kwargs=_own_nonconformity,
        label="own",
    ),
    Case("finding_analysis", expect(FORBIDDEN), kwargs=_own_finding, label="strength"),
    Case("finding_analysis", FOREIGN_WRITE, kwargs=_foreign_nonconformity, label="foreign"),
    Case("finding_effectiveness_evidence", READERS, kwargs=_checked_nonconformity, label="own"),
    Case("finding_effectiveness_evidence", expect(NOT_FOUND), kwargs=_own_nonconformity, label="without document"),
    Case("finding_publish", expect(FORBIDDEN, national=200), kwargs=_own_finding, label="own"),
]


# --- API ----------------------------------------------------------------------------------------------


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


API_READERS = api(200)
API_FILLERS = api(FORBIDDEN, national=200, quality_manager=200, auditor=200)
API_MANAGERS = api(FORBIDDEN, national=200, quality_manager=200)
API_NATIONAL_ONLY = api(NOT_FOUND, national=200)
API_CLOSED_WINDOW = api(200, auditor=FORBIDDEN)


def _new_audit(w):
    return {
        "labelling": _cycle(w).pk,
        "kind": "internal",
        "body": "Auditeur interne du ministère",
        "start_on": "2015-06-15",
        "end_on": "2015-06-19",
        "auditors": ["auditor"],
    }


def _new_finding(w):
    return {"audit": _audit(w).pk, "category": "strength", "site": w.site.pk, "text": "Accueil courtois."}


def _new_cell(w):
    from engagements.models import Engagement

    audit = _audit(w)
    engagement = Engagement.objects.filter(module__in=audit.modules.all()).order_by("code").first()
    return {"audit": audit.pk, "engagement": engagement.pk, "site": w.site.pk, "result": "compliant"}


def _own_cell(w):
    return {"pk": factories.AssessmentFactory(audit=_audit(w), site=w.site).pk}


def _closed_window_cell(w):
    return {"pk": factories.AssessmentFactory(audit=_audit(w, window_closed=True), site=w.site).pk}


def _foreign_cell(w):
    return {"pk": factories.AssessmentFactory(audit=_audit(w, foreign=True), site=w.foreign_site).pk}


def _nonconformity_with_plan(w):
    factories.ActionPlanFactory(prefecture=w.prefecture)
    return _own_nonconformity(w)


API_CASES = [
    Case("api:audit-list", API_READERS),
    Case("api:audit-list", API_READERS, query="?kind=labelling&status=planned&late=false&year=2015", label="filtered"),
    Case(
        "api:audit-list",
        # the auditor does not see the cycle: it "does not exist" for them (400)
        api(FORBIDDEN, national=201, quality_manager=201, auditor=BAD_REQUEST),
        method="post",
        data=_new_audit,
        label="create",
    ),
    Case("api:audit-detail", API_READERS, kwargs=_own, label="own"),
    Case("api:audit-detail", api(200, site_referent=NOT_FOUND, agent=NOT_FOUND), kwargs=_sister, label="sister"),
    Case("api:audit-detail", api(200, auditor=NOT_FOUND), kwargs=_unassigned, label="unassigned"),
    Case("api:audit-detail", API_CLOSED_WINDOW, kwargs=_closed_window, label="closed window"),
    Case("api:audit-detail", API_NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case(
        "api:audit-detail", API_MANAGERS, kwargs=_own, method="patch", data={"summary": "Bon niveau."}, label="edit own"
    ),
    Case(
        "api:audit-detail",
        api(NOT_FOUND, national=200),
        kwargs=_foreign,
        method="patch",
        data={"summary": "Bon niveau."},
        label="edit foreign",
    ),
    Case(
        "api:audit-transition",
        API_MANAGERS,
        kwargs=_own,
        method="post",
        data={"step": "write", "on": "2015-09-18"},
        label="own",
    ),
    Case(
        "api:audit-decision",
        API_MANAGERS,
        kwargs=_delivered,
        method="post",
        data={"decision": "favourable", "decided_on": "2015-11-27"},
        label="own",
    ),
    Case("api:audit-report", API_READERS, kwargs=_own, label="own"),
    Case("api:audit-report", API_CLOSED_WINDOW, kwargs=_closed_window, label="closed window"),
    Case("api:audit-report", API_NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case("api:audit-reports", API_READERS, kwargs=_own, label="own"),
    Case(
        "api:audit-prefill",
        # fillers reach the service, which finds no earlier audit in the cycle (400)
        api(FORBIDDEN, national=BAD_REQUEST, quality_manager=BAD_REQUEST, auditor=BAD_REQUEST),
        kwargs=_own,
        method="post",
        label="own",
    ),
    Case("api:finding-list", API_READERS),
    Case(
        "api:finding-list",
        API_READERS,
        query="?category=strength&open=false&answered=false&q=accueil",
        label="filtered",
    ),
    Case(
        "api:finding-list",
        api(FORBIDDEN, national=201, quality_manager=201, auditor=201),
        method="post",
        data=_new_finding,
        label="create",
    ),
    Case("api:finding-detail", API_READERS, kwargs=_own_finding, label="own"),
    Case("api:finding-detail", API_CLOSED_WINDOW, kwargs=_closed_window_finding, label="closed window"),
    Case("api:finding-detail", API_NATIONAL_ONLY, kwargs=_foreign_finding, label="foreign"),
    Case(
        "api:finding-detail",
        API_FILLERS,
        kwargs=_own_finding,
        method="patch",
        data={"category": "improvement"},
        label="edit own",
    ),
    Case(
        "api:finding-detail",
        api(FORBIDDEN, national=200, quality_manager=200),
        kwargs=_closed_window_finding,
        method="patch",
        data={"category": "improvement"},
        label="edit closed window",
    ),
    Case(
        "api:finding-detail",
        api(FORBIDDEN, national=204, quality_manager=204, auditor=204),
        kwargs=_own_finding,
        method="delete",
        label="delete own",
    ),
    Case(
        "api:finding-respond",
        API_MANAGERS,
        kwargs=_own_nonconformity,
        method="post",
        data={"response": "Panneau posé avant la fin de l'année.", "response_due_on": "2015-12-31"},
        label="own",
    ),
    Case(
        "api:finding-create-action",
        api(FORBIDDEN, quality_manager=201, site_referent=201),
        kwargs=_nonconformity_with_plan,
        method="post",
        data={"title": "Poser un panneau signalant l'accès PMR"},
        label="own",
    ),
    Case(
        "api:finding-close",
        # managers reach the rule, which needs a later audit (400)
        api(FORBIDDEN, national=BAD_REQUEST, quality_manager=BAD_REQUEST),
        kwargs=_own_nonconformity,
        method="post",
        data=lambda w: {"verified_in": _audit(w).pk},
        label="own",
    ),
    Case(
        "api:finding-analysis",
        api(FORBIDDEN, national=200, quality_manager=200, site_referent=200),
        kwargs=_own_nonconformity,
        method="post",
        data=ANALYSIS,
        label="own",
    ),
    Case(
        "api:finding-analysis",
        api(NOT_FOUND, national=200),
        kwargs=_foreign_nonconformity,
        method="post",
        data=ANALYSIS,
        label="foreign",
    ),
    Case(
        "api:finding-effectiveness",
        # managers reach the rule: no action is done yet (400)
        api(FORBIDDEN, national=BAD_REQUEST, quality_manager=BAD_REQUEST),
        kwargs=_own_nonconformity,
        method="post",
        data={"effective": False, "checked_on": "2016-11-15", "evidence_text": "Vu.", "comment": "Non."},
        label="own",
    ),
    Case("api:finding-history", API_READERS, kwargs=_own_finding, label="own"),
    Case("api:assessment-list", API_READERS),
    Case(
        "api:assessment-list",
        api(FORBIDDEN, national=201, quality_manager=201, auditor=201),
        method="post",
        data=_new_cell,
        label="create",
    ),
    Case("api:assessment-detail", API_READERS, kwargs=_own_cell, label="own"),
    Case("api:assessment-detail", API_CLOSED_WINDOW, kwargs=_closed_window_cell, label="closed window"),
    Case("api:assessment-detail", API_NATIONAL_ONLY, kwargs=_foreign_cell, label="foreign"),
    Case(
        "api:assessment-detail",
        API_FILLERS,
        kwargs=_own_cell,
        method="patch",
        data={"result": "minor_nonconformity", "comment": "Attente de 40 minutes"},
        label="edit own",
    ),
    Case("api:good-practice-list", API_READERS),
    Case("api:good-practice-detail", API_READERS, kwargs=_practice),
]

CASES = HTML_CASES + API_CASES
