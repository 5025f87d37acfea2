"""Crisis communication (module 7): the on-call roster, the events and exercises log, the press releases.

The registers belong to a prefecture. Its quality manager keeps them; its managers read them, and so do the
referents and agents of its sites (who must know who is on call); national administrators read every prefecture's
and write none; auditors see nothing of them.
"""

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Role

from .abilities import abilities_of
from .core import get_scope


def scope_crisis(queryset, user):
    """Rows with a ``prefecture``: those of the user's prefectures and of their sites' prefectures."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)


def can_view_crisis(user, prefecture):
    scope = get_scope(user)
    return scope.national or prefecture.pk in (scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)


def can_manage_crisis(user, prefecture):
    """The roster, the log and the press releases are written by the prefecture's quality manager."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def may_use_crisis(user):
    """Whether the user has crisis registers to read (the navigation's link)."""
    scope = get_scope(user)
    return scope.national or bool(scope.prefecture_ids(*PREFECTURE_ROLES) or scope.site_ids(*SITE_ROLES))


def manageable_crisis_prefectures(queryset, user):
    """Prefectures whose crisis registers the user writes (``can_manage_crisis``, as a queryset)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


def readable_crisis_prefectures(queryset, user):
    """Prefectures whose crisis registers the user reads (``can_view_crisis``, as a queryset)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(pk__in=scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)


# --- abilities ------------------------------------------------------------------------------------


def _crisis_abilities(user, row):
    # Computed from ids only: no query per row of a list.
    manage = row.prefecture_id in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)
    return {"update": manage, "delete": manage}


for _label in ("crisis.OnCallShift", "crisis.PressRelease"):
    abilities_of(_label)(_crisis_abilities)


@abilities_of("crisis.CrisisEvent")
def _crisis_event_abilities(user, event):
    manage = event.prefecture_id in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)
    return {"update": manage, "delete": False, "add_lesson": manage, "create_action": manage}
