"""The calendar pages (month and year, prefecture and site), the rules page and the private calendar address."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from planning import services
from planning.models import CalendarFeed, PlannedItem, ProgrammeRule
from tests import factories
from tests.planning.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world, rules):
    factories.MeetingFactory(prefecture=world.prefecture, held_on=datetime.date(YEAR, 3, 12))
    services.link_fulfilments(prefecture_ids=[world.prefecture.pk])
    return world


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    return TODAY


def _text(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_month_shows_its_items_what_is_late_and_links_to_the_fulfilment_or_its_creation(login, programme, today):
    url = reverse("programme_prefecture", kwargs={"pk": programme.prefecture.pk})

    response = login("quality_manager").get(url, {"mois": f"{YEAR}-03"})

    assert response.status_code == 200
    text = _text(response)
    assert "COPIL qualité de mars 2026" in text
    assert "Réalisé le 12/03/2026" in text
    assert "Voir la réalisation" in text
    # The March quarter of each site, late, with its words and its badge (not colour alone).
    assert "Non réalisé : attendu au plus tard le 31/03/2026" in text
    assert 'fr-badge--error">En retard' in response.content.decode()
    assert "Ouvrir les autoévaluations du site" in text
    assert "élément" in text and "en retard sur cette période" in text
    # Open over the whole month (not done in it, window opened by the 1st): above the days, not on the 31st.
    spanning, days = html.unescape(response.content.decode()).split('id="days-heading"')
    assert "COPIL qualité de mars 2026" in days  # done on the 12th: on its day
    assert f"Autoévaluation T1 {YEAR} – {programme.site.name}" in spanning
    assert f"Autoévaluation T1 {YEAR}" not in days
    # Navigation: the previous and next months, today.
    assert "Précédent : février 2026" in text and "Suivant : avril 2026" in text


def test_the_year_view_lists_twelve_months_and_the_quality_manager_may_create_the_missing_meeting(
    login, programme, today
):
    response = login("quality_manager").get(
        reverse("programme_prefecture_year", kwargs={"pk": programme.prefecture.pk}), {"annee": YEAR}
    )

    text = _text(response)
    assert text.count("Rien de prévu.") == 0
    assert "Enquête de satisfaction 2026" in text
    assert "Enregistrer la réunion" in text  # the COPILs not held
    # 12 COPILs, the CLU, the survey, the internal audit, 4 quarters × 2 sites; by 15 May: January, February and
    # April COPILs, the CLU and the first quarters are late
    assert "23 éléments prévus, 1 réalisé, 6 en retard" in text


def test_a_manager_reads_the_calendar_without_the_creation_links(login, programme, today):
    response = login("manager").get(
        reverse("programme_prefecture_year", kwargs={"pk": programme.prefecture.pk}), {"annee": YEAR}
    )

    text = _text(response)
    assert "Enregistrer la réunion" not in text
    assert "Règles du programme" in text and "Modifier les règles du programme" not in text


def test_a_sites_calendar_shows_its_items_and_the_prefectures_not_the_sister_sites(login, programme, today):
    response = login("site_referent").get(
        reverse("programme_site_year", kwargs={"pk": programme.site.pk}), {"annee": YEAR}
    )

    text = _text(response)
    assert f"Autoévaluation T1 {YEAR} – {programme.site.name}" in text
    assert programme.sister_site.name not in text
    assert "COPIL qualité de janvier 2026" in text


def test_an_empty_month_says_so_and_points_the_quality_manager_to_the_rules(login, world, today):
    response = login("quality_manager").get(reverse("programme_prefecture", kwargs={"pk": world.prefecture.pk}))

    text = _text(response)
    assert "Rien n’est prévu ce mois-ci." in text
    assert "ajoutez ou modifiez une règle" in text


def test_the_calendar_takes_the_same_queries_for_a_quiet_month_and_a_busy_year(
    login, programme, today, django_assert_num_queries
):
    client = login("quality_manager")
    url = reverse("programme_prefecture_year", kwargs={"pk": programme.prefecture.pk})
    client.get(url)  # the session and the content types cached

    def count(**params):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    empty_year = count(annee=YEAR - 3)
    for site in range(6):
        factories.SiteFactory(prefecture=programme.prefecture, name=f"Site {site}")
    services.programme_build(prefecture=programme.prefecture, year=YEAR, today=TODAY)
    for month in range(1, 6):
        factories.MeetingFactory(prefecture=programme.prefecture, held_on=datetime.date(YEAR, month, 20))
    services.link_fulfilments(prefecture_ids=[programme.prefecture.pk])
    assert (
        PlannedItem.objects.for_year(programme.prefecture, YEAR).count() == 47
    )  # 12 + 1 + 1 + 1 + 4 quarters × 8 sites
    # session, user, memberships (scope), prefecture, items (with their sites), the meetings that fulfil them
    # (one query per kind of record): 0 items or 47, the page's queries differ only by that prefetch
    assert count(annee=YEAR) == empty_year + 1


def test_the_quality_manager_adds_changes_and_removes_a_rule_and_the_programme_follows(login, world, today):
    client = login("quality_manager")
    url = reverse("programme_rules", kwargs={"pk": world.prefecture.pk})

    response = client.post(url, {"kind": "clu", "month": "13"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in _text(response)

    response = client.post(url, {"kind": "clu", "month": "4", "active": "on"})
    assert response.status_code == 302
    rule = ProgrammeRule.objects.get()
    assert PlannedItem.objects.get(rule=rule).starts_on == datetime.date(YEAR, 4, 1)

    response = client.post(url, {"kind": "copil", "month": "4", "active": "on"})
    assert "Cette règle ne prend pas de mois" in _text(response)

    response = client.post(
        reverse("programme_rule_edit", kwargs={"pk": rule.pk}), {"kind": "clu", "month": "9", "active": "on"}
    )
    assert response.status_code == 302
    assert PlannedItem.objects.get(rule=rule).starts_on == datetime.date(YEAR, 9, 1)

    client.post(reverse("programme_rule_delete", kwargs={"pk": rule.pk}))
    assert not PlannedItem.objects.exists()
    assert "Aucune règle" in _text(client.get(url))


def test_the_private_address_is_shown_once_then_revoked(login, world, client):
    page = login("site_referent")
    url = reverse("programme_feed")

    response = page.post(url, {"action": "issue"})

    match = re.search(r'value="(http://testserver/programme/agenda/([^"]+)\.ics)"', response.content.decode())
    assert match and "Copier" in _text(response)
    token = match.group(2)
    feed = CalendarFeed.objects.get(user=world.users["site_referent"])
    assert feed.token_hash != token and len(feed.token_hash) == 64
    assert token not in page.get(url).content.decode()  # shown once
    assert "Révoquer et générer une nouvelle adresse" in _text(page.get(url))

    page.post(url, {"action": "revoke"})

    assert not CalendarFeed.objects.exists()
    assert client.get(reverse("programme_feed_ics", kwargs={"token": token})).status_code == 404
