"""Référentiel pages: the versions, then a version's modules (mandatory / optional) and engagements."""

import re

import pytest
from django.urls import reverse

from engagements import importer
from engagements.models import Referential
from tests.checks import page_text

pytestmark = pytest.mark.django_db


def _version_2(text):
    return text.replace('version: "1"', 'version: "2"').replace("published_on: 2015-02-01", "published_on: 2016-02-01")


@pytest.fixture
def qp2():
    return Referential.objects.get(code="QP2")


def test_every_signed_in_user_sees_the_referentials_and_their_versions(client, world):
    client.force_login(world.users["agent"])

    response = client.get(reverse("referential_list"))

    assert response.status_code == 200
    names = {referential.name for referential in response.context["referentials"]}
    assert names == {"Label Marianne", "Qualipref", "Qualipref 2.0 numérique"}
    qp2 = next(r for r in response.context["referentials"] if r.code == "QP2")
    assert (qp2.module_count, qp2.mandatory_count) == (8, 2)
    assert qp2.engagement_count == qp2.engagements.count()
    assert "Tous les 12 mois" in page_text(response)


def test_a_new_version_is_listed_next_to_the_older_one(client, world, small, write):
    importer.import_file(write(small))
    importer.import_file(write(_version_2(small), name="v2.yaml"))
    client.force_login(world.users["manager"])

    listed = client.get(reverse("referential_list")).context["referentials"]
    versions = [r.version for r in listed if r.code == "TEST"]
    detail = client.get(
        reverse("referential_detail", kwargs={"pk": Referential.objects.get(code="TEST", version="2").pk})
    )

    assert sorted(versions) == ["1", "2"]
    assert [v.version for v in detail.context["versions"]] == ["2", "1"]
    assert "Versions de ce référentiel" in page_text(detail)


def test_the_referential_page_shows_modules_with_their_badge_and_engagements_with_their_target(client, world, qp2):
    client.force_login(world.users["auditor"])

    response = client.get(reverse("referential_detail", kwargs={"pk": qp2.pk}))
    text = page_text(response)

    assert response.status_code == 200
    assert [m.number for m in response.context["modules"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    accueil = re.search(r'<section id="module-QP2-M1".*?</section>', text).group(0)
    crisis = re.search(r'<section id="module-QP2-M7".*?</section>', text).group(0)
    assert "Obligatoire" in accueil and "Optionnel" not in accueil
    assert "Optionnel" in crisis and "Obligatoire" not in crisis
    row = re.search(r'<tr id="engagement-QP2-M7-E01">.*?</tr>', text).group(0)
    assert "inférieur à 60 minutes" in row
    assert "Engagement de service" in row
    assert "crisis_cell_activation_minutes" in row


def test_reconstructed_texts_are_announced_by_a_notice_and_marked_on_each_engagement(client, world, small, write):
    referential = importer.import_file(write(small)).referential
    client.force_login(world.users["quality_manager"])

    text = page_text(client.get(reverse("referential_detail", kwargs={"pk": referential.pk})))

    notice = re.search(
        r'<div class="fr-notice fr-notice--info[^"]*" id="reconstructed-notice">.*?</div> </div> </div>', text
    )
    assert notice is not None
    assert "Texte reconstitué" in notice.group(0)
    assert "1 engagement sur 3 a un texte rédigé" in notice.group(0)
    reconstructed_row = re.search(r'<tr id="engagement-T-M1-E02">.*?</tr>', text).group(0)
    official_row = re.search(r'<tr id="engagement-T-M1-E01">.*?</tr>', text).group(0)
    assert "Texte reconstitué" in reconstructed_row
    assert "Texte reconstitué" not in official_row
    assert "inférieur à 5 jours ouvrés" in official_row


def test_a_referential_without_reconstructed_text_shows_no_notice(client, world, small, write):
    referential = importer.import_file(write(small.replace("reconstructed: true", "reconstructed: false"))).referential
    client.force_login(world.users["agent"])

    response = client.get(reverse("referential_detail", kwargs={"pk": referential.pk}))

    assert response.context["reconstructed_count"] == 0
    assert "fr-notice" not in response.content.decode().split('id="content"')[1]


def test_an_unknown_referential_is_a_404(client, world):
    client.force_login(world.users["national"])

    assert client.get(reverse("referential_detail", kwargs={"pk": 999_999})).status_code == 404


def test_the_referential_page_costs_the_same_for_3_or_40_engagements(
    client, world, qp2, small, write, django_assert_num_queries
):
    small_referential = importer.import_file(write(small)).referential
    client.force_login(world.users["site_referent"])
    client.get(reverse("referential_detail", kwargs={"pk": small_referential.pk}))
    # session, user, scope, the referential, its modules, their engagements, its versions; the DSFR configuration
    # is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(7):
        small_page = client.get(reverse("referential_detail", kwargs={"pk": small_referential.pk}))
    with django_assert_num_queries(7):
        big_page = client.get(reverse("referential_detail", kwargs={"pk": qp2.pk}))

    assert small_page.context["engagement_count"] == 3
    assert big_page.context["engagement_count"] > 40


def test_the_referential_list_costs_the_same_for_3_or_5_versions(
    client, world, small, write, django_assert_num_queries
):
    client.force_login(world.users["agent"])
    client.get(reverse("referential_list"))
    # session, user, scope, the référentiels with their counts; the DSFR configuration is no longer read (kept by
    # the process: qualipref.site_config)
    with django_assert_num_queries(4):
        client.get(reverse("referential_list"))
    importer.import_file(write(small))
    importer.import_file(write(_version_2(small), name="v2.yaml"))
    with django_assert_num_queries(4):
        response = client.get(reverse("referential_list"))

    assert len(response.context["referentials"]) == 5
