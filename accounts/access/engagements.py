"""Labelling cycles, action plans, meetings and trainings."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Role

from .abilities import abilities_of
from .core import (
    can_manage_prefecture,
    can_manage_referentials,
    get_scope,
    is_national_admin,
    readable_rows,
    readable_sites,
)


def scope_by_prefecture(queryset, user):
    """Objects with a ``prefecture``: those of the user's prefectures, and of their sites' prefectures."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)


def scope_by_site(queryset, user):
    """Objects with a ``site``: those of the sites the user may read."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(readable_sites(scope, through="site__"))


def scope_trainings(queryset, user):
    """Training records: those of the sites the user may read (``scope_by_site``), except that an agent does not
    read the records of people without an account (their names are personal data, see ``scope_trainees``)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(
        Q(site__prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
        | Q(site_id__in=scope.site_ids(Role.SITE_REFERENT))
        | Q(site_id__in=scope.site_ids(Role.AGENT), trainee__isnull=True)
    )


def scope_trainees(queryset, user):
    """People without an account (personal data): read by their prefecture's quality manager and managers and by
    their site's referents; agents read none."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(
        Q(site__prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
        | Q(site_id__in=scope.site_ids(Role.SITE_REFERENT))
    )


def scope_training_sessions(queryset, user):
    """Training sessions: those of the user's prefectures (quality manager, manager), of their sites (referent,
    agent), and the sessions they are enrolled in."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    enrolled = queryset.model.objects.filter(enrolments__user=user).values("pk")
    return queryset.filter(
        Q(site__prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
        | Q(site_id__in=scope.site_ids(*SITE_ROLES))
        | Q(pk__in=enrolled)
    )


def scope_actions(queryset, user):
    """Actions of the user's prefectures; site roles see their sites' actions and the prefecture-wide ones;
    auditors read those of the scope they audit (``_audited_actions``)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    condition = readable_rows(scope)
    if Role.AUDITOR in scope.roles:
        condition |= _audited_actions(user)
    return queryset.filter(condition)


def _audited_actions(user):
    """Auditors read the actions of the audits assigned to them, while their access window is open: those of the
    audited sites and the prefecture-wide ones of the audited prefecture (subqueries: no query here). The audits are
    reached through the user (``assigned_audits``, the reverse of ``Audit.auditors``): audits build on engagements,
    this module does not import them."""
    today = timezone.localdate()
    open_audits = user.assigned_audits.filter(
        Q(access_from__isnull=True) | Q(access_from__lte=today),
        Q(access_until__isnull=True) | Q(access_until__gte=today),
    )
    audited_sites = open_audits.filter(sites__isnull=False).values("sites")
    return Q(site_id__in=audited_sites) | Q(site__isnull=True, prefecture_id__in=open_audits.values("prefecture_id"))


def can_manage_labellings(user, prefecture):
    """Cycles (perimeter, steps, decision) are run by the prefecture's quality manager."""
    return can_manage_prefecture(user, prefecture)


def can_view_labelling_overview(user):
    """The national overview of the labels of every prefecture is for national administrators."""
    return is_national_admin(user)


def can_create_action(user, prefecture, site=None):
    """Quality managers anywhere in their prefecture; referents on their own site."""
    scope = get_scope(user)
    if prefecture.pk in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return True
    return site is not None and site.pk in scope.site_ids(Role.SITE_REFERENT)


def can_edit_action(user, action):
    """The quality manager of its prefecture, the referent of its site, or its owner."""
    scope = get_scope(user)
    if action.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return True
    if action.site_id is not None and action.site_id in scope.site_ids(Role.SITE_REFERENT):
        return True
    return (
        action.owner_id is not None
        and action.owner_id == user.pk
        and action.prefecture_id in (scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)
    )


def can_verify_action(user, action):
    """Effectiveness is checked by the quality manager, not by whoever did the action."""
    return action.prefecture_id in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def can_reopen_action(user, action):
    """A done action goes back to « en cours » only on the quality manager's word."""
    return action.prefecture_id in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def can_manage_action_plans(user, prefecture):
    """Action plans (creation, copy of open actions into a new cycle) are the quality manager's."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def may_create_actions(user):
    """Whether the user may create actions anywhere (quality manager of a prefecture, referent of a site)."""
    scope = get_scope(user)
    return bool(scope.prefecture_ids(Role.QUALITY_MANAGER) or scope.site_ids(Role.SITE_REFERENT))


def may_edit_actions(user):
    """Whether the user may change any action at all: quality managers, referents, and agents (who may own
    actions). Managers, auditors and national administrators only read them."""
    scope = get_scope(user)
    return bool(scope.prefecture_ids(Role.QUALITY_MANAGER) or scope.site_ids(*SITE_ROLES))


def scope_sites_for_new_actions(queryset, user):
    """Sites the user may create actions on (can_create_action): their prefecture's, or their own as referent."""
    scope = get_scope(user)
    return queryset.filter(
        Q(prefecture_id__in=scope.prefecture_ids(Role.QUALITY_MANAGER)) | Q(pk__in=scope.site_ids(Role.SITE_REFERENT))
    )


def scope_plans_for_new_actions(queryset, user):
    """Action plans the user may add actions to: their prefecture's, or their site's prefecture's as referent."""
    scope = get_scope(user)
    return queryset.filter(
        Q(prefecture_id__in=scope.prefecture_ids(Role.QUALITY_MANAGER))
        | Q(prefecture__sites__in=scope.site_ids(Role.SITE_REFERENT))
    ).distinct()


def action_owner_memberships(queryset, prefecture_ids):
    """Who may own an action of these prefectures: their quality managers and the referents and agents of
    their sites (a site's action goes to its own people or the quality manager, see ``is_action_owner_ok``).
    ``queryset`` is a Membership queryset; the caller keeps it active."""
    return queryset.filter(
        Q(role=Role.QUALITY_MANAGER, prefecture_id__in=prefecture_ids)
        | Q(role__in=SITE_ROLES, site__prefecture_id__in=prefecture_ids)
    )


def is_action_owner_ok(membership_rows, *, prefecture_id, site_id):
    """Whether one of a user's (role, prefecture_id, site_id, site_prefecture_id) rows lets them own an
    action: quality manager of its prefecture, or referent/agent of its site (of any site of the prefecture
    for a prefecture-wide action). Owners must see what they own (scope_actions)."""
    for role, row_prefecture_id, row_site_id, row_site_prefecture_id in membership_rows:
        if role == Role.QUALITY_MANAGER and row_prefecture_id == prefecture_id:
            return True
        if role in SITE_ROLES and (
            row_site_id == site_id if site_id is not None else row_site_prefecture_id == prefecture_id
        ):
            return True
    return False


def can_manage_meetings(user, prefecture):
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def can_manage_trainings(user, site):
    scope = get_scope(user)
    return site.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER) or site.pk in scope.site_ids(
        Role.SITE_REFERENT
    )


def visible_agents_to_train(user):
    """Whose rows of the reception agents to train a user reads, beyond the sites they see: None (every agent of
    those sites) for the national administrators, the prefecture roles and the referents; an agent reads only
    their own row (a list of one id)."""
    scope = get_scope(user)
    if scope.national or scope.prefecture_ids(*PREFECTURE_ROLES) or scope.site_ids(Role.SITE_REFERENT):
        return None
    return [user.pk]


def can_manage_training_session(user, session):
    """Plan a session, enrol people, record the attendance: the rule of the site's training records."""
    return can_manage_trainings(user, session.site)


def can_manage_trainee(user, trainee):
    return can_manage_trainings(user, trainee.site)


def manageable_meeting_prefectures(queryset, user):
    """Prefectures whose quality meetings the user records (the rule of ``can_manage_meetings``, as a queryset)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


def manageable_training_sites(queryset, user):
    """Sites whose training records the user keeps (the rule of ``can_manage_trainings``, as a queryset)."""
    scope = get_scope(user)
    return queryset.filter(
        Q(prefecture_id__in=scope.prefecture_ids(Role.QUALITY_MANAGER)) | Q(pk__in=scope.site_ids(Role.SITE_REFERENT))
    )


# --- abilities ------------------------------------------------------------------------------------


def _referential_abilities(user, item):
    # Read by everyone; versions are never deleted (labelling cycles point at them).
    return {"update": can_manage_referentials(user), "delete": False}


for _label in ("engagements.Referential", "engagements.Module", "engagements.Engagement"):
    abilities_of(_label)(_referential_abilities)


@abilities_of("engagements.Labelling")
def _labelling_abilities(user, labelling):
    # Cycles change only through their steps (``transition``) or a change of référentiel (``migrate``).
    # Load ``prefecture`` with the cycle (select_related): the rule reads it.
    manage = labelling.is_running and can_manage_labellings(user, labelling.prefecture)
    return {"update": False, "delete": False, "transition": manage, "migrate": manage}


@abilities_of("engagements.Action")
def _action_abilities(user, action):
    # Computed from ids only: no query per row of a list.
    editable = can_edit_action(user, action)
    return {
        "update": editable,
        "delete": False,
        "comment": editable,
        "add_evidence": editable,
        "verify": can_verify_action(user, action),
        "reopen": can_reopen_action(user, action),
    }


@abilities_of("engagements.ActionPlan")
def _action_plan_abilities(user, plan):
    return {"update": can_manage_action_plans(user, plan.prefecture), "delete": False}


@abilities_of("engagements.Meeting")
def _meeting_abilities(user, meeting):
    # Load ``prefecture`` with the meeting (select_related): the rule reads it.
    manage = can_manage_meetings(user, meeting.prefecture)
    return {"update": manage, "delete": False, "add_decision": manage, "create_action": manage}


@abilities_of("engagements.Training")
def _training_abilities(user, training):
    # Load ``site`` with the training (select_related): the rule reads it.
    return {"update": can_manage_trainings(user, training.site), "delete": False}


@abilities_of("engagements.TrainingSession")
def _training_session_abilities(user, session):
    # Load ``site`` with the session (select_related): the rule reads it.
    manage = can_manage_training_session(user, session)
    return {"update": manage, "delete": False, "enrol": manage, "record_attendance": manage}


@abilities_of("engagements.Trainee")
def _trainee_abilities(user, trainee):
    return {"update": can_manage_trainee(user, trainee), "delete": False}
