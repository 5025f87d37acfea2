"""The query count of the lists that had none pinned (issue 13): each costs the same with a few rows and with many
(no query per row), and the count is exact, each query named in a comment (as healthchecks does).

A first request before counting fills what is read once per process or per client (the API user's memberships kept
on the user object): the counted request is the list's steady cost. A page's request always reads the session and
its user, the user's memberships (navigation, scope) and the DSFR's settings (dsfr.context_processors.site_config).
The catalogues (questionnaires, indicators) start from the rows the migrations load."""

import datetime

import pytest
from django.urls import reverse

from audits.models import Audit, GoodPractice
from indicators.models import Indicator
from surveys.models import Question, Questionnaire
from tests import factories
from tests.api.conftest import api_client, as_role, world  # noqa: F401 (the API tests' fixtures)

MANY = 25


@pytest.fixture
def page_as(client, world):  # noqa: F811 (the imported fixture)
    def log_in(role):
        client.force_login(world.users[role])
        return client

    return log_in


def assert_steady(django_assert_num_queries, expected, get, add_rows):
    """`get()` costs exactly `expected` queries, before and after `add_rows()` (MANY more rows, all on the first
    page: pages hold 50)."""
    assert get().status_code == 200
    with django_assert_num_queries(expected):
        assert get().status_code == 200
    add_rows()
    with django_assert_num_queries(expected):
        response = get()
    assert response.status_code == 200
    return response


def _good_practices(world, count):  # noqa: F811
    audit = Audit.objects.filter(prefecture=world.prefecture).first()  # one labelling per prefecture
    if audit is None:
        labelling = factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site], audited=True)
        audit = factories.AuditFactory(labelling=labelling)
    for finding in factories.FindingFactory.create_batch(count, audit=audit):
        GoodPractice.objects.create(
            finding=finding,
            prefecture=world.prefecture,
            site=finding.site,
            module=finding.engagement.module if finding.engagement else None,
            engagement=finding.engagement,
            title=f"Bonne pratique {finding.pk}",
            text=finding.text,
            published_by=world.users["national"],
            published_on=datetime.date(2026, 3, 2),
        )


def _indicators(count):
    model = Indicator.objects.order_by("pk").first()
    for number in range(count):
        model.pk = None
        model.code = f"test_{number}"
        model.save()


def _questionnaires(count):
    for number in range(count):
        questionnaire = Questionnaire.objects.create(
            code=f"test{number}",
            version="1",
            audience=Questionnaire.Audience.choices[0][0],
            title=f"Questionnaire {number}",
            published_on=datetime.date(2026, 1, 1),
        )
        Question.objects.bulk_create(
            Question(questionnaire=questionnaire, code=f"q{position}", position=position, label="Q", text="Q ?")
            for position in range(1, 4)
        )


# --- API -------------------------------------------------------------------------------------------------------


def test_api_departments(as_role, world, django_assert_num_queries):  # noqa: F811
    client = as_role("agent")
    url = reverse("api:department-list")
    # 2 queries: the count of the pagination, the page of departments.
    assert_steady(
        django_assert_num_queries,
        2,
        lambda: client.get(url),
        lambda: factories.DepartmentFactory.create_batch(MANY),
    )


def test_api_prefectures(as_role, world, django_assert_num_queries):  # noqa: F811
    client = as_role("national")
    url = reverse("api:prefecture-list")
    # 2 queries: the count of the pagination, the page of prefectures with their departments.
    assert_steady(
        django_assert_num_queries,
        2,
        lambda: client.get(url),
        lambda: factories.PrefectureFactory.create_batch(MANY),
    )


def test_api_action_plans(as_role, world, django_assert_num_queries):  # noqa: F811
    client = as_role("quality_manager")
    url = reverse("api:action-plan-list")
    factories.ActionPlanFactory.create_batch(2, prefecture=world.prefecture)

    def more():
        for plan in factories.ActionPlanFactory.create_batch(MANY, prefecture=world.prefecture):
            factories.ActionFactory(plan=plan)

    # 2 queries: the count of the pagination, the page of plans with their prefectures and action counts
    # (annotated).
    assert_steady(django_assert_num_queries, 2, lambda: client.get(url), more)


def test_api_good_practices(as_role, world, django_assert_num_queries):  # noqa: F811
    client = as_role("agent")
    url = reverse("api:good-practice-list")
    _good_practices(world, 2)
    # 2 queries: the count of the pagination, the page of practices with their modules and engagements.
    assert_steady(django_assert_num_queries, 2, lambda: client.get(url), lambda: _good_practices(world, MANY))


def test_api_questionnaires(as_role, world, django_assert_num_queries):  # noqa: F811
    client = as_role("agent")
    url = reverse("api:questionnaire-list")
    # 3 queries: the count of the pagination, the page of questionnaires, their questions (prefetched).
    assert_steady(django_assert_num_queries, 3, lambda: client.get(url), lambda: _questionnaires(MANY))


def test_api_indicators(as_role, world, django_assert_num_queries):  # noqa: F811
    client = as_role("agent")
    url = reverse("api:indicator-list")
    # 3 queries: the count of the pagination, the page of indicators, the engagements that target an
    # indicator (the serializer's context).
    assert_steady(django_assert_num_queries, 3, lambda: client.get(url), lambda: _indicators(MANY))


# --- pages -----------------------------------------------------------------------------------------------------


def test_page_notifications(page_as, world, django_assert_num_queries):  # noqa: F811
    client = page_as("agent")
    url = reverse("notification_list")
    factories.NotificationFactory.create_batch(2, recipient=world.users["agent"])
    # 6 queries: session, user, memberships, DSFR settings; the count of the pagination (unread ones), the
    # page of notifications.
    assert_steady(
        django_assert_num_queries,
        6,
        lambda: client.get(url),
        lambda: factories.NotificationFactory.create_batch(MANY, recipient=world.users["agent"]),
    )


def test_page_action_plans(page_as, world, django_assert_num_queries):  # noqa: F811
    client = page_as("quality_manager")
    url = reverse("action_plan_list")
    factories.ActionPlanFactory.create_batch(2, prefecture=world.prefecture)

    def more():
        for plan in factories.ActionPlanFactory.create_batch(MANY, prefecture=world.prefecture):
            factories.ActionFactory(plan=plan)

    # 7 queries: session, user, memberships, DSFR settings; the count of the pagination, the page of plans
    # with their prefectures, labellings and action counts (annotated), the prefectures whose plans the user
    # manages (« Nouveau plan »).
    assert_steady(django_assert_num_queries, 7, lambda: client.get(url), more)


def test_page_good_practices(page_as, world, django_assert_num_queries):  # noqa: F811
    client = page_as("agent")
    url = reverse("good_practice_list")
    _good_practices(world, 2)
    # 8 queries: session, user, memberships, DSFR settings; the count of the pagination, the page of
    # practices with their prefectures, sites, modules, engagements and audits, the choices of the module and
    # engagement filters.
    assert_steady(django_assert_num_queries, 8, lambda: client.get(url), lambda: _good_practices(world, MANY))


def test_page_reply_templates(page_as, world, django_assert_num_queries):  # noqa: F811
    client = page_as("quality_manager")
    url = reverse("reply_template_list")
    factories.ReplyTemplateFactory.create_batch(2, prefecture=world.prefecture)
    # 6 queries: session, user, memberships, DSFR settings; the templates with their prefectures (one page),
    # whether the user manages one prefecture's templates (« Nouveau modèle »).
    assert_steady(
        django_assert_num_queries,
        6,
        lambda: client.get(url),
        lambda: factories.ReplyTemplateFactory.create_batch(MANY, prefecture=world.prefecture),
    )


def test_page_questionnaires(page_as, world, django_assert_num_queries):  # noqa: F811
    client = page_as("quality_manager")
    url = reverse("questionnaire_list")
    # 5 queries: session, user, memberships, DSFR settings; the questionnaires with their question counts
    # (annotated, one page).
    assert_steady(django_assert_num_queries, 5, lambda: client.get(url), lambda: _questionnaires(MANY))


def test_page_indicator_catalogue(page_as, world, django_assert_num_queries):  # noqa: F811
    client = page_as("agent")
    url = reverse("indicator_catalogue")
    # 8 queries: session, user, memberships, DSFR settings; the active indicators (one page), the engagements
    # that target one, the prefectures and the sites whose boards the user may open (shortcuts).
    assert_steady(django_assert_num_queries, 8, lambda: client.get(url), lambda: _indicators(MANY))
