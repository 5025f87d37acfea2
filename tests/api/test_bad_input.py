"""Bad input gets a 4xx with a French message, never a 500 (the cases schemathesis found, one test each)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint, Correspondence
from sites.models import Prefecture
from tests import factories
from tests.surveys.factories import CampaignFactory


@pytest.mark.parametrize("resource", ["complaint", "audit", "correspondence", "meeting", "survey"])
@pytest.mark.parametrize("year", ["0", "99999999999999999999", "1822564252435076.0", "-5"])
def test_an_impossible_year_filter_is_a_400_in_french(as_role, world, resource, year):
    response = as_role("national").get(reverse(f"api:{resource}-list"), {"year": year})

    assert response.status_code == 400
    assert "Année invalide" in response.json()["year"][0] or "année" in response.json()["year"][0].lower()


def test_a_plausible_year_still_filters(as_role, world):
    factories.ComplaintFactory(site=world.site, received_on=datetime.date(2025, 3, 2))

    response = as_role("national").get(reverse("api:complaint-list"), {"year": "2025"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_results_of_a_survey_named_by_a_word_are_a_404(as_role, world):
    response = as_role("national").get("/api/v1/surveys/abc/results/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_moving_a_prefecture_to_a_department_that_has_one_is_a_400(as_role, world):
    response = as_role("national").patch(
        reverse("api:prefecture-detail", kwargs={"pk": world.prefecture.pk}), {"department": "94"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["department"] == ["Ce département a déjà une préfecture."]
    assert Prefecture.objects.get(pk=world.prefecture.pk).department_id == "13"


@pytest.mark.parametrize("value", [1099511627776, 2**63, -(2**40)])
def test_an_integer_beyond_its_column_is_a_400(as_role, world, value):
    campaign = CampaignFactory(prefecture=world.prefecture, sites=[world.site])

    response = as_role("quality_manager").patch(
        reverse("api:survey-detail", kwargs={"pk": campaign.pk}), {"target_responses": value}, format="json"
    )

    assert response.status_code == 400
    assert "target_responses" in response.json()
    campaign.refresh_from_db()
    assert campaign.target_responses != value


def test_marking_notifications_with_huge_ids_is_a_400(as_role, world):
    response = as_role("agent").post(
        reverse("api:notification-read-all"), {"ids": [1, -63463246897662350327808]}, format="json"
    )

    assert response.status_code == 400
    assert "ids" in response.json()


@pytest.mark.parametrize("received_on", ["0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_complaint_received_in_an_implausible_year_is_refused(as_role, world, received_on):
    response = as_role("agent").post(
        reverse("api:complaint-list"),
        {"site": world.site.pk, "channel": "letter", "received_on": received_on, "description": "Courrier."},
        format="json",
    )

    assert response.status_code == 400
    assert "01/01/1900" in response.json()["received_on"][0]
    assert not Complaint.objects.exists()


def test_the_date_rule_holds_in_page_forms_too():
    from django import forms

    class Form(forms.Form):
        on = forms.DateField()

    form = Form({"on": "0068-06-23"})

    assert not form.is_valid()
    assert "01/01/1900" in form.errors["on"][0]


def test_a_nul_byte_deep_in_a_csv_names_its_line(as_role, world):
    # Deep: beyond the first 8 Ko, where the upload check looks for binary content.
    lines = ["site;type;référence;reçu le"] + [
        f"{world.site.name};courrier;C-{index};02/03/2026" for index in range(900)
    ]
    lines[800] = f"{world.site.name};courrier;C-\x00;02/03/2026"
    upload = SimpleUploadedFile("courriers.csv", ("\n".join(lines) + "\n").encode())

    response = as_role("quality_manager").post(
        reverse("api:correspondence-import"), {"file": upload}, format="multipart"
    )

    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert errors[0]["line"] == 801, errors[:3]
    assert "caractère nul" in errors[0]["message"]
    assert not Correspondence.objects.exists()


def test_a_body_above_the_stated_size_is_a_413_before_being_read(as_role, world, settings):
    settings.REQUEST_MAX_BYTES = 1024
    body = io.BytesIO(b"x" * 4096)

    response = as_role("quality_manager").post(
        reverse("api:measurement-import"),
        {"format": "queue", "file": SimpleUploadedFile("big.csv", body.getvalue())},
        format="multipart",
    )
    page = as_role("quality_manager").post("/indicateurs/", data=b"x" * 4096, content_type="text/plain")

    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.json()["detail"]
    assert page.status_code == 413
    assert "Requête trop volumineuse" in page.content.decode()


def test_fields_over_djangos_limit_are_a_413_in_french_for_the_api(as_role, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = as_role("national").post(
        reverse("api:action-plan-list"), {"title": "x" * 4096, "prefecture": world.prefecture.pk}, format="json"
    )

    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.json()["detail"]
