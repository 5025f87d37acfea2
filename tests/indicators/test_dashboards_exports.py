"""Downloads of the dashboards: every table as CSV (French spreadsheets: « ; », UTF-8 with BOM, decimal comma) and
XLSX (numbers and dates typed), read back; each dashboard as a PDF whose text (pdftotext) holds the same figures,
the traffic lights in words and, for the nation, the map. Same permissions as the pages (tests/permissions); a
fixed number of queries whatever the number of sites or prefectures."""

import csv
import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualipref.lib import table_export
from sites.models import Department
from tests import factories, pdf_pages
from tests.checks import assert_no_more_queries
from tests.indicators.dashboards import dashboard_pdf, national_pdf
from tests.indicators.factories import MeasurementFactory, add_sites_with_figures

pytestmark = pytest.mark.django_db
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent (poppler-utils)")


def _get(client, user, name, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs))


def _export(client, world, role, board, table, fmt):
    """The download of a table (``table``, ``fmt``) of the world's site, prefecture or national ``board`` by the
    world's user of ``role``."""
    board_kwargs = {"site": {"pk": world.site.pk}, "prefecture": {"pk": world.prefecture.pk}, "national": {}}[board]
    return _get(client, world.users[role], f"dashboard_{board}_export", **board_kwargs, table=table, fmt=fmt)


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response):
    assert response["Content-Type"] == table_export.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active.title, [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _filename(response):
    return response["Content-Disposition"].split('filename="', 1)[1].rstrip('"')


def _pdf_text(response, tmp_path):
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "tableau.pdf"
    path.write_bytes(response.getvalue())
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def test_the_indicators_of_a_site_as_csv_with_their_traffic_lights(client, world, today):
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 3, 1), value="8.5")
    response = _export(client, world, "agent", "site", "indicateurs", "csv")
    assert _filename(response) == "tableau-de-bord-sous-prefecture-d-arles-indicateurs-2026-04-15.csv"
    rows = _csv(response)
    assert rows[0] == [
        "Indicateur",
        "Mois de la dernière valeur",
        "Dernière valeur",
        "Unité",
        "Objectif",
        "Feu",
        "Périmé",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Appels perdus"][1:4] == ["2026-03", "8,5", "%"]
    assert by_name["Appels perdus"][5] == "Atteint"
    assert any(row[5] == "Non mesuré" and row[2] == "" for row in rows[1:])


def test_the_indicators_of_a_site_as_xlsx_keep_numbers_as_numbers(client, world, today):
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 3, 1), value="12.5")
    response = _export(client, world, "agent", "site", "indicateurs", "xlsx")
    assert _filename(response).endswith("-indicateurs-2026-04-15.xlsx")
    title, rows = _xlsx(response)
    assert title == "Indicateurs du site"
    lost_calls = next(row for row in rows if row[0] == "Appels perdus")
    assert lost_calls[2] == 12.5 and lost_calls[5] == "Intermédiaire" and lost_calls[6] == "non"


def test_what_is_overdue_on_a_site_as_csv(client, world, today):
    factories.ComplaintFactory(site=world.site)
    factories.ComplaintFactory(site=world.sister_site)
    rows = _csv(_export(client, world, "agent", "site", "retards", "csv"))
    assert rows == [
        ["Élément", "Nombre"],
        ["Réclamations hors délai", "1"],
        ["Courriers et courriels hors délai", "0"],
        ["Actions en retard", "0"],
    ]


def test_the_sites_of_a_prefecture_as_xlsx(client, world, today):
    factories.ComplaintFactory(site=world.site)
    factories.CorrespondenceFactory(site=world.sister_site, kind="email")
    response = _export(client, world, "quality_manager", "prefecture", "sites", "xlsx")
    assert _filename(response) == "tableau-de-bord-bouches-du-rhone-sites-2026-04-15.xlsx"
    title, rows = _xlsx(response)
    assert title == "Sites"  # was « Sites de Préfecture des Bouches »: Excel's 31 characters, cut mid-word
    assert rows == [
        [
            "Site",
            "Réclamations hors délai",
            "Courriers et courriels hors délai",
            "Actions en retard",
            "Total en retard",
        ],
        ["Sous-préfecture d'Arles", 1, 0, 0, 1],
        ["Sous-préfecture d'Istres", 0, 1, 0, 1],
    ]


def test_a_referent_downloads_only_the_sites_they_see(client, world, today):
    rows = _csv(_export(client, world, "site_referent", "prefecture", "sites", "csv"))
    assert [row[0] for row in rows[1:]] == ["Sous-préfecture d'Arles"]


def test_the_prefectures_of_the_nation_as_csv_and_xlsx(client, world, today):
    # follow-up due 27/11/2016; its perimeter: the sous-préfectures of Arles and Istres
    labelling = factories.LabellingFactory(
        prefecture=world.prefecture, granted=True, sites=[world.site, world.sister_site]
    )
    audit = factories.AuditFactory(labelling=labelling, kind="follow_up", delivered=True)
    factories.FindingFactory(audit=audit, category="minor_nonconformity")
    factories.ActionFactory(plan__prefecture=world.foreign_prefecture, overdue=True)
    response = _export(client, world, "national", "national", "prefectures", "csv")
    assert _filename(response) == "tableau-de-bord-national-prefectures-2026-04-15.csv"
    rows = _csv(response)
    assert rows[0][:8] == [
        "Département",
        "Nom du département",
        "Préfecture",
        "Label",
        "Référentiel",
        "Prochain audit de suivi avant le",
        "Audit de suivi en retard",
        "Non-conformités ouvertes",
    ]
    bouches, val_de_marne = rows[1:]
    assert bouches[0:3] == ["13", "Bouches-du-Rhône", "Préfecture des Bouches-du-Rhône"]
    assert bouches[3] == labelling.get_status_display() and bouches[4] == str(labelling.referential)
    assert bouches[5:8] == ["27/11/2016", "oui", "1"]
    assert val_de_marne[3:] == ["Sans cycle de labellisation", "", "", "non", "0", "0", "0", "1", "0"]
    assert rows[0][-1] == "Sous-préfectures labellisées" and bouches[-1] == "2"  # added last: columns keep their place
    _title, sheet = _xlsx(_export(client, world, "national", "national", "prefectures", "xlsx"))
    assert sheet[1][5] == datetime.datetime(2016, 11, 27) and sheet[1][7] == 1


def test_the_national_targets_judged_at_their_dates_as_csv_and_xlsx(client, world, today):
    """Granted on 27/11/2015 with the sous-préfectures of Arles and Istres in its perimeter: not labelled on
    31/12/2014 (Qualipref 2.0 came out in February 2015), labelled on 31/12/2015."""
    labelling = factories.LabellingFactory(
        prefecture=world.prefecture, granted=True, sites=[world.site, world.sister_site]
    )
    factories.LabellingStepFactory(
        labelling=labelling, kind="decision", status="granted", happened_on=labelling.granted_on
    )
    response = _export(client, world, "national", "national", "objectifs", "csv")
    assert _filename(response) == "tableau-de-bord-national-objectifs-2026-04-15.csv"
    rows = _csv(response)
    assert rows[0] == [
        "Objectif (% des préfectures)",
        "Échéance",
        "Situation au",
        "Préfectures labellisées",
        "Préfectures",
        "Part des préfectures (%)",
        "Sous-préfectures labellisées",
        "État",
    ]
    assert rows[1:] == [
        ["50", "31/12/2014", "31/12/2014", "0", "2", "0,0", "0", "Échéance dépassée, objectif non atteint"],
        ["100", "31/12/2015", "31/12/2015", "1", "2", "50,0", "2", "Échéance dépassée, objectif non atteint"],
    ]
    sheet_name, sheet = _xlsx(_export(client, world, "national", "national", "objectifs", "xlsx"))
    assert sheet_name == "Objectifs" and sheet[2][2] == datetime.datetime(2015, 12, 31) and sheet[2][6] == 2


def test_an_unknown_table_is_not_found(client, world, today):
    assert _export(client, world, "quality_manager", "site", "sites", "csv").status_code == 404
    assert _export(client, world, "quality_manager", "prefecture", "x", "csv").status_code == 404


def test_every_table_of_every_dashboard_has_its_download_links(client, world, today):
    html = _get(client, world.users["quality_manager"], "dashboard_prefecture", pk=world.prefecture.pk).content.decode()
    for table in ("indicateurs", "retards", "sites"):
        for fmt in ("csv", "xlsx"):
            url = reverse("dashboard_prefecture_export", kwargs={"pk": world.prefecture.pk, "table": table, "fmt": fmt})
            assert f'href="{url}"' in html
    # each PDF is asked for (POST) and produced by the worker (tests/indicators/test_dashboard_pdf.py)
    assert f'action="{reverse("dashboard_prefecture_pdf", kwargs={"pk": world.prefecture.pk})}"' in html
    assert 'Télécharger CSV<span class="fr-sr-only"> : Sites</span>' in html
    landing = _get(client, world.users["national"], "dashboard").content.decode()
    for table in ("indicateurs", "prefectures", "objectifs"):
        assert f'href="{reverse("dashboard_national_export", kwargs={"table": table, "fmt": "xlsx"})}"' in landing
    assert f'action="{reverse("dashboard_national_pdf")}"' in landing


def test_spreadsheet_formulas_are_neutralised_and_numbers_kept():
    table = table_export.Table("T", [table_export.Column("a"), table_export.Column("b")], [["=1+1", -3], ["@x", None]])
    rows = list(csv.reader(io.StringIO(table_export.to_csv(table).decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["'=1+1", "-3"], ["'@x", ""]]
    assert table_export.sheet_name("Sites: [a/b]") == "Sites a b"


def test_a_long_title_makes_a_sheet_name_cut_between_words():
    assert table_export.sheet_name("Indicateurs clés de la préfecture du Val-de-Marne") == "Indicateurs clés"
    assert (
        table_export.sheet_name("Réclamations de l'année 2026 par site et par mois") == "Réclamations de l'année 2026"
    )
    assert table_export.sheet_name("'Actions'") == "Actions"
    assert table_export.sheet_name("Sites", taken=["sites", "Sites (2)"]) == "Sites (3)"
    long = "Indicateurs nationaux du mois"
    assert table_export.sheet_name(long, taken=[long]) == "Indicateurs nationaux (2)"
    assert len(table_export.sheet_name("x" * 40)) == 31


def test_every_table_export_has_a_short_meaningful_sheet_name(client, world, today):
    """Every table of every dashboard: a sheet name of whole words, at most 31 characters, none that Excel refuses,
    distinct from the other tables' of the same dashboard."""
    downloads = [
        ("agent", "site", ("indicateurs", "retards")),
        ("quality_manager", "prefecture", ("indicateurs", "retards", "sites")),
        ("national", "national", ("indicateurs", "prefectures", "objectifs")),
    ]
    for role, board, slugs in downloads:
        names = []
        for slug in slugs:
            sheet, _rows = _xlsx(_export(client, world, role, board, slug, "xlsx"))
            assert 0 < len(sheet) <= 31 and not set(sheet) & set("[]:*?/\\"), sheet
            assert sheet.split()[-1].lower() not in ("de", "du", "des", "la", "le", "les", "et"), sheet
            names.append(sheet.lower())
        assert len(set(names)) == len(names), names
    # the sheet names of the prefecture's dashboard say what the table is
    sheet, _rows = _xlsx(_export(client, world, "quality_manager", "prefecture", "indicateurs", "xlsx"))
    assert sheet == "Indicateurs de la préfecture"


@needs_pdftotext
def test_the_pdf_of_a_site_has_its_figures_and_traffic_lights_in_words(client, world, today, tmp_path):
    MeasurementFactory(site=world.site, lost_calls=True, period=datetime.date(2026, 3, 1), value=25)
    factories.ComplaintFactory(site=world.site)
    response = dashboard_pdf(client, world.users["agent"], "site", pk=world.site.pk)
    assert _filename(response) == "tableau-de-bord-sous-prefecture-d-arles-2026-04-15.pdf"
    text = _pdf_text(response, tmp_path)
    assert "Tableau de bord – Sous-préfecture d'Arles" in text
    assert "Appels perdus" in text and "25 %" in text and "NON ATTEINT" in text
    assert "1 réclamation hors délai" in text
    assert "Aucun cycle de labellisation en cours." in text


@needs_pdftotext
def test_the_pdf_of_a_prefecture_lists_its_sites(client, world, today, tmp_path):
    factories.ComplaintFactory(site=world.sister_site)
    response = dashboard_pdf(client, world.users["manager"], "prefecture", pk=world.prefecture.pk)
    assert _filename(response) == "tableau-de-bord-bouches-du-rhone-2026-04-15.pdf"
    text = _pdf_text(response, tmp_path)
    assert "Indicateurs clés" in text and "NON MESURÉ" in text
    assert "Sous-préfecture d'Arles 0 0 0" in text and "Sous-préfecture d'Istres 1 0 0" in text, text


@needs_pdftotext
def test_the_national_pdf_has_the_map_and_the_prefectures(client, world, today, tmp_path):
    factories.LabellingFactory(prefecture=world.prefecture, granted=True)
    response = national_pdf(client, world.users["national"])
    assert _filename(response) == "tableau-de-bord-national-2026-04-15.pdf"
    text = _pdf_text(response, tmp_path)
    assert "Carte des labellisations" in text
    assert "Paris et petite couronne" in text and "Autres collectivités d’outre-mer" in text  # the map's own text
    assert "Labellisée, audit de suivi en retard : 1" in text
    assert "27/11/2016 (en retard)" in text and "Préfecture du Val" in text
    assert "Objectifs nationaux : passage à Qualipref 2.0" in text and "Sous-préfectures labellisées" in text
    # the targets' short table follows the key indicators on the first page; the map opens the second
    first, second = pdf_pages.pages((tmp_path / "tableau.pdf").read_bytes(), tmp_path)[:2]
    assert "Indicateurs clés" in first and "Objectifs nationaux : passage à Qualipref 2.0" in first
    assert second[1] == "Carte des labellisations", second[:3]


def test_a_download_costs_the_same_for_1_or_20_sites(client, world, today, django_assert_max_num_queries):
    response = assert_no_more_queries(
        django_assert_max_num_queries,
        lambda: _export(client, world, "quality_manager", "prefecture", "sites", "xlsx"),
        lambda: add_sites_with_figures(world.prefecture, 18),
    )
    assert len(_xlsx(response)[1]) == 21


def test_the_national_download_costs_the_same_for_2_or_30_prefectures(
    client, world, today, django_assert_max_num_queries
):

    def more_prefectures():
        for department in Department.objects.exclude(code__in=["13", "94"])[:28]:
            prefecture = factories.PrefectureFactory(department=department)
            factories.LabellingFactory(prefecture=prefecture, granted=True, sites=[])
            factories.ComplaintFactory(site=factories.SiteFactory(prefecture=prefecture))

    response = assert_no_more_queries(
        django_assert_max_num_queries,
        lambda: _export(client, world, "national", "national", "prefectures", "csv"),
        more_prefectures,
    )
    assert len(_csv(response)) == 31
