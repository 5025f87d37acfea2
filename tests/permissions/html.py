"""The HTML pages of the permission matrix (see cases.py for how a row reads).

Pages that take an id get an "own" row, a "sister" row (a site of the same prefecture that is not the
referent's and agent's) where it matters, and a "foreign" row (Val-de-Marne): a foreign object is a 404, an
object the user sees but may not change is a 403 on the pages that change it.
"""

import uuid

from tests.permissions.cases import Case, expect, quality_manager_token

FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
REDIRECT = 302


def public(default):
    return expect(default, anonymous=default)


# Who may read the "own" prefecture / site (Arles) / sister site (Istres): auditors see no territory.
PREFECTURE_READERS = expect(200, auditor=NOT_FOUND)
SITE_READERS = expect(200, auditor=NOT_FOUND)
SISTER_SITE_READERS = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
NATIONAL_ONLY = expect(NOT_FOUND, national=200)
# Memberships are managed by national administrators and quality managers.
MEMBERSHIP_MANAGERS = expect(FORBIDDEN, national=200, quality_manager=200)


def _own_site(w):
    return {"pk": w.site.pk}


def _sister_site(w):
    return {"pk": w.sister_site.pk}


def _foreign_site(w):
    return {"pk": w.foreign_site.pk}


CASES = [
    # --- project pages
    Case("home", expect(REDIRECT)),  # each role is sent to its dashboard
    Case("healthz", public(200)),
    Case("favicon", public(301)),  # to the DSFR's icon, for every visitor
    # --- sign-in, sign-out, passwords: public pages
    Case("login", expect(REDIRECT, anonymous=200)),  # a signed-in user is sent to their dashboard
    Case("logout", public(NOT_ALLOWED)),  # POST only (Django 5)
    Case("password_reset", public(200)),
    Case("password_reset_done", public(200)),
    # An unknown link shows the "invalid link" page.
    Case("password_reset_confirm", public(200), kwargs=lambda w: {"uidb64": "MA", "token": "lien-invalide"}),
    Case("password_reset_complete", public(200)),
    Case("password_change", expect(200)),
    Case("password_change_done", expect(200)),
    # --- people
    Case("dashboard", expect(200)),
    Case("account", expect(200)),
    Case("token_list", expect(200)),
    Case("token_revoke", expect(NOT_ALLOWED), kwargs=lambda w: {"public_id": uuid.uuid4()}, label="get"),
    # The quality manager's own token: they revoke it, it does not exist for anyone else.
    Case(
        "token_revoke",
        expect(NOT_FOUND, quality_manager=REDIRECT),
        kwargs=quality_manager_token,
        method="post",
        label="quality manager's",
    ),
    Case("membership_list", MEMBERSHIP_MANAGERS),
    Case("membership_list", MEMBERSHIP_MANAGERS, query="?status=ended&role=agent", label="filtered"),
    Case("membership_create", MEMBERSHIP_MANAGERS),
    Case(
        "membership_end",
        # The agent sees their own membership (Mon compte) but may not end it; the others do not see it.
        expect(NOT_FOUND, national=200, quality_manager=200, agent=FORBIDDEN),
        kwargs=lambda w: {"pk": w.memberships["agent"].pk},
        label="own",
    ),
    Case("membership_end", NATIONAL_ONLY, kwargs=lambda w: {"pk": w.foreign_membership.pk}, label="foreign"),
    # --- territory
    Case("prefecture_list", expect(200)),  # scoped: an auditor gets an empty list
    Case("prefecture_detail", PREFECTURE_READERS, kwargs=lambda w: {"pk": w.prefecture.pk}, label="own"),
    Case("prefecture_detail", NATIONAL_ONLY, kwargs=lambda w: {"pk": w.foreign_prefecture.pk}, label="foreign"),
    Case("site_list", expect(200)),
    Case("site_list", expect(200), query="?kind=subprefecture&name=arles", label="filtered"),
    Case("site_detail", SITE_READERS, kwargs=_own_site, label="own"),
    Case("site_detail", SISTER_SITE_READERS, kwargs=_sister_site, label="sister"),
    Case("site_detail", NATIONAL_ONLY, kwargs=_foreign_site, label="foreign"),
    Case(
        "site_edit",
        expect(FORBIDDEN, national=200, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_own_site,
        label="own",
    ),
    Case(
        "site_edit",
        expect(
            FORBIDDEN, national=200, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND
        ),
        kwargs=_sister_site,
        label="sister",
    ),
    Case("site_edit", NATIONAL_ONLY, kwargs=_foreign_site, label="foreign"),
    Case(
        "closure_create",
        # Closures are entered by the prefecture's quality manager or the site's referent.
        expect(FORBIDDEN, national=200, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=lambda w: {"site_pk": w.site.pk},
        label="own",
    ),
    Case(
        "closure_create",
        expect(
            FORBIDDEN, national=200, quality_manager=200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND
        ),
        kwargs=lambda w: {"site_pk": w.sister_site.pk},
        label="sister",
    ),
    Case("closure_create", NATIONAL_ONLY, kwargs=lambda w: {"site_pk": w.foreign_site.pk}, label="foreign"),
    Case(
        "closure_delete",
        expect(FORBIDDEN, national=200, quality_manager=200, site_referent=200, auditor=NOT_FOUND),
        kwargs=lambda w: {"site_pk": w.site.pk, "pk": w.closure.pk},
        label="own",
    ),
    Case(
        "closure_delete",
        NATIONAL_ONLY,
        kwargs=lambda w: {"site_pk": w.foreign_site.pk, "pk": w.foreign_closure.pk},
        label="foreign",
    ),
    Case(
        "closure_delete",
        # A closure of another site, reached through the user's own site: not found, whoever asks.
        expect(NOT_FOUND, agent=FORBIDDEN, manager=FORBIDDEN),
        kwargs=lambda w: {"site_pk": w.site.pk, "pk": w.foreign_closure.pk},
        label="mismatched",
    ),
]
