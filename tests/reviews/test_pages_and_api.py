"""The review's pages and API on the demo: a draft written section by section, a refused text kept as typed, a
read-only manager who reads, publication through the API."""

import pytest

from accounts.models import User
from reviews.models import NARRATIVE_MAX_LENGTH, ReviewPdf, YearlyReview
from sites.models import Prefecture

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefecture(demo_data, db):
    return Prefecture.objects.get(department_id="13")


def test_the_quality_manager_drafts_the_2015_review_and_writes_a_section(client, prefecture):
    client.force_login(User.objects.get(username="qualite13"))
    response = client.post("/bilans/rediger/", {"prefecture": prefecture.pk, "year": 2015})
    review = YearlyReview.objects.get(prefecture=prefecture, year=2015)
    assert response.status_code == 302 and response["Location"] == f"/bilans/{review.pk}/"
    page = client.get(f"/bilans/{review.pk}/")
    assert page.status_code == 200
    assert "20 points forts, 6 pistes de progrès, 3 points sensibles" not in page.content.decode()  # table, not lines
    assert "Sur ces 46 réclamations et suggestions, 100 %" in page.content.decode()
    saved = client.post(f"/bilans/{review.pk}/texte/pilotage/", {"pilotage-text": "Nouveau référentiel en février."})
    assert saved.status_code == 302 and saved["Location"].endswith("#partie-pilotage")
    review.refresh_from_db()
    assert review.pilotage_text == "Nouveau référentiel en février."
    too_long = "x" * (NARRATIVE_MAX_LENGTH + 1)
    refused = client.post(f"/bilans/{review.pk}/texte/outlook/", {"outlook-text": too_long})
    assert refused.status_code == 400
    assert too_long in refused.content.decode()  # what was typed comes back with its error
    again = client.post("/bilans/rediger/", {"prefecture": prefecture.pk, "year": 2015})
    assert "Le bilan 2015 de cette préfecture existe déjà." in again.content.decode()


def test_a_manager_reads_but_does_not_write(client, prefecture):
    review = YearlyReview.objects.create(prefecture=prefecture, year=2015)
    client.force_login(User.objects.get(username="direction13"))
    page = client.get(f"/bilans/{review.pk}/")
    assert page.status_code == 200 and "Enregistrer le texte" not in page.content.decode()
    assert client.post(f"/bilans/{review.pk}/publier/").status_code == 403


def test_the_api_publishes_and_reports_the_production(client, prefecture):
    client.force_login(User.objects.get(username="qualite13"))
    created = client.post(
        "/api/v1/reviews/", {"prefecture": prefecture.pk, "year": 2015}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    detail = client.get(f"/api/v1/reviews/{pk}/").json()
    assert detail["figures"]["evaluation"]["complaints_total"]["total"] == 46
    patched = client.patch(
        f"/api/v1/reviews/{pk}/",
        {"outlook_text": "Mi-2017 : audit de renouvellement."},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["outlook_text"] == "Mi-2017 : audit de renouvellement."
    published = client.post(f"/api/v1/reviews/{pk}/publish/").json()
    assert published["status"] == "published" and published["pdf"]["status"] == "pending"
    assert published["pdf"]["pdf_url"] is None
    assert ReviewPdf.objects.filter(review_id=pk).count() == 1
    refused = client.patch(f"/api/v1/reviews/{pk}/", {"outlook_text": "Trop tard."}, content_type="application/json")
    assert refused.status_code == 400 and "Un bilan publié ne se modifie plus." in str(refused.json())


def test_the_review_page_costs_a_fixed_number_of_queries(client, prefecture, django_assert_num_queries):
    review = YearlyReview.objects.create(prefecture=prefecture, year=2015)
    client.force_login(User.objects.get(username="qualite13"))
    client.get(f"/bilans/{review.pk}/")  # warm: session, content types, the DSFR configuration
    # session, user, memberships (scope), the review with its prefecture, the 28 queries of the figures
    # (tests/reviews/test_review_2015.py); a draft has no PDF to read; the DSFR configuration is no longer read
    # (kept by the process: qualipref.site_config)
    with django_assert_num_queries(32):
        assert client.get(f"/bilans/{review.pk}/").status_code == 200
