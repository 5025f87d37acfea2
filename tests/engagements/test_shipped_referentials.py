"""The three référentiels shipped in engagements/referentials/ and loaded by the data migration."""

from decimal import Decimal

import pytest

from engagements import importer
from engagements.models import Engagement, Module, Referential

# Every measurable target of docs/domaine.md, § Engagements chiffrés, as (indicator, comparison, threshold, unit).
DOMAIN_TARGETS = [
    ("letters_in_time", "lt", Decimal("15"), "jours ouvrés"),  # courriers < 15 jours ouvrés
    ("emails_in_time", "lt", Decimal("5"), "jours ouvrés"),  # courriels < 5 jours ouvrés
    ("complaints_in_time", "lt", Decimal("15"), "jours ouvrés"),  # réclamations < 15 jours ouvrés
    ("pickup_within_5_rings", "lt", Decimal("5"), "sonneries"),  # standard < 5 sonneries
    ("lost_calls_rate", "lt", Decimal("10"), "%"),  # appels perdus < 10 %
    ("id_card_delay_days", "lt", Decimal("10"), "jours"),  # cartes d'identité < 10 jours
    ("passport_delay_days", "lt", Decimal("15"), "jours"),  # passeports < 15 jours
    ("driving_licence_delay_days", "lt", Decimal("10"), "jours"),  # permis de conduire < 10 jours
    ("crisis_cell_activation_minutes", "lt", Decimal("60"), "minutes"),  # cellule de crise < 1 heure
    ("phone_on_call_coverage_rate", "gte", Decimal("100"), "%"),  # permanence téléphonique 24/7
    ("agents_trained_4y", "gte", Decimal("100"), "%"),  # agents formés depuis moins de 4 ans
    ("satisfaction_surveys_per_year", "gte", Decimal("1"), "enquête par an"),  # enquête au moins annuelle
    ("clu_meetings_per_year", "gte", Decimal("1"), "réunion par an"),  # CLU annuel
    ("peak_hours_displayed_rate", "gte", Decimal("100"), "%"),  # heures d'affluence affichées à jour
]
# Label Marianne covers the general reception only.
MARIANNE_TARGETS = {"letters_in_time", "emails_in_time", "complaints_in_time", "pickup_within_5_rings"} | {
    "lost_calls_rate",
    "satisfaction_surveys_per_year",
    "peak_hours_displayed_rate",
}


def _targets(code):
    return {
        (e.target_indicator, e.target_comparison, e.target_value, e.target_unit)
        for e in Engagement.objects.filter(referential__code=code).exclude(target_indicator="")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["MARIANNE", "QP", "QP2"])
def test_importing_a_shipped_file_after_the_migration_changes_nothing(shipped, code):
    before = list(Engagement.objects.filter(referential__code=code).order_by("pk").values())

    result = importer.import_file(shipped[code])

    assert (result.created, result.updated, result.kept) == (0, 0, [])
    assert result.engagements.unchanged == len(before) > 0
    assert list(Engagement.objects.filter(referential__code=code).order_by("pk").values()) == before


@pytest.mark.parametrize("code", ["MARIANNE", "QP", "QP2"])
def test_the_shipped_files_are_valid(shipped, code):
    parsed = importer.parse(shipped[code].read_text(encoding="utf-8"))

    assert parsed.code == code
    assert all(e.fields["reconstructed"] or e.fields["text"] for e in parsed.engagements())


@pytest.mark.django_db
def test_the_data_migration_loaded_the_three_referentials():
    referentials = {r.code: r for r in Referential.objects.all()}

    assert set(referentials) == {"MARIANNE", "QP", "QP2"}
    assert referentials["MARIANNE"].follow_up_months == 18
    assert referentials["QP"].follow_up_months == 12
    assert referentials["QP2"].follow_up_months == 12
    assert str(referentials["QP2"].published_on) == "2015-02-01"


@pytest.mark.django_db
def test_marianne_has_19_service_and_5_perennisation_engagements_on_general_reception():
    marianne = Referential.objects.get(code="MARIANNE")
    kinds = list(marianne.engagements.values_list("kind", flat=True))

    assert [m.title for m in marianne.modules.all()] == ["Accueil général"]
    assert kinds.count(Engagement.Kind.SERVICE) == 19
    assert kinds.count(Engagement.Kind.PERENNISATION) == 5
    assert marianne.engagements.filter(code="MAR-E01").exists()


@pytest.mark.django_db
def test_qualipref_has_a_mandatory_reception_module_and_six_optional_mission_modules():
    modules = Module.objects.filter(referential__code="QP")

    assert [m.title for m in modules if m.mandatory] == ["Accueil général (guichet, téléphone, Internet)"]
    assert len([m for m in modules if not m.mandatory]) == 6


@pytest.mark.django_db
def test_qualipref_2_has_two_mandatory_bases_and_the_module_numbers_of_the_2015_review():
    modules = {m.number: m for m in Module.objects.filter(referential__code="QP2")}

    assert {m.title for m in modules.values() if m.mandatory} == {
        "Accueil général (guichet, téléphone, Internet)",
        "Socle commun numérique",
    }
    assert len([m for m in modules.values() if not m.mandatory]) == 6
    assert modules[1].code == "QP2-M1" and modules[1].mandatory
    assert modules[4].title == "Relations avec les collectivités territoriales"
    assert modules[7].title == "Communication de crise"
    assert Engagement.objects.get(referential__code="QP2", code="QP2-M1-E04").module == modules[1]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["QP", "QP2"])
def test_every_target_of_the_domain_is_an_engagement_target_of_qualipref(code):
    assert set(DOMAIN_TARGETS) <= _targets(code)


@pytest.mark.django_db
def test_marianne_carries_the_targets_of_general_reception():
    expected = {target for target in DOMAIN_TARGETS if target[0] in MARIANNE_TARGETS}

    assert _targets("MARIANNE") == expected


@pytest.mark.django_db
def test_engagements_not_quoted_from_the_documents_are_marked_reconstructed():
    quoted = Engagement.objects.filter(reconstructed=False)

    assert Engagement.objects.filter(reconstructed=True).count() > 3 * quoted.count()
    assert {e.text for e in quoted} <= {
        "Le standard s'engage à vous répondre en moins de 5 sonneries.",
        "Nous répondons à vos courriers en moins de 15 jours ouvrés.",
        "Nous répondons à vos courriels en moins de 5 jours ouvrés.",
        "Nous nous engageons à répondre à toutes vos réclamations en moins de 15 jours ouvrés.",
        "Nous organisons une permanence téléphonique 7/7j et 24/24h.",
        "En cas d'événement majeur, nous activons en moins d'une heure une cellule de communication de crise "
        "opérationnelle 7/7j et 24/24h.",
        "Dans un souci d'amélioration et d'échange entre les usagers et les services de l'État, des enquêtes de "
        "satisfaction sont réalisées au moins tous les ans.",
        "Un comité local d'usagers (CLU) regroupant diverses associations et représentants, est réuni tous les "
        "ans afin de conduire un véritable dialogue avec les usagers.",
    }


@pytest.mark.django_db
def test_engagement_codes_are_prefixed_by_their_module_code():
    for engagement in Engagement.objects.select_related("module"):
        assert engagement.code.startswith(f"{engagement.module.code}-")
        assert engagement.referential_id == engagement.module.referential_id


@pytest.mark.django_db
def test_a_target_reads_as_french_words():
    engagement = Engagement.objects.get(code="QP2-M1-E13")

    assert engagement.target_label == "inférieur à 5 jours ouvrés"
