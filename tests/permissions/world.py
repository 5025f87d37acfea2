"""The world of the permission matrix: two prefectures, their sites, and one user per role.

- Bouches-du-Rhône ("own"): sites Arles and Istres; the referent and the agent work at Arles.
- Val-de-Marne ("foreign"): site Créteil.
"""

from dataclasses import dataclass

from accounts.models import Role
from tests import factories

ROLES = ("anonymous", "national", "quality_manager", "site_referent", "agent", "manager", "auditor")


@dataclass
class World:
    prefecture: object
    foreign_prefecture: object
    site: object  # Arles: the site of the referent and the agent
    sister_site: object  # Istres: same prefecture, not theirs
    foreign_site: object  # Créteil
    service: object
    foreign_service: object
    closure: object
    foreign_closure: object
    users: dict  # role -> User (None for anonymous)
    memberships: dict  # role -> Membership
    foreign_membership: object


def build_world():
    dep13 = factories.DepartmentFactory(code="13", name="Bouches-du-Rhône")
    dep94 = factories.DepartmentFactory(code="94", name="Val-de-Marne", region="Île-de-France")
    prefecture = factories.PrefectureFactory(department=dep13, name="Préfecture des Bouches-du-Rhône")
    foreign_prefecture = factories.PrefectureFactory(department=dep94, name="Préfecture du Val-de-Marne")
    site = factories.SiteFactory(prefecture=prefecture, name="Sous-préfecture d'Arles")
    sister_site = factories.SiteFactory(prefecture=prefecture, name="Sous-préfecture d'Istres")
    foreign_site = factories.SiteFactory(prefecture=foreign_prefecture, name="Créteil – Préfecture")
    memberships = {
        "national": factories.MembershipFactory(national=True, user__username="national"),
        "quality_manager": factories.MembershipFactory(prefecture=prefecture, user__username="qm"),
        "site_referent": factories.MembershipFactory(referent=True, site=site, user__username="referent"),
        "agent": factories.MembershipFactory(agent=True, site=site, user__username="agent"),
        "manager": factories.MembershipFactory(manager=True, prefecture=prefecture, user__username="manager"),
        "auditor": factories.MembershipFactory(auditor=True, prefecture=prefecture, user__username="auditor"),
    }
    foreign_membership = factories.MembershipFactory(prefecture=foreign_prefecture, user__username="qm94")
    users = {"anonymous": None, **{role: m.user for role, m in memberships.items()}}
    assert {m.role for m in memberships.values()} == set(Role.values)
    return World(
        prefecture=prefecture,
        foreign_prefecture=foreign_prefecture,
        site=site,
        sister_site=sister_site,
        foreign_site=foreign_site,
        service=factories.ServiceFactory(site=site, name="Accueil général"),
        foreign_service=factories.ServiceFactory(site=foreign_site, name="Accueil général"),
        closure=factories.SiteClosureFactory(site=site),
        foreign_closure=factories.SiteClosureFactory(site=foreign_site),
        users=users,
        memberships=memberships,
        foreign_membership=foreign_membership,
    )
