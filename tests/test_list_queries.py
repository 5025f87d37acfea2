"""The query count of the lists that had none pinned (issue 13): each costs the same with a few rows and with many
(no query per row), and the count is exact, each query named in a comment (as healthchecks does).

A first request before counting fills what is read once per process or per client (the API user's memberships kept
on the user object): the counted request is the list's steady cost. A page's request always reads the session and
its user and the user's memberships (navigation, scope); the DSFR's settings are read by the first request only (kept by
the process until they change: qualipref.site_config), one query less than with django-dsfr's context processor.
The catalogues (questionnaires, indicators) start from the rows the migrations load."""

import datetime

import pytest
from django.urls import reverse

from audits.models import Audit, GoodPractice
from indicators.models import Indicator
from surveys.models import Question, Questionnaire
from tests import factories
from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)
from tests.checks import assert_steady

MANY = 25  # the rows added between the two counted requests, all on the first page (pages hold 50)


def _departments(world, count):  # noqa: F811
    factories.DepartmentFactory.create_batch(count)


def _prefectures(world, count):  # noqa: F811
    factories.PrefectureFactory.create_batch(count)


def _action_plans(world, count):  # noqa: F811
    """`count` plans of the world's prefecture, each with an action (the action counts are annotated)."""
    for plan in factories.ActionPlanFactory.create_batch(count, prefecture=world.prefecture):
        factories.ActionFactory(plan=plan)


def _notifications(world, count):  # noqa: F811
    factories.NotificationFactory.create_batch(count, recipient=world.users["agent"])


def _reply_templates(world, count):  # noqa: F811
    factories.ReplyTemplateFactory.create_batch(count, prefecture=world.prefecture)


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


def _indicators(world, count):  # noqa: F811
    model = Indicator.objects.order_by("pk").first()
    for number in range(count):
        model.pk = None
        model.code = f"test_{number}"
        model.save()


def _questionnaires(world, count):  # noqa: F811
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


# Each list: whether it is the API's (read with the API tests' client, as_role) or a page (login), the role that
# reads it, its URL's name, its exact query count, the rows it lists (`rows(world, count)` adds `count` of them) and
# how many of them there are before the first request.
LISTS = [
    # --- API ---------------------------------------------------------------------------------------------------
    # 2 queries: the count of the pagination, the page of departments.
    pytest.param("api", "agent", "api:department-list", 2, _departments, 0, id="api_departments"),
    # 2 queries: the count of the pagination, the page of prefectures with their departments.
    pytest.param("api", "national", "api:prefecture-list", 2, _prefectures, 0, id="api_prefectures"),
    # 2 queries: the count of the pagination, the page of plans with their prefectures and action counts
    # (annotated).
    pytest.param("api", "quality_manager", "api:action-plan-list", 2, _action_plans, 2, id="api_action_plans"),
    # 2 queries: the count of the pagination, the page of practices with their modules and engagements.
    pytest.param("api", "agent", "api:good-practice-list", 2, _good_practices, 2, id="api_good_practices"),
    # 4 queries: the count of the pagination, the page of questionnaires (national, and the user's prefectures'
    # versions), their questions and the questions' options (prefetched).
    pytest.param("api", "agent", "api:questionnaire-list", 4, _questionnaires, 0, id="api_questionnaires"),
    # 3 queries: the count of the pagination, the page of indicators, the engagements that target an
    # indicator (the serializer's context).
    pytest.param("api", "agent", "api:indicator-list", 3, _indicators, 0, id="api_indicators"),
    # --- pages -------------------------------------------------------------------------------------------------
    # 5 queries: session, user, memberships; the count of the pagination (unread ones), the page of notifications.
    pytest.param("page", "agent", "notification_list", 5, _notifications, 2, id="page_notifications"),
    # 6 queries: session, user, memberships; the count of the pagination, the page of plans
    # with their prefectures, labellings and action counts (annotated), the prefectures whose plans the user
    # manages (« Nouveau plan »).
    pytest.param("page", "quality_manager", "action_plan_list", 6, _action_plans, 2, id="page_action_plans"),
    # 7 queries: session, user, memberships; the count of the pagination, the page of
    # practices with their prefectures, sites, modules, engagements and audits, the choices of the module and
    # engagement filters.
    pytest.param("page", "agent", "good_practice_list", 7, _good_practices, 2, id="page_good_practices"),
    # 5 queries: session, user, memberships; the templates with their prefectures (one page),
    # whether the user manages one prefecture's templates (« Nouveau modèle »).
    pytest.param("page", "quality_manager", "reply_template_list", 5, _reply_templates, 2, id="page_reply_templates"),
    # 4 queries: session, user, memberships; the questionnaires the user reads with their
    # prefecture and question counts (joined and annotated, one page).
    pytest.param("page", "quality_manager", "questionnaire_list", 4, _questionnaires, 0, id="page_questionnaires"),
    # 7 queries: session, user, memberships; the active indicators (one page), the engagements
    # that target one, the prefectures and the sites whose boards the user may open (shortcuts).
    pytest.param("page", "agent", "indicator_catalogue", 7, _indicators, 0, id="page_indicator_catalogue"),
]


@pytest.mark.parametrize(("kind", "role", "name", "queries", "rows", "before"), LISTS)
def test_list_cost_is_steady(kind, role, name, queries, rows, before, request, world, django_assert_num_queries):  # noqa: F811
    client = request.getfixturevalue("as_role" if kind == "api" else "login")(role)
    url = reverse(name)
    if before:
        rows(world, before)
    assert_steady(django_assert_num_queries, queries, lambda: client.get(url), lambda: rows(world, MANY))
