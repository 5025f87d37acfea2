"""The quality programme (planning): its items, its rules, its calendar feed."""

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Role

from .abilities import abilities_of
from .core import get_scope, readable_rows


def scope_planned_items(queryset, user):
    """Items of the user's prefectures; site roles see their sites' items and the prefecture-wide ones of their
    sites' prefectures (as actions). Auditors see none."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(readable_rows(scope))


def can_view_programme(user, prefecture):
    """The calendar of a prefecture: national administrators, its people and the people of its sites."""
    scope = get_scope(user)
    return scope.national or prefecture.pk in (scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)


def can_manage_programme(user, prefecture):
    """The rules of the programme are the prefecture's quality manager's."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def may_use_programme(user):
    """Whether the user has a programme to read (the navigation's link, the calendar feed)."""
    scope = get_scope(user)
    return scope.national or bool(scope.prefecture_ids(*PREFECTURE_ROLES) or scope.site_ids(*SITE_ROLES))


def manageable_programme_prefectures(queryset, user):
    """Prefectures whose rules the user edits (``can_manage_programme``, as a queryset)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("planning.ProgrammeRule")
def _programme_rule_abilities(user, rule):
    manage = rule.prefecture_id in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)
    return {"update": manage, "delete": manage}


@abilities_of("planning.PlannedItem")
def _planned_item_abilities(user, item):
    # Items are written by the programme's build and its links, never by hand through the API.
    return {"update": False, "delete": False}
