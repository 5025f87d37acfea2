"""A wrong file is refused with the line of each error, in French, and writes nothing."""

import pytest

from engagements import importer
from engagements.models import Engagement, Module, Referential
from tests.checks import assert_no_new_rows


def _errors(text):
    with pytest.raises(importer.ReferentialFileError) as refused:
        importer.parse(text)
    return refused.value.errors


# Each case: a piece of the small référentiel (tests/engagements/conftest.py, whose comments give its line numbers),
# what replaces it, and every error the file is refused with.
WRONG = [
    pytest.param(
        "comparison: lt",
        "comparison: lower",
        ["ligne 15 : comparaison « lower » inconnue (attendu lt, lte, gt, gte)"],
        id="an_unknown_comparison_is_reported_on_its_line",
    ),
    pytest.param(
        "    title: Accueil\n",
        "    title: Accueil : guichet, téléphone: Internet\n",
        ["ligne 9 : YAML mal formé : mapping values are not allowed here"],
        id="malformed_yaml_is_reported_on_its_line",
    ),
    pytest.param(
        "        reconstructed: true\n",
        "        reconstitue: true\n",
        [
            "ligne 18 : clé « reconstitue » inconnue pour l'engagement T-M1-E02 "
            "(attendu : code, title, text, kind, reconstructed, number, target)"
        ],
        id="an_unknown_key_is_reported_with_the_expected_ones",
    ),
    pytest.param(
        "        title: Cellule de crise\n",
        "",
        ["ligne 23 : clé obligatoire « title » manquante pour l'engagement T-M2-E01"],
        id="a_missing_required_key_is_reported_on_its_mapping",
    ),
    pytest.param(
        "code: T-M1-E02",
        "code: T-M1-E01",
        ["ligne 16 : code d'engagement « T-M1-E01 » en double (déjà utilisé ligne 12)"],
        id="a_duplicate_engagement_code_names_both_lines",
    ),
    pytest.param(
        "code: T-M2-E01",
        "code: T-M1-E03",
        ["ligne 23 : le code « T-M1-E03 » ne commence pas par le code de son module « T-M2- »"],
        id="an_engagement_code_must_start_with_its_module_code",
    ),
    pytest.param(
        "comparison: lt, value: 5, ",
        "",
        [
            "ligne 15 : clé obligatoire « comparison » manquante pour la cible de T-M1-E01",
            "ligne 15 : clé obligatoire « value » manquante pour la cible de T-M1-E01",
        ],
        id="an_incomplete_target_is_refused",
    ),
    pytest.param(
        "        title: Cellule de crise\n",
        "        title: Cellule de crise\n        title: Cellule\n",
        ["ligne 25 : clé « title » en double"],
        id="a_key_written_twice_is_refused",
    ),
    pytest.param(
        'version: "1"',
        "version: 2.10",
        ['ligne 3 : « version » doit être écrite entre guillemets ("2.1")'],
        id="a_version_written_as_a_number_must_be_quoted",
    ),
]


@pytest.mark.parametrize(("piece", "replacement", "errors"), WRONG)
def test_a_wrong_file_is_refused_with_the_line_of_each_error(small, piece, replacement, errors):
    assert _errors(small.replace(piece, replacement)) == errors


def test_an_unclosed_bracket_names_the_line_where_it_was_opened(small):
    text = small.replace("        title: Accueil courtois\n", "        title: [Accueil courtois\n")

    (error,) = _errors(text)
    assert error.startswith("ligne 18 : YAML mal formé : ")
    assert error.endswith("(while parsing a flow sequence, ligne 17)")


@pytest.mark.parametrize("value", ["0", "-18", "douze", "1.5"])
def test_the_follow_up_interval_must_be_a_positive_number_of_months(small, value):
    text = small.replace("follow_up_months: 12", f"follow_up_months: {value}")

    (error,) = _errors(text)
    assert error.startswith("ligne 5 : « follow_up_months » doit être un entier positif")


def test_several_errors_are_all_reported_in_line_order(small):
    text = small.replace("published_on: 2015-02-01", "published_on: février 2015").replace("kind: service", "kind: x")

    assert _errors(text) == [
        "ligne 4 : « published_on » doit être une date AAAA-MM-JJ (reçu : 'février 2015')",
        "ligne 25 : nature « x » inconnue (attendu service, perennisation)",
    ]


@pytest.mark.parametrize("text", ["", "   \n", "- une liste\n", "code: TEST\n"])
def test_an_empty_or_shapeless_file_is_refused(text):
    assert _errors(text)[0].startswith("ligne 1 : ")


@pytest.mark.django_db
def test_a_refused_file_writes_nothing(small, write):
    path = write(small.replace("code: T-M2-E01", "code: T-M1-E01"))

    def refused():
        with pytest.raises(importer.ReferentialFileError):
            importer.import_file(path)

    assert_no_new_rows(refused, Referential.objects, Module.objects, Engagement.objects)


def test_a_missing_file_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(importer.ReferentialFileError, match="fichier introuvable"):
        importer.import_file(tmp_path / "absent.yaml")
