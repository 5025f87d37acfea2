"""The national dashboard: national key indicators, the map of France (the département shapes of pygal-maps-fr,
overseas and Paris' small départements as insets) coloured by label, with an accessible name per département and
the same data as a table, links down to each prefecture's dashboard; a fixed number of queries whatever the number
of prefectures."""

import datetime
import re

import pytest
from django.urls import reverse

from indicators.dashboards import map as france_map
from indicators.dashboards import national
from sites.models import Department
from tests import factories
from tests.checks import assert_no_more_queries
from tests.indicators.dashboards import landing

pytestmark = pytest.mark.django_db


def _landed_dashboard(client, world):
    """The national dashboard the national administrator's landing page shows (built once, then rendered)."""
    assert "Carte des labellisations" in landing(client, world.users["national"]).content.decode()
    return national.build()


def test_the_national_administrator_lands_on_the_national_dashboard(client, world, today):
    response = landing(client, world.users["national"])
    html = response.content.decode()
    assert "Indicateurs clés nationaux" in html and "Carte des labellisations" in html
    for prefecture in (world.prefecture, world.foreign_prefecture):
        assert reverse("dashboard_prefecture", kwargs={"pk": prefecture.pk}) in html


def test_the_map_has_one_tile_per_departement_with_an_accessible_name(client, world, today):
    svg = str(_landed_dashboard(client, world).map_svg)
    tiles = re.findall(r'data-department="([0-9AB]+)"', svg)
    assert sorted(tiles) == sorted(Department.objects.values_list("code", flat=True))
    assert {"971", "972", "973", "974", "976", "2A", "2B"} <= set(tiles)
    assert svg.count("<title>") == len(tiles) and svg.count("aria-label=") == len(tiles)
    # A prefecture is a link to its dashboard, named by what the tile shows.
    url = reverse("dashboard_prefecture", kwargs={"pk": world.prefecture.pk})
    assert f'<a href="{url}" aria-label="13 Bouches-du-Rhône – Préfecture des Bouches-du-Rhône ; ' in svg
    assert 'aria-label="05 : préfecture non enregistrée"' in svg


def test_the_map_is_given_as_a_table_too(client, world, today):
    html = landing(client, world.users["national"]).content.decode()
    assert "Préfectures : label, prochain audit, non-conformités ouvertes et retards (texte de la carte)" in html
    assert html.count('<tr data-status="') == 2


def test_tiles_are_coloured_by_label_and_late_follow_up(client, world, today):
    factories.LabellingFactory(prefecture=world.prefecture, granted=True)  # next follow-up due 27/11/2016: late
    labelled = factories.PrefectureFactory(department=factories.DepartmentFactory(code="33", name="Gironde"))
    labelling = factories.LabellingFactory(prefecture=labelled, granted=True)
    labelling.next_audit_due = datetime.date(2026, 11, 27)
    labelling.save()
    preparing = factories.PrefectureFactory(department=factories.DepartmentFactory(code="971", name="Guadeloupe"))
    factories.LabellingFactory(prefecture=preparing)
    dashboard = _landed_dashboard(client, world)
    status = {prefecture.department_id: prefecture.map_status for prefecture in dashboard.prefectures}
    assert status == {"13": "late", "33": "labelled", "94": "none", "971": "in_progress"}
    svg = str(dashboard.map_svg)
    assert 'data-department="13" data-status="late"' in svg
    assert 'data-department="971" data-status="in_progress"' in svg
    legend = {item["status"]: item["count"] for item in dashboard.legend}
    assert legend["late"] == legend["labelled"] == legend["none"] == legend["in_progress"] == 1
    assert legend["absent"] == len(france_map.CODES) - 4


def test_the_tile_says_the_next_follow_up_and_open_nonconformities(client, world, today):
    labelling = factories.LabellingFactory(prefecture=world.prefecture, granted=True, sites=[world.site])
    audit = factories.AuditFactory(labelling=labelling, kind="follow_up", delivered=True)
    factories.FindingFactory(audit=audit, category="minor_nonconformity")
    (prefecture, _foreign) = _landed_dashboard(client, world).prefectures
    assert "prochain audit de suivi avant le 27/11/2016 (en retard)" in prefecture.map_label
    assert prefecture.labelling_state == f"{labelling.get_status_display()} – {labelling.referential}"
    assert f"– {labelling.referential}" in prefecture.map_label
    assert prefecture.map_label.endswith("1 non-conformité(s) ouverte(s)")


def test_every_departement_is_drawn_once_from_the_package_shapes():
    assert len(set(france_map.CODES)) == len(france_map.CODES) == Department.objects.count()
    shapes = france_map.shapes()
    assert len(shapes["metropole"]) == 96 and {code for code, _d in shapes["paris"]} == {"75", "92", "93", "94"}
    assert {code for code, _d in shapes["overseas"]} == {"971", "972", "973", "974", "975", "976"}
    # Whole units of the package's 2000-wide box: an outline of 600 kB becomes a picture of a few dozen.
    svg = str(france_map.render({}))
    assert len(svg.encode()) < 100_000
    assert re.fullmatch(r"M\d+ \d+l[-\d ]+z", shapes["metropole"][0][1].split("z")[0] + "z")


def test_paris_small_departements_are_links_in_their_inset_only(client, world, today):
    factories.PrefectureFactory(department=Department.objects.get(code="75"))
    svg = str(_landed_dashboard(client, world).map_svg)
    assert svg.count('data-department="75"') == 1
    assert svg.count('<a href="') == 3  # Bouches-du-Rhône, Val-de-Marne, Paris


@pytest.mark.parametrize("role", ["quality_manager", "manager", "site_referent", "agent"])
def test_other_roles_do_not_get_the_national_dashboard(client, world, today, role):
    assert "national_dashboard" not in landing(client, world.users[role]).context


def test_the_national_dashboard_costs_the_same_for_1_or_30_prefectures(client, today, django_assert_max_num_queries):
    user = factories.MembershipFactory(national=True).user
    first = factories.PrefectureFactory(department=Department.objects.get(code="13"))
    factories.LabellingFactory(prefecture=first, granted=True)

    def more_prefectures():
        for department in Department.objects.exclude(code="13")[:29]:
            prefecture = factories.PrefectureFactory(department=department)
            labelling = factories.LabellingFactory(prefecture=prefecture, granted=True, sites=[])
            factories.AuditFactory(
                labelling=labelling,
                kind="follow_up",
                start_on=datetime.date(2026, 9, 1),
                end_on=datetime.date(2026, 9, 2),
            )
            factories.ComplaintFactory(site=factories.SiteFactory(prefecture=prefecture))

    assert_no_more_queries(django_assert_max_num_queries, lambda: landing(client, user), more_prefectures)


def test_paths_are_read_as_absolute_points_whatever_their_commands():
    # relative and absolute moves, lines and curves (their end point only), a relative move after a closed subpath
    subpaths = france_map._points("m 10,10 5,0 c 1,1 2,2 0,5 z m 1 1 L 20 20 Z M 0 0 l 1e1 0", dx=1, dy=-1)
    assert subpaths == [[(11, 9), (16, 9), (16, 14)], [(12, 10), (21, 19)], [(1, -1), (11, -1)]]
    assert france_map._compact([[(0.4, 0.6), (10.2, 0.4), (10.4, 0.3), (3, -4)]]) == "M0 1l10-1-7-4z"


def test_labelled_prefectures_have_the_colour_of_their_label_and_version(client, world, today):
    from tests.factories import labelling_referential

    factories.LabellingFactory(prefecture=world.prefecture, granted=True)  # Qualipref 2.0, follow-up late
    gironde = factories.PrefectureFactory(department=factories.DepartmentFactory(code="33", name="Gironde"))
    marianne = factories.LabellingFactory(
        prefecture=gironde, granted=True, referential=labelling_referential("MARIANNE")
    )
    marianne.next_audit_due = datetime.date(2026, 11, 27)
    marianne.save()
    dashboard = _landed_dashboard(client, world)
    fills = {p.department_id: p.map_fill for p in dashboard.prefectures}
    assert fills["13"] and fills["33"] and fills["13"] != fills["33"] and fills["94"] is None
    assert {item["label"]: (item["fill"], item["count"]) for item in dashboard.label_legend} == {
        str(marianne.referential): (fills["33"], 1),
        str(world.prefecture.labellings.get().referential): (fills["13"], 1),
    }
    svg = str(dashboard.map_svg)
    # the colour of the label, striped in red when the follow-up audit is late
    late = f"qp-late-{fills['13'][1:]}"
    assert f'<pattern id="{late}" ' in svg and f'<rect width="28" height="28" fill="{fills["13"]}"/>' in svg
    assert re.search(rf'data-department="13" data-status="late"><title>[^<]*</title><path fill="url\(#{late}\)"', svg)
    assert re.search(
        rf'data-department="33" data-status="labelled"><title>[^<]*</title><path fill="{fills["33"]}"', svg
    )
    assert svg.count("<pattern ") == 1
    html = landing(client, world.users["national"]).content.decode()
    assert f"{marianne.referential} : 1" in html and "Labellisée, audit de suivi en retard : 1" in html


def test_the_legend_counts_the_sous_prefectures_labelled_and_the_targets_are_judged_at_their_dates(
    client, world, today
):
    """Bouches-du-Rhône labelled Qualipref 2.0 on 27/11/2015 with the sous-préfectures of Arles and Istres (and its
    prefecture's site) in its perimeter: the legend counts 1 prefecture and 2 sous-préfectures; on 31/12/2014 it
    was not labelled (the référentiel came out in February 2015): that target was missed."""
    prefecture_site = factories.SiteFactory(prefecture=world.prefecture, kind="prefecture", name="Préfecture")
    labelling = factories.LabellingFactory(
        prefecture=world.prefecture, granted=True, sites=[world.site, world.sister_site, prefecture_site]
    )
    factories.LabellingStepFactory(
        labelling=labelling, kind="decision", status="granted", happened_on=labelling.granted_on
    )

    dashboard = _landed_dashboard(client, world)

    assert [(item["count"], item["subprefectures"]) for item in dashboard.label_legend] == [(1, 2)]
    assert {p.department_id: p.subprefectures_labelled for p in dashboard.prefectures} == {"13": 2, "94": 0}
    assert [
        (row["judged_on"], row["labelled"], row["subprefectures_labelled"], row["state"]) for row in dashboard.progress
    ] == [
        (datetime.date(2014, 12, 31), 0, 0, "missed"),
        (datetime.date(2015, 12, 31), 1, 2, "missed"),
    ]
    html = " ".join(landing(client, world.users["national"]).content.decode().split())
    assert f"{labelling.referential} : 1 préfecture, 2 sous-préfectures" in html
    assert "Objectifs nationaux : passage à Qualipref 2.0" in html
    assert '<tr data-state="missed"> <th scope="row">50 % au 31/12/2014</th> <td>31/12/2014</td>' in html
    assert "1 sur 2 (50 %)" in html


def test_the_national_dashboard_is_built_in_a_pinned_number_of_queries(world, today, django_assert_num_queries):
    # prefectures 1, labels 1, non-conformities 1, overdue 3, next audits 1, sous-préfectures labelled 1, key
    # indicators 3, national targets 2 (one per date judged; the prefectures counted from the list already read),
    # crisis exercises 1
    with django_assert_num_queries(14):
        dashboard = national._build(today)
    assert [target["total"] for target in dashboard.progress] == [len(dashboard.prefectures)] * 2


def test_a_map_without_a_prefecture_is_the_same_drawn_again():
    """The départements without a prefecture are drawn once per process (france_map._drawn_absent): the same."""
    tiles = {"13": {"status": "labelled", "label": "13 Bouches-du-Rhône", "url": "/p/1/", "fill": "#18753c"}}
    first = france_map.render(tiles)
    assert "13 : préfecture non enregistrée" not in first
    assert "13 : préfecture non enregistrée" in france_map.render({})
    assert france_map.render(tiles) == first
