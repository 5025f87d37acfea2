"""Footfall (heures d'affluence): the import of the hourly export, the weekday × hour heatmap, and the public page
of a site's peak hours (no login, rate-limited, levels only)."""

import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import FootfallSlot
from indicators.services import footfall
from indicators.services.batches import BatchRejected
from tests.checks import assert_line_errors
from tests.indicators.factories import FootfallSlotFactory

pytestmark = pytest.mark.django_db
HEADER = "Site;Service;Date;Tranche horaire;Visiteurs;Attente moyenne (minutes)\n"


def _file(lines):
    return SimpleUploadedFile("affluence.csv", (HEADER + "\n".join(lines) + "\n").encode())


def _text(response):
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def test_the_hourly_export_is_imported_and_half_hours_add_up_in_their_hour(world):
    report = footfall.import_footfall(
        by=world.users["site_referent"],
        file=_file(
            [
                "Sous-préfecture d'Arles;Accueil général;02/03/2026;08:00;20;10",
                "Sous-préfecture d'Arles;Accueil général;02/03/2026;08:30;30;20",
                "Sous-préfecture d'Arles;Accueil général;2026-03-02;9h-10h;45;",
            ]
        ),
    )

    assert report.accepted
    slots = {(s.hour, s.visitors, s.waiting_minutes) for s in FootfallSlot.objects.all()}
    assert slots == {(8, 50, 16), (9, 45, None)}  # (20 × 10 + 30 × 20) / 50 = 16 minutes


def test_importing_the_same_days_again_updates_them_without_duplicates(world):
    line = "Sous-préfecture d'Arles;Accueil général;02/03/2026;08:00;20;10"
    footfall.import_footfall(by=world.users["quality_manager"], file=_file([line]))

    report = footfall.import_footfall(by=world.users["quality_manager"], file=_file([line.replace(";20;", ";25;")]))

    assert report.updated == 1 and FootfallSlot.objects.get().visitors == 25


def test_a_wrong_row_rejects_the_file(world):
    lines = [
        "Sous-préfecture d'Arles;Accueil général;02/03/2026;08:00;20;10",
        "Sous-préfecture d'Arles;Guichet inconnu;02/03/2026;08:00;20;10",
        "Sous-préfecture d'Arles;Accueil général;02/03/2099;08:00;20;10",
        "Sous-préfecture d'Arles;Accueil général;02/03/2026;25:00;20;10",
        "Sous-préfecture d'Arles;Accueil général;02/03/2026;08:00;-4;10",
        "Sous-préfecture d'Arles;Accueil général;02/03/2026;08:00;20;10",
    ]

    with pytest.raises(BatchRejected) as rejected:
        footfall.import_footfall(by=world.users["quality_manager"], file=_file(lines))

    assert_line_errors(
        rejected.value.report,
        {
            3: "Service « Guichet inconnu » inconnu sur le site",
            4: "n'est pas encore passé",
            5: "Tranche horaire « 25:00 » invalide",
            6: "ne peut pas être négatif",
            7: "Tranche en double avec la ligne 2",
        },
    )
    assert not FootfallSlot.objects.exists()


def test_the_heatmap_gives_mean_visitors_per_weekday_and_hour(world):
    for day, hour, visitors in [(2, 9, 40), (9, 9, 60), (2, 10, 10), (3, 9, 20)]:  # Mondays 2 and 9, Tuesday 3 March
        FootfallSlotFactory(service=world.service, day=datetime.date(2026, 3, day), hour=hour, visitors=visitors)

    heatmap = footfall.heatmap(site=world.site)

    assert heatmap.hours == [9, 10] and heatmap.busiest == 50
    (monday, cells), (tuesday, tuesday_cells) = heatmap.rows
    assert monday == "lundi" and [(c.visitors, c.level) for c in cells] == [(50, 5), (5, 1)]
    assert tuesday == "mardi" and [c.visitors for c in tuesday_cells] == [20, None]


def test_the_heatmap_page_shows_the_numbers_in_a_table(login, world):
    FootfallSlotFactory(service=world.service, day=datetime.date(2026, 3, 2), hour=9, visitors=42)

    response = login("agent").get(reverse("footfall_heatmap", kwargs={"pk": world.site.pk}))

    text = _text(response)
    assert "Visiteurs moyens par jour de la semaine et par heure" in text
    assert '<td class="qp-heat-5"' in response.content.decode() and "42" in text


def test_the_public_page_shows_the_peak_hours_without_figures_and_needs_no_login(client, world):
    for hour, visitors in [(8, 40), (9, 100), (10, 50), (11, 20)]:
        FootfallSlotFactory(
            service=world.service, day=datetime.date.today() - datetime.timedelta(days=7), hour=hour, visitors=visitors
        )

    response = client.get(reverse("public_footfall_site", kwargs={"pk": world.site.pk}))

    assert response.status_code == 200
    text = _text(response)
    assert world.site.name in text and "forte affluence de 9 h à 10 h" in text
    assert "100" not in text.split("Les moments les plus chargés")[1].split("Tous les sites")[0]  # levels, no figures
    assert "Se déconnecter" not in text and "Tableau de bord" not in text


def test_the_public_page_says_when_there_is_nothing_recent(client, world):
    FootfallSlotFactory(service=world.service, day=datetime.date(2020, 3, 2))

    text = _text(client.get(reverse("public_footfall_site", kwargs={"pk": world.site.pk})))

    assert "Heures d’affluence non disponibles" in text


def test_an_inactive_site_has_no_public_page(client, world):
    world.site.is_active = False
    world.site.save()

    assert client.get(reverse("public_footfall_site", kwargs={"pk": world.site.pk})).status_code == 404


def test_the_public_pages_are_rate_limited(client, world, settings):
    from indicators.views import footfall as views

    url = reverse("public_footfall_index")
    statuses = [client.get(url).status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    assert views.PUBLIC_RATE == "60/m"
