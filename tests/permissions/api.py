"""The API rows of the permission matrix (see cases.py for how a row reads)."""

from tests.permissions.cases import API_ANONYMOUS, Case, expect, quality_manager_token

NOT_ALLOWED = 405


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def public(default):
    return expect(default, anonymous=default)


# Who may read an object of the "own" prefecture / site (Arles) / sister site (Istres).
PREFECTURE_READERS = api(200, auditor=404)
SITE_READERS = api(200, auditor=404)
SISTER_SITE_READERS = api(200, site_referent=404, agent=404, auditor=404)
NATIONAL_ONLY = api(404, national=200)

CASES = [
    Case("api:api-root", api(200)),
    Case("api:token", public(NOT_ALLOWED)),
    # Everyone's own API tokens; the quality manager's token does not exist for anyone else.
    Case("api:api-token-list", api(200)),
    Case("api:api-token-list", api(201), method="post", data={"client": "matrice"}, label="create"),
    Case(
        "api:api-token-detail",
        api(404, quality_manager=200),
        kwargs=lambda w: {"id": quality_manager_token(w)["public_id"]},
        label="quality manager's",
    ),
    Case(
        "api:api-token-detail",
        api(404, quality_manager=204),
        kwargs=lambda w: {"id": quality_manager_token(w)["public_id"]},
        method="delete",
        label="revoke",
    ),
    Case("api:schema", public(200)),
    Case("api:docs", public(200)),
    Case("api:redoc", public(200)),
    Case("api:me", api(200)),
    Case("api:department-list", api(200)),
    Case("api:department-detail", api(200), kwargs=lambda w: {"code": "2A"}),
    Case("api:prefecture-list", api(200)),
    Case(
        "api:prefecture-list",
        api(403, national=201),
        method="post",
        data={"name": "Préfecture de la Corse-du-Sud", "department": "2A"},
        label="create",
    ),
    Case("api:prefecture-detail", PREFECTURE_READERS, kwargs=lambda w: {"pk": w.prefecture.pk}, label="own"),
    Case("api:prefecture-detail", NATIONAL_ONLY, kwargs=lambda w: {"pk": w.foreign_prefecture.pk}, label="foreign"),
    Case(
        "api:prefecture-detail",
        api(403, national=200, auditor=404),
        kwargs=lambda w: {"pk": w.prefecture.pk},
        method="patch",
        data={"name": "Préfecture des Bouches-du-Rhône (Marseille)"},
        label="rename",
    ),
    Case("api:site-list", api(200)),
    Case(
        "api:site-list",
        # For an auditor the prefecture is outside their scope: it "does not exist" (400).
        api(403, national=201, auditor=400),
        method="post",
        data=lambda w: {"name": "Annexe de La Ciotat", "kind": "annex", "prefecture": w.prefecture.pk},
        label="create",
    ),
    Case("api:site-detail", SITE_READERS, kwargs=lambda w: {"pk": w.site.pk}, label="own"),
    Case("api:site-detail", SISTER_SITE_READERS, kwargs=lambda w: {"pk": w.sister_site.pk}, label="sister"),
    Case("api:site-detail", NATIONAL_ONLY, kwargs=lambda w: {"pk": w.foreign_site.pk}, label="foreign"),
    Case(
        "api:site-detail",
        api(403, national=200, quality_manager=200, auditor=404),
        kwargs=lambda w: {"pk": w.site.pk},
        method="patch",
        data={"opening_hours": "Du lundi au vendredi, 8 h 30 – 12 h"},
        label="edit own",
    ),
    Case(
        "api:site-detail",
        NATIONAL_ONLY,
        kwargs=lambda w: {"pk": w.foreign_site.pk},
        method="patch",
        data={"opening_hours": "Fermé"},
        label="edit foreign",
    ),
    Case("api:membership-list", api(200)),
    Case(
        "api:membership-list",
        # A site outside one's managed prefectures "does not exist" (400), a manager may not grant (400 too).
        api(400, national=201, quality_manager=201),
        method="post",
        data=lambda w: {"user": "manager", "role": "site_referent", "site": w.sister_site.pk},
        label="grant own",
    ),
    Case(
        "api:membership-detail",
        api(404, national=200, quality_manager=200, site_referent=200),
        kwargs=lambda w: {"pk": w.memberships["site_referent"].pk},
        label="referent's",
    ),
    Case("api:membership-detail", NATIONAL_ONLY, kwargs=lambda w: {"pk": w.foreign_membership.pk}, label="foreign"),
    Case(
        "api:membership-end",
        api(404, national=200, quality_manager=200, site_referent=403),
        kwargs=lambda w: {"pk": w.memberships["site_referent"].pk},
        method="post",
        label="referent's",
    ),
    Case(
        "api:membership-end",
        NATIONAL_ONLY,
        kwargs=lambda w: {"pk": w.foreign_membership.pk},
        method="post",
        label="foreign",
    ),
]
