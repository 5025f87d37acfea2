"""Scopes (a user's memberships as ids), who is who, the territory and the memberships."""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Membership, Role

from .abilities import abilities_of

_CACHE_ATTR = "_qualipref_scope"


@dataclass(frozen=True)
class Scope:
    national: bool = False
    # role -> ids of the prefectures / sites where the user holds it
    prefectures: dict = field(default_factory=dict)
    sites: dict = field(default_factory=dict)
    # prefecture of each site the user holds a site role on
    site_prefectures: frozenset = frozenset()

    def prefecture_ids(self, *roles):
        return frozenset().union(*(self.prefectures.get(role, ()) for role in roles))

    def site_ids(self, *roles):
        return frozenset().union(*(self.sites.get(role, ()) for role in roles))

    @property
    def roles(self):
        roles = {role for role, ids in {**self.prefectures, **self.sites}.items() if ids}
        if self.national:
            roles.add(Role.NATIONAL_ADMIN)
        return roles


def get_scope(user):
    """The user's active memberships, as ids; computed once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    scope = getattr(user, _CACHE_ATTR, None)
    if scope is not None:
        return scope
    prefectures, sites, site_prefectures = {}, {}, set()
    national = user.is_superuser
    rows = (
        Membership.objects.active()
        .filter(user=user)
        .values_list("role", "prefecture_id", "site_id", "site__prefecture_id")
    )
    for role, prefecture_id, site_id, site_prefecture_id in rows:
        if role == Role.NATIONAL_ADMIN:
            national = True
        elif site_id:
            sites.setdefault(role, set()).add(site_id)
            site_prefectures.add(site_prefecture_id)
        elif prefecture_id:
            prefectures.setdefault(role, set()).add(prefecture_id)
    scope = Scope(
        national=national,
        prefectures={role: frozenset(ids) for role, ids in prefectures.items()},
        sites={role: frozenset(ids) for role, ids in sites.items()},
        site_prefectures=frozenset(site_prefectures),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def clear_scope(user):
    """Forget the cached scope (after the user's memberships changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- who is who -----------------------------------------------------------------------------------


def is_national_admin(user):
    return get_scope(user).national


def roles_of(user):
    return get_scope(user).roles


def home_dashboard(user):
    """Which dashboard a user lands on: 'national', 'prefecture', 'site' or 'auditor'."""
    scope = get_scope(user)
    if scope.national:
        return "national"
    if scope.prefecture_ids(*PREFECTURE_ROLES):
        return "prefecture"
    if scope.site_ids(*SITE_ROLES):
        return "site"
    if Role.AUDITOR in scope.roles:
        return "auditor"
    return "none"


# --- querysets ------------------------------------------------------------------------------------


def scope_prefectures(queryset, user):
    """Prefectures the user may read: theirs, and the prefecture of each of their sites."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    ids = scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures
    return queryset.filter(pk__in=ids)


def scope_sites(queryset, user):
    """Sites the user may read: every site of their prefecture(s), and their own sites."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(readable_sites(scope))


def readable_sites(scope, through=""):
    """The rule of ``scope_sites`` for a scope that is not national, as a filter on the site reached ``through``
    (``"site__"`` for the objects of a site)."""
    return Q(**{f"{through}prefecture_id__in": scope.prefecture_ids(*PREFECTURE_ROLES)}) | Q(
        **{f"{through}pk__in": scope.site_ids(*SITE_ROLES)}
    )


def readable_rows(scope):
    """For a scope that is not national, the rows (with ``prefecture_id`` and an optional ``site_id``) it reads: all
    of its prefectures' rows, its own sites' rows and the prefecture-wide rows (no site) of those sites'
    prefectures — the rule of actions, measurements and the programme's items."""
    return (
        Q(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))
        | Q(site_id__in=scope.site_ids(*SITE_ROLES))
        | Q(site__isnull=True, prefecture_id__in=scope.site_prefectures)
    )


def scope_memberships(queryset, user):
    """Memberships the user may read: their own, and those of the prefectures they manage."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    managed = scope.prefecture_ids(Role.QUALITY_MANAGER)
    return queryset.filter(Q(user=user) | Q(prefecture_id__in=managed) | Q(site__prefecture_id__in=managed))


# --- what the user may do -------------------------------------------------------------------------


def can_view_prefecture(user, prefecture):
    scope = get_scope(user)
    return scope.national or prefecture.pk in (scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures)


def can_manage_prefecture(user, prefecture):
    """Edit a prefecture's sites, services, closures and memberships."""
    scope = get_scope(user)
    return scope.national or prefecture.pk in scope.prefecture_ids(Role.QUALITY_MANAGER)


def can_create_prefecture(user):
    return is_national_admin(user)


def can_edit_prefecture(user, prefecture):
    return is_national_admin(user)


def can_view_site(user, site):
    scope = get_scope(user)
    return (
        scope.national
        or site.prefecture_id in scope.prefecture_ids(*PREFECTURE_ROLES)
        or site.pk in scope.site_ids(*SITE_ROLES)
    )


def can_edit_site(user, site):
    return can_manage_prefecture(user, site.prefecture)


def can_create_site(user, prefecture):
    return is_national_admin(user)


def can_manage_closures(user, site):
    """Closures are entered by the prefecture: its quality manager, or the site's referent."""
    scope = get_scope(user)
    return can_manage_prefecture(user, site.prefecture) or site.pk in scope.site_ids(Role.SITE_REFERENT)


def manageable_prefectures(queryset, user):
    """Prefectures whose memberships, sites and closures the user manages (and their audits and documents)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(pk__in=scope.prefecture_ids(Role.QUALITY_MANAGER))


def manages_a_prefecture(user):
    """Whether ``manageable_prefectures`` holds any: a national administrator or a quality manager."""
    scope = get_scope(user)
    return scope.national or bool(scope.prefecture_ids(Role.QUALITY_MANAGER))


def can_manage_memberships(user, prefecture=None):
    """Without a prefecture: whether the user manages memberships anywhere."""
    scope = get_scope(user)
    if prefecture is None:
        return scope.national or bool(scope.prefecture_ids(Role.QUALITY_MANAGER))
    return can_manage_prefecture(user, prefecture)


def can_grant(user, *, role, prefecture):
    """Whether the user may give this role on this prefecture (or nationally when prefecture is None)."""
    if is_national_admin(user):
        return True
    if role == Role.NATIONAL_ADMIN or prefecture is None:
        return False
    return can_manage_prefecture(user, prefecture)


def can_edit_membership(user, membership):
    prefecture = membership.scope_prefecture
    if prefecture is None:
        return is_national_admin(user)
    return can_grant(user, role=membership.role, prefecture=prefecture)


def can_manage_referentials(user):
    """Référentiels (Marianne, Qualipref...) are national data: only national administrators manage them."""
    return is_national_admin(user)


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("sites.Department")
def _department_abilities(user, department):
    return {"update": False, "delete": False}


@abilities_of("sites.Prefecture")
def _prefecture_abilities(user, prefecture):
    return {
        "update": can_edit_prefecture(user, prefecture),
        "delete": False,
        "manage_sites": can_manage_prefecture(user, prefecture),
        "manage_memberships": can_manage_memberships(user, prefecture),
    }


@abilities_of("sites.Site")
def _site_abilities(user, site):
    return {"update": can_edit_site(user, site), "delete": False, "manage_closures": can_manage_closures(user, site)}


@abilities_of("accounts.Membership")
def _membership_abilities(user, membership):
    editable = can_edit_membership(user, membership)
    return {"update": editable, "delete": editable}
