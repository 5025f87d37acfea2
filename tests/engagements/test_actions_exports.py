"""CSV and XLSX exports of the filtered action list: every filtered row (not only the page), French dates and
headers, streamed CSV, a workbook that opens with openpyxl, nothing outside the user's scope."""

import csv
import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.permissions.actions import action_objects


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_export_streams_the_filtered_rows_with_french_dates(client, world):
    objects = action_objects(world)
    overdue = factories.ActionFactory(
        plan=objects.plan, site=world.site, overdue=True, title='=HYPERLIEN("x")', owner=world.users["agent"]
    )
    client.force_login(world.users["site_referent"])

    response = client.get(reverse("action_export_csv"), {"overdue": "true"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="actions-' in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header[:3] == ["N°", "Intitulé", "Préfecture"]
    assert [row[0] for row in rows] == [str(overdue.pk)]
    row = dict(zip(header, rows[0], strict=True))
    assert row["Intitulé"] == '\'=HYPERLIEN("x")'  # not run as a formula by a spreadsheet
    assert row["Échéance"] == "31/03/2016"
    assert row["Statut"] == "En cours"
    assert row["En retard"] == "oui"
    assert row["Pilote"] == world.users["agent"].get_full_name()


def test_the_csv_export_holds_every_filtered_row_not_only_the_first_page(client, world):
    objects = action_objects(world)
    for index in range(60):
        factories.ActionFactory(plan=objects.plan, site=world.site, title=f"Action {index}")
    client.force_login(world.users["quality_manager"])

    rows = _csv_rows(client.get(reverse("action_export_csv"), {"site": world.site.pk}))

    assert len(rows) - 1 == 63  # the 60, own, owned and old


def test_the_xlsx_export_opens_with_openpyxl_and_holds_the_filtered_rows(client, world):
    objects = action_objects(world)
    factories.ActionFactory(plan=objects.plan, site=world.site, overdue=True, title="Second gestionnaire de file")
    client.force_login(world.users["quality_manager"])

    response = client.get(reverse("action_export_xlsx"), {"overdue": "true"})

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Actions"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[1] == "Intitulé"
    assert [row[1] for row in rows[1:]] == ["Second gestionnaire de file"]
    due = rows[1][header.index("Échéance")]
    assert due.date() == datetime.date(2016, 3, 31)
    assert sheet.cell(row=2, column=header.index("Échéance") + 1).number_format == "DD/MM/YYYY"


def test_an_export_holds_nothing_outside_the_users_scope(client, world):
    objects = action_objects(world)
    client.force_login(world.users["site_referent"])

    rows = _csv_rows(client.get(reverse("action_export_csv")))

    assert {row[1] for row in rows[1:]} == {
        objects.own.title,
        objects.owned.title,
        objects.shared.title,
        objects.old.title,
    }


def test_exporting_costs_the_same_number_of_queries_for_1_or_many_rows(client, world, django_assert_max_num_queries):
    objects = action_objects(world)
    client.force_login(world.users["quality_manager"])
    url = reverse("action_export_xlsx")
    client.get(url, {"site": world.sister_site.pk})
    with django_assert_max_num_queries(20) as one:
        client.get(url, {"site": world.sister_site.pk})
    for _ in range(40):
        factories.ActionFactory(plan=objects.plan, site=world.sister_site, owner=world.users["quality_manager"])
    with django_assert_max_num_queries(20) as many:
        client.get(url, {"site": world.sister_site.pk})
    assert len(many.captured_queries) == len(one.captured_queries)
