"""The quality programme (planning): calendar pages, rules, the private calendar address and its feed, the API.

Every person of a prefecture and of its sites reads its programme; its quality manager writes the rules; national
administrators read everything and write no rule (403 on what they see); auditors have no programme (404). The feed
needs no session: its token is the key (unknown: 404 for everyone).
"""

import datetime

from planning import feeds
from planning.models import PlannedItem, ProgrammeRule
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
REDIRECT = 302


def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


def _rule(prefecture):
    return ProgrammeRule.objects.create(prefecture=prefecture, kind="clu", month=4)


def _own_rule(w):
    return {"pk": _rule(w.prefecture).pk}


def _foreign_rule(w):
    return {"pk": _rule(w.foreign_prefecture).pk}


def _item(prefecture, site=None):
    return PlannedItem.objects.create(
        prefecture=prefecture,
        site=site,
        year=2015,
        kind="copil",
        title="COPIL qualité de mars 2015",
        starts_on=datetime.date(2015, 3, 1),
        ends_on=datetime.date(2015, 3, 31),
        slot="copil:2015-03",
    )


def _own_item(w):
    return {"pk": _item(w.prefecture).pk}


def _foreign_item(w):
    return {"pk": _item(w.foreign_prefecture).pk}


def _sister_item(w):
    return {"pk": _item(w.prefecture, w.sister_site).pk}


def _own_prefecture(w):
    return {"pk": w.prefecture.pk}


def _foreign_prefecture(w):
    return {"pk": w.foreign_prefecture.pk}


def _own_site(w):
    return {"pk": w.site.pk}


def _sister_site(w):
    return {"pk": w.sister_site.pk}


def _foreign_site(w):
    return {"pk": w.foreign_site.pk}


def _quality_managers_feed(w):
    return {"token": feeds.feed_issue(by=w.users["quality_manager"])}


READERS = expect(200, auditor=NOT_FOUND)
FOREIGN_READ = expect(NOT_FOUND, national=200)
SISTER_READERS = expect(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND)
RULE_WRITERS = expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND)
FOREIGN_WRITE = expect(NOT_FOUND, national=FORBIDDEN)

HTML_CASES = [
    # Straight to their prefecture's (or site's) calendar; national administrators choose a prefecture.
    Case("programme_home", expect(REDIRECT, national=200, auditor=NOT_FOUND)),
    Case("programme_prefecture", READERS, kwargs=_own_prefecture, label="own"),
    Case("programme_prefecture", READERS, kwargs=_own_prefecture, query="?mois=2015-03", label="own, a month"),
    Case("programme_prefecture", FOREIGN_READ, kwargs=_foreign_prefecture, label="foreign"),
    Case("programme_prefecture_year", READERS, kwargs=_own_prefecture, query="?annee=2015", label="own"),
    Case("programme_prefecture_year", FOREIGN_READ, kwargs=_foreign_prefecture, label="foreign"),
    Case("programme_site", READERS, kwargs=_own_site, label="own"),
    Case("programme_site", SISTER_READERS, kwargs=_sister_site, label="sister"),
    Case("programme_site", FOREIGN_READ, kwargs=_foreign_site, label="foreign"),
    Case("programme_site_year", READERS, kwargs=_own_site, label="own"),
    Case("programme_site_year", SISTER_READERS, kwargs=_sister_site, label="sister"),
    Case("programme_site_year", FOREIGN_READ, kwargs=_foreign_site, label="foreign"),
    Case("programme_rules", READERS, kwargs=_own_prefecture, label="own"),
    Case("programme_rules", FOREIGN_READ, kwargs=_foreign_prefecture, label="foreign"),
    # The matrix posts an empty form: the quality manager gets it back with its errors, the others are refused.
    Case(
        "programme_rules",
        expect(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_own_prefecture,
        method="post",
        label="add own",
    ),
    Case("programme_rules", FOREIGN_WRITE, kwargs=_foreign_prefecture, method="post", label="add foreign"),
    Case("programme_rule_edit", RULE_WRITERS, kwargs=_own_rule, label="own"),
    Case("programme_rule_edit", FOREIGN_WRITE, kwargs=_foreign_rule, label="foreign"),
    Case("programme_rule_delete", expect(NOT_ALLOWED), kwargs=_own_rule, label="get"),
    Case(
        "programme_rule_delete",
        expect(FORBIDDEN, quality_manager=REDIRECT, auditor=NOT_FOUND),
        kwargs=_own_rule,
        method="post",
        label="own",
    ),
    Case("programme_rule_delete", FOREIGN_WRITE, kwargs=_foreign_rule, method="post", label="foreign"),
    Case("programme_feed", READERS),
    # A new address is generated (and shown once) on the same page.
    Case("programme_feed", READERS, method="post", label="issue"),
    # The feed is read without a session: the token decides, whoever asks.
    Case(
        "programme_feed_ics",
        expect(NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: {"token": "inconnu"},
        label="unknown",
    ),
    Case("programme_feed_ics", expect(200, anonymous=200), kwargs=_quality_managers_feed, label="quality manager's"),
]

API_CASES = [
    Case("api:programme-item-list", api(200)),  # scoped: an auditor gets an empty list
    Case("api:programme-item-list", api(200), query="?year=2015&kind=copil&status=late", label="filtered"),
    Case("api:programme-item-detail", api(200, auditor=NOT_FOUND), kwargs=_own_item, label="own"),
    Case(
        "api:programme-item-detail",
        api(200, site_referent=NOT_FOUND, agent=NOT_FOUND, auditor=NOT_FOUND),
        kwargs=_sister_item,
        label="sister site's",
    ),
    Case("api:programme-item-detail", api(NOT_FOUND, national=200), kwargs=_foreign_item, label="foreign"),
    Case("api:programme-rule-list", api(200)),
    Case(
        "api:programme-rule-list",
        # For an auditor the prefecture is outside their scope: it "does not exist" (400).
        api(FORBIDDEN, quality_manager=201, auditor=400),
        method="post",
        data=lambda w: {"prefecture": w.prefecture.pk, "kind": "copil"},
        label="create",
    ),
    Case("api:programme-rule-detail", api(200, auditor=NOT_FOUND), kwargs=_own_rule, label="own"),
    Case("api:programme-rule-detail", api(NOT_FOUND, national=200), kwargs=_foreign_rule, label="foreign"),
    Case(
        "api:programme-rule-detail",
        api(FORBIDDEN, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_own_rule,
        method="patch",
        data={"month": 5},
        label="edit own",
    ),
    Case(
        "api:programme-rule-detail",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign_rule,
        method="patch",
        data={"month": 5},
        label="edit foreign",
    ),
    Case(
        "api:programme-rule-detail",
        api(FORBIDDEN, quality_manager=204, auditor=NOT_FOUND),
        kwargs=_own_rule,
        method="delete",
        label="delete own",
    ),
    Case(
        "api:programme-rule-detail",
        api(NOT_FOUND, national=FORBIDDEN),
        kwargs=_foreign_rule,
        method="delete",
        label="delete foreign",
    ),
]

CASES = HTML_CASES + API_CASES
