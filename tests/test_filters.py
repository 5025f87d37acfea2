"""One FilterSet per list: a page and the API that list the same things filter them with the same class, so that a
parameter means the same in both (the API's names are the contract, docs/api.md; the pages accept them)."""

import datetime

import django_filters
import pytest
from django.urls import reverse

from qualipref.api_urls import router
from tests import factories
from tests.api.conftest import api_client, as_role, world  # noqa: F401 (the API tests' fixtures)

PROJECT_APPS = (
    "accounts",
    "sites",
    "engagements",
    "audits",
    "complaints",
    "surveys",
    "crisis",
    "indicators",
    "qualipref",
)


def _api_filtersets():
    return {viewset.filterset_class for _, viewset, _ in router.registry if getattr(viewset, "filterset_class", None)}


def _project_filtersets():
    found, todo = set(), [django_filters.FilterSet]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.split(".")[0] in PROJECT_APPS:
                found.add(subclass)
    return found


def test_no_filterset_declares_an_api_filterset_again():
    """The drift came from page FilterSets subclassing the API's to change labels, choices and meanings."""
    import qualipref.urls  # noqa: F401 - every page's module, so that every FilterSet is defined

    api = _api_filtersets()
    redeclared = {
        f"{subclass.__module__}.{subclass.__name__}"
        for subclass in _project_filtersets()
        if any(issubclass(subclass, parent) and subclass is not parent for parent in api)
    }

    assert not redeclared


@pytest.mark.parametrize(
    ("page_module", "name", "basename"),
    [
        ("sites.views", "SiteFilter", "site"),
        ("accounts.views", "MembershipFilter", "membership"),
        ("engagements.views.meetings", "MeetingFilter", "meeting"),
        ("engagements.views.meetings", "TrainingFilter", "training"),
        ("engagements.views.actions", "ActionFilter", "action"),
        ("complaints.views", "ComplaintFilter", "complaint"),
        ("complaints.correspondence.views", "CorrespondenceFilter", "correspondence"),
        ("audits.views.audits", "AuditFilter", "audit"),
        ("audits.views.practices", "GoodPracticeFilter", "good-practice"),
        ("crisis.views", "OnCallShiftFilter", "on-call-shift"),
        ("crisis.views", "CrisisEventFilter", "crisis-event"),
        ("crisis.views", "PressReleaseFilter", "press-release"),
    ],
)
def test_the_page_filters_with_the_apis_filterset(page_module, name, basename):
    import importlib

    viewset = next(viewset for _, viewset, base in router.registry if base == basename)

    assert getattr(importlib.import_module(page_module), name) is viewset.filterset_class


@pytest.mark.django_db
def test_a_training_filter_means_the_same_in_the_page_and_the_api(client, as_role, world):  # noqa: F811
    agent = world.users["agent"]
    mine = factories.TrainingFactory(person=agent, site=world.site, trained_on=datetime.date(2024, 5, 12))
    factories.TrainingFactory(site=world.site, trained_on=datetime.date(2024, 6, 1))
    client.force_login(world.users["manager"])
    api = as_role("manager")

    for params in ({"person": agent.username}, {"q": agent.last_name}, {"person": agent.username[:-1]}):
        on_page = {row.pk for row in client.get(reverse("training_list"), params).context["page_obj"].object_list}
        in_api = {row["id"] for row in api.get(reverse("api:training-list"), params).json()["results"]}
        assert on_page == in_api, params
    assert on_page == set()  # ``person`` is the identifiant, exactly, in both
    assert {row.pk for row in client.get(reverse("training_list"), {"person": agent.username}).context["page_obj"]} == {
        mine.pk
    }
