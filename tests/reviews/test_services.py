"""The review's services: who writes, which years, a published review no longer changes; the list page's queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from reviews import services
from reviews.models import NARRATIVE_MAX_LENGTH, YearlyReview
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefecture():
    return factories.PrefectureFactory()


@pytest.fixture
def quality(prefecture):
    return factories.MembershipFactory(prefecture=prefecture).user


def test_a_manager_reads_the_review_but_may_not_draft_or_publish_it(prefecture, quality):
    manager = factories.MembershipFactory(prefecture=prefecture, role=Role.MANAGER).user
    with pytest.raises(PermissionDenied):
        services.review_create(by=manager, prefecture=prefecture, year=2015)
    review = services.review_create(by=quality, prefecture=prefecture, year=2015)
    assert list(YearlyReview.objects.for_user(manager)) == [review]
    with pytest.raises(PermissionDenied):
        services.review_publish(by=manager, review=review)
    other = factories.MembershipFactory(prefecture=factories.PrefectureFactory(department__code="94")).user
    assert not YearlyReview.objects.for_user(other).exists()


def test_a_year_is_reviewed_once_between_2008_and_this_year(prefecture, quality):
    services.review_create(by=quality, prefecture=prefecture, year=2015)
    with pytest.raises(ValidationError, match="existe déjà"):
        services.review_create(by=quality, prefecture=prefecture, year=2015)
    with pytest.raises(ValidationError, match="L'année d'un bilan va de 2008"):
        services.review_create(by=quality, prefecture=prefecture, year=timezone.localdate().year + 1)


def test_this_years_review_is_published_once_the_year_is_over(prefecture, quality):
    review = services.review_create(by=quality, prefecture=prefecture, year=timezone.localdate().year)
    with pytest.raises(ValidationError, match="une fois l'année finie"):
        services.review_publish(by=quality, review=review)


def test_a_published_review_keeps_its_text_and_its_history_says_who(prefecture, quality):
    review = services.review_create(by=quality, prefecture=prefecture, year=2015)
    with pytest.raises(ValidationError) as refused:
        services.review_update(by=quality, review=review, outlook_text="x" * (NARRATIVE_MAX_LENGTH + 1))
    assert "outlook_text" in refused.value.message_dict
    with pytest.raises(ValidationError, match="Champs non modifiables"):
        services.review_update(by=quality, review=review, status="published")
    services.review_update(by=quality, review=review, outlook_text="  COPILS mensuels.  ")
    published = services.review_publish(by=quality, review=review)
    assert published.outlook_text == "COPILS mensuels." and published.published_by == quality
    assert published.pdfs.get().status == "pending"  # handed to the worker through the outbox
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.review_update(by=quality, review=review, outlook_text="Autre chose.")
    assert [row.history_change_reason for row in published.history.order_by("history_id")] == [
        "Bilan rédigé",
        "Texte modifié",
        "Bilan publié",
    ]


def test_the_list_page_costs_the_same_queries_for_one_review_or_ten(
    client, prefecture, quality, django_assert_num_queries
):
    client.force_login(quality)
    YearlyReview.objects.create(prefecture=prefecture, year=2015)
    client.get("/bilans/")  # warm: session, content types, the DSFR configuration
    # session, user, memberships (scope), whether the user writes a review, the reviews with their prefectures; the
    # DSFR configuration of the layout is no longer read (kept by the process: qualipref.site_config)
    with django_assert_num_queries(5):
        assert client.get("/bilans/").status_code == 200
    YearlyReview.objects.bulk_create([YearlyReview(prefecture=prefecture, year=year) for year in range(2016, 2025)])
    with django_assert_num_queries(5):
        page = client.get("/bilans/")
    assert page.content.decode().count("Brouillon") == 10
