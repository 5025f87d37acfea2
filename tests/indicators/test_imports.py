"""Imports of the exports (telephony, queue management, title processing, Qualipref's model): CSV or XLSX, every
row checked first, all or nothing, a report line by line; the same file twice changes nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from indicators.models import Indicator, Measurement
from indicators.services import imports
from indicators.services.batches import BatchRejected
from tests.checks import assert_line_errors
from tests.indicators.factories import PREFECTURE_WIDE, prefecture_wide_indicator

pytestmark = pytest.mark.django_db


def csv_file(rows, name="export.csv", separator=";", encoding="utf-8"):
    text = "\n".join(separator.join(str(cell) for cell in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="export.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


TELEPHONY = ["Site", "Mois", "Appels reçus", "Appels décrochés", "Appels perdus", "Décrochés en moins de 5 sonneries"]


def _import(world, rows, role="quality_manager", format_key="telephony", file=None):
    return imports.import_file(by=world.users[role], file=file or csv_file(rows), format_key=format_key)


def _values():
    return {
        (m.indicator.code, m.site_id, m.period): (m.value, m.numerator, m.denominator, m.source)
        for m in Measurement.objects.select_related("indicator")
    }


def test_a_telephony_export_gives_the_phone_indicators_with_their_counts(world):
    report = _import(
        world,
        [
            TELEPHONY,
            ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", "1030"],
            ["Sous-préfecture d'Istres", "03/2026", "900", "850", "50", ""],
        ],
    )

    assert report.accepted and (report.created, report.updated) == (5, 0)
    values = _values()
    march = datetime.date(2026, 3, 1)
    assert values[("lost_calls_rate", world.site.pk, march)] == (Decimal("8.80"), 110, 1250, "imported")
    assert values[("pickup_rate", world.site.pk, march)] == (Decimal("91.20"), 1140, 1250, "imported")
    assert values[("pickup_within_5_rings", world.site.pk, march)] == (Decimal("90.35"), 1030, 1140, "imported")
    assert ("pickup_within_5_rings", world.sister_site.pk, march) not in values  # not in the export
    history = Measurement.history.filter(indicator__code="lost_calls_rate", site_id=world.site.pk).get()
    assert history.history_user == world.users["quality_manager"]


def test_importing_the_same_file_again_changes_nothing(world):
    rows = [TELEPHONY, ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", "1030"]]
    _import(world, rows)
    stamps = dict(Measurement.objects.values_list("pk", "updated_at"))

    report = _import(world, rows)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert dict(Measurement.objects.values_list("pk", "updated_at")) == stamps


def test_a_corrected_file_updates_the_months_it_holds(world):
    _import(world, [TELEPHONY, ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", ""]])

    report = _import(world, [TELEPHONY, ["Sous-préfecture d'Arles", "2026-03", "1250", "1150", "100", ""]])

    assert (report.created, report.updated) == (0, 2)
    assert Measurement.objects.get(indicator__code="lost_calls_rate").value == Decimal("8.00")


def test_one_wrong_row_rejects_the_whole_file_with_a_report_line_by_line(world):
    rows = [
        TELEPHONY,
        ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", ""],  # fine
        ["Sous-préfecture de Nulle-Part", "2026-03", "100", "90", "10", ""],  # unknown site
        ["Sous-préfecture d'Arles", "2026-02", "100", "90", "150", ""],  # more lost than received
        ["Sous-préfecture d'Arles", "2030-01", "100", "90", "10", ""],  # a month to come
        ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", ""],  # the same month again
        ["Créteil – Préfecture", "2026-03", "100", "90", "10", ""],  # another prefecture's site
    ]

    with pytest.raises(BatchRejected) as rejected:
        _import(world, rows)

    report = rejected.value.report
    assert not report.accepted and not Measurement.objects.exists()
    assert_line_errors(
        report,
        {
            3: "Site « Sous-préfecture de Nulle-Part » inconnu",
            4: "« Appels perdus » (150) dépasse « Appels reçus » (100)",
            5: "Janvier 2030 n'est pas encore commencé",
            6: "en double avec la ligne 2",
            7: "Site « Créteil – Préfecture » inconnu, ou vous ne saisissez pas ses indicateurs",
        },
    )
    assert "5 lignes en erreur : rien n'a été importé" in report.summary()


def test_a_missing_column_refuses_the_file_before_any_row(world):
    with pytest.raises(BatchRejected) as rejected:
        _import(world, [["Site", "Mois", "Appels reçus"], ["Sous-préfecture d'Arles", "2026-03", "10"]])

    assert "Colonne obligatoire absente : « Appels décrochés »" in " ".join(rejected.value.report.errors)


def test_an_xlsx_export_is_read_like_a_csv(world):
    file = xlsx_file([TELEPHONY, ["Sous-préfecture d'Arles", datetime.datetime(2026, 3, 1), 1250, 1140, 110, 1030]])

    report = _import(world, None, file=file)

    assert report.accepted and report.created == 3


def test_a_csv_from_an_old_office_suite_with_commas_is_read(world):
    rows = [TELEPHONY, ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", "1030"]]

    report = _import(world, None, file=csv_file(rows, separator=",", encoding="cp1252"))

    assert report.created == 3


def test_a_title_processing_export_gives_the_delays_weighted_by_the_titles(world):
    rows = [
        ["Site", "Mois", "Titre", "Titres délivrés", "Délai moyen (jours)"],
        ["Sous-préfecture d'Arles", "2026-03", "CNI", "640", "8,5"],
        ["Sous-préfecture d'Arles", "2026-03", "Passeport", "410", "12"],
        ["Sous-préfecture d'Arles", "2026-03", "Permis de conduire", "", "9"],
    ]

    _import(world, rows, format_key="titles")

    values = _values()
    march = datetime.date(2026, 3, 1)
    assert values[("id_card_delay_days", world.site.pk, march)] == (Decimal("8.50"), None, 640, "imported")
    assert values[("driving_licence_delay_days", world.site.pk, march)] == (Decimal("9.00"), None, None, "imported")


def test_an_unknown_title_and_a_negative_delay_are_refused(world):
    rows = [
        ["Site", "Mois", "Titre", "Titres délivrés", "Délai moyen (jours)"],
        ["Sous-préfecture d'Arles", "2026-03", "Carte grise", "10", "8"],
        ["Sous-préfecture d'Arles", "2026-03", "CNI", "10", "-2"],
    ]

    with pytest.raises(BatchRejected) as rejected:
        _import(world, rows, format_key="titles")

    messages = " ".join(" ".join(m) for _, _, _, m in rejected.value.report.by_line())
    assert "Titre « Carte grise » inconnu" in messages and "ne peut pas être négatif" in messages


def test_a_queue_management_summary_gives_visitors_and_waiting(world):
    rows = [
        ["Site", "Mois", "Visiteurs", "Attente moyenne (minutes)"],
        ["Sous-préfecture d'Arles", "2026-03", "4210", "18,5"],
    ]

    _import(world, rows, format_key="queue")

    values = _values()
    march = datetime.date(2026, 3, 1)
    assert values[("counter_waiting_minutes", world.site.pk, march)] == (Decimal("18.50"), None, 4210, "imported")
    assert values[("counter_visitors", world.site.pk, march)][0] == 4210


def test_the_model_file_takes_any_entered_indicator_and_prefecture_wide_ones(world):
    rows = [
        ["Indicateur", "Site", "Préfecture", "Mois", "Valeur", "Numérateur", "Dénominateur", "Commentaire"],
        ["peak_hours_displayed_rate", "Sous-préfecture d'Arles", "", "2026-03", "100", "", "", ""],
        [PREFECTURE_WIDE, "", "13", "2026-03", "45", "", "", "Exercice NOVI"],
        ["lost_calls_rate", str(world.site.pk), "", "2026-02", "", "12", "150", ""],
    ]
    prefecture_wide_indicator()

    report = _import(world, rows, format_key="measurements")

    assert report.created == 3
    crisis = Measurement.objects.get(indicator__code=PREFECTURE_WIDE)
    assert (crisis.site, crisis.prefecture, crisis.value, crisis.note) == (None, world.prefecture, 45, "Exercice NOVI")


def test_an_unknown_indicator_and_a_computed_one_are_refused_in_the_model_file(world):
    rows = [
        ["Indicateur", "Site", "Mois", "Valeur"],
        ["taux_inconnu", "Sous-préfecture d'Arles", "2026-03", "10"],
        ["complaints_in_time", "Sous-préfecture d'Arles", "2026-03", "100"],
    ]

    with pytest.raises(BatchRejected) as rejected:
        _import(world, rows, format_key="measurements")

    messages = " ".join(" ".join(m) for _, _, _, m in rejected.value.report.by_line())
    assert "Indicateur « taux_inconnu » inconnu" in messages
    assert "est calculé par Qualipref" in messages


def test_a_referent_imports_their_own_site_only(world):
    rows = [TELEPHONY, ["Sous-préfecture d'Istres", "2026-03", "100", "90", "10", ""]]

    with pytest.raises(BatchRejected):
        _import(world, rows, role="site_referent")


def test_a_spreadsheet_that_is_not_a_table_is_refused_in_french(world):
    file = SimpleUploadedFile("export.pdf", b"%PDF-1.4 nothing")

    with pytest.raises(BatchRejected) as rejected:
        _import(world, None, file=file)

    assert "Type de fichier non accepté" in " ".join(rejected.value.report.errors)


def test_an_imported_measurement_keeps_its_source_apart_from_entered_ones(world):
    _import(world, [TELEPHONY, ["Sous-préfecture d'Arles", "2026-03", "1250", "1140", "110", ""]])

    assert set(Measurement.objects.values_list("source", flat=True)) == {Indicator.Source.IMPORTED}


@pytest.mark.parametrize("format_key", sorted(imports.FORMATS))
def test_the_model_file_of_each_format_holds_its_columns_and_an_example(client, world, format_key):
    import csv

    from django.urls import reverse

    fmt = imports.FORMATS[format_key]
    client.force_login(world.users["quality_manager"])

    response = client.get(reverse("measurement_import_template", kwargs={"format_key": format_key}))

    assert response["Content-Disposition"] == f'attachment; filename="modele-{format_key}.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == list(fmt.headers) and len(rows) == 1 + len(fmt.example)
