"""Audits, their grid, findings, reports and the library of good practices.

- National administrators: every audit, every write (the decision and the response included).
- Quality managers: the audits of their prefecture; they plan them, fill them (self-assessments, reports received
  on paper), answer the findings and record the decision.
- Managers (direction): read the audits of their prefecture.
- Site referents and agents: read the audits that cover one of their sites. A site referent also starts and
  fills the self-assessments of their own sites (the quarterly check of reception conditions).
- Auditors: only the audits they are assigned to, only during the audit's access window; they fill the grid and
  the findings while the audit is open. Outside the window the audit is refused (403), an audit that is not
  theirs does not exist for them (404).
"""

from django.db.models import Q
from django.utils import timezone

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Role
from qualipref.lib.dates import short_date

from .abilities import abilities_of
from .core import get_scope, is_national_admin, manageable_prefectures, manages_a_prefecture
from .engagements import can_create_action

WINDOW_CLOSED = "Votre accès à cet audit est fermé : la fenêtre d'accès des auditeurs va du {start} au {end}."


def scope_audits(queryset, user, *, open_windows_only=False, on=None):
    """Audits the user may see (``queryset`` is an Audit queryset): their prefecture's, their sites', or, for
    auditors, the audits assigned to them (whatever the access window: outside it the audit is a 403).
    ``open_windows_only``: an auditor's assigned audits only while their window is open (what they may read now)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    model = queryset.model
    condition = Q(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
    site_ids = scope.site_ids(*SITE_ROLES)
    if site_ids:
        condition |= Q(pk__in=model.objects.filter(sites__in=site_ids).values("pk"))
    if Role.AUDITOR in scope.roles:
        assigned = model.objects.filter(auditors=user.pk)
        if open_windows_only:
            on = on or timezone.localdate()
            assigned = assigned.filter(
                Q(access_from__isnull=True) | Q(access_from__lte=on),
                Q(access_until__isnull=True) | Q(access_until__gte=on),
            )
        condition |= Q(pk__in=assigned.values("pk"))
    return queryset.filter(condition)


def _reads_as_member(user, audit):
    """Whether the user sees the audit through a role on its prefecture or one of its sites (not as auditor)."""
    scope = get_scope(user)
    if scope.national or audit.prefecture_id in scope.prefecture_ids(*PREFECTURE_ROLES):
        return True
    site_ids = scope.site_ids(*SITE_ROLES)
    return bool(site_ids) and bool(site_ids & audit.site_ids())


def is_assigned_auditor(user, audit):
    """An active auditor assigned to the audit (whatever its window)."""
    return Role.AUDITOR in get_scope(user).roles and user.pk in audit.auditor_ids()


def is_auditor_in_window(user, audit, on=None):
    return is_assigned_auditor(user, audit) and audit.window_open(on)


def audit_window_refusal(user, audit, on=None):
    """The French message of a 403 when the user sees the audit only as its auditor and its window is closed;
    None when the user may read it now (or reads it through another role)."""
    if _reads_as_member(user, audit) or not is_assigned_auditor(user, audit) or audit.window_open(on):
        return None
    start = short_date(audit.access_from, empty="début de l'audit")
    end = short_date(audit.access_until, empty="clôture de l'audit")
    return WINDOW_CLOSED.format(start=start, end=end)


def can_view_audit(user, audit, on=None):
    return _reads_as_member(user, audit) or is_auditor_in_window(user, audit, on)


def can_manage_audits(user, prefecture):
    """Plan, edit, move forward, decide: the prefecture's quality manager and national administrators."""
    scope = get_scope(user)
    return scope.national or prefecture.pk in scope.prefecture_ids(Role.QUALITY_MANAGER)


def may_manage_audits(user):
    """Whether the user plans audits anywhere (the « Nouvel audit » button)."""
    return manages_a_prefecture(user)


def manageable_audit_prefectures(queryset, user):
    """Prefectures where the user plans audits (``can_manage_audits``, as a queryset)."""
    return manageable_prefectures(queryset, user)


def _refers_all_sites(user, audit):
    """Whether the audit is a self-assessment whose every site has ``user`` as referent."""
    if audit.kind != audit.Kind.SELF_ASSESSMENT:
        return False
    site_ids = audit.site_ids()
    return bool(site_ids) and site_ids <= get_scope(user).site_ids(Role.SITE_REFERENT)


def can_fill_audit(user, audit, on=None):
    """Who may write the grid, the findings and the mystery visits, whatever the audit's status: the managers
    of the prefecture's audits, its auditors during their access window, and, for a self-assessment of their own
    sites only, their referent (the quarterly check of reception conditions is filled on site)."""
    return (
        can_manage_audits(user, audit.prefecture)
        or is_auditor_in_window(user, audit, on)
        or _refers_all_sites(user, audit)
    )


def can_start_self_assessment(user, site):
    """« L'autoévaluation trimestrielle des conditions d'accueil » of a site: started by the quality manager of its
    prefecture (and national administrators) or by the site's referent."""
    scope = get_scope(user)
    return (
        scope.national
        or site.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER)
        or site.pk in scope.site_ids(Role.SITE_REFERENT)
    )


def can_create_action_from_gap(user, assessment):
    """A gap of the grid (a cell « non conforme ») becomes an action: as a finding (the quality manager, the
    referent of the cell's site)."""
    return can_create_action(user, assessment.audit.prefecture, assessment.site)


def can_edit_audit_content(user, audit, on=None):
    """The grid, the findings, the mystery visits: written until the report is delivered."""
    return audit.is_editable and can_fill_audit(user, audit, on)


def can_respond_to_audit(user, audit):
    """The prefecture's argued response: its quality manager (and national administrators), once the report
    is delivered."""
    return audit.status in audit.RESPONSE_STATUSES and can_manage_audits(user, audit.prefecture)


def can_verify_findings(user, audit, on=None):
    """Record in ``audit`` that the actions of an earlier non-conformity were verified effective: who fills that
    audit, once it is held."""
    return audit.is_held and can_fill_audit(user, audit, on)


def can_create_action_from_finding(user, finding):
    """The quality manager anywhere in the prefecture; the referent of the finding's site (accounts.access)."""
    return can_create_action(user, finding.audit.prefecture, finding.site)


def can_analyse_finding(user, finding):
    """The cause analysis and the immediate correction of a non-conformity, once the report is delivered (the
    audit's closure included): the prefecture's quality manager (and national administrators), the referent of its
    site."""
    audit = finding.audit
    return (
        finding.is_nonconformity
        and audit.status in audit.REPORT_DELIVERED_STATUSES
        and (can_manage_audits(user, audit.prefecture) or can_create_action_from_finding(user, finding))
    )


def can_check_effectiveness(user, finding):
    """The effectiveness check of a non-conformity's actions, at its closure (it may reopen it): who lifts it."""
    return finding.is_nonconformity and can_manage_audits(user, finding.audit.prefecture)


def can_publish_good_practices(user):
    """The library of good practices is fed by national administrators, from the strengths of the audits."""
    return is_national_admin(user)


def can_view_good_practices(user):
    """Every signed-in user with an active role reads the library (it is shared across prefectures)."""
    return bool(get_scope(user).national or get_scope(user).roles)


def can_download_audit_report(user, audit, on=None):
    return can_view_audit(user, audit, on)


def can_retry_audit_report(user, report, on=None):
    """« Relancer » a failed production: whoever may ask for the audit's report (an auditor within their window)."""
    return can_download_audit_report(user, report.audit, on)


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("audits.Audit")
def _audit_abilities(user, audit):
    # Load ``prefecture`` and prefetch ``auditors`` and ``sites`` with the audit: the rule reads them.
    manage = can_manage_audits(user, audit.prefecture)
    fill = can_edit_audit_content(user, audit)
    return {
        "update": manage and audit.status != audit.Status.CLOSED,
        "delete": False,
        "transition": manage and audit.status != audit.Status.CLOSED,
        "decide": manage and audit.takes_decision and not audit.decision and audit.status in audit.RESPONSE_STATUSES,
        "fill": fill,
        "add_finding": fill,
        "respond": can_respond_to_audit(user, audit),
        "download_report": can_download_audit_report(user, audit),
    }


@abilities_of("audits.Finding")
def _finding_abilities(user, finding):
    # Load ``audit__prefecture`` and ``site`` with the finding and prefetch the audit's auditors.
    audit = finding.audit
    edit = can_edit_audit_content(user, audit)
    return {
        "update": edit,
        "delete": edit,
        "respond": finding.is_answerable and can_respond_to_audit(user, audit),
        "create_action": can_create_action_from_finding(user, finding),
        "close": finding.is_nonconformity and not finding.is_closed and can_manage_audits(user, audit.prefecture),
        "analyse": can_analyse_finding(user, finding),
        "check_effectiveness": can_check_effectiveness(user, finding),
        "publish": finding.category == finding.Category.STRENGTH and can_publish_good_practices(user),
    }


@abilities_of("audits.Assessment")
def _assessment_abilities(user, assessment):
    edit = can_edit_audit_content(user, assessment.audit)
    return {"update": edit, "delete": False}


@abilities_of("audits.AuditReport")
def _audit_report_abilities(user, report):
    # Reports are listed through their audit (already checked): the rule reads ``report.audit``.
    return {"update": False, "delete": False, "download": report.status == "done"}


@abilities_of("audits.GoodPractice")
def _good_practice_abilities(user, practice):
    publish = can_publish_good_practices(user)
    return {"update": publish, "delete": publish}
