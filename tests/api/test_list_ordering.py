"""Every API list is in a total order: two rows never tie, so a row never moves from one page to the next between
two requests (the database returns tied rows in any order). An unordered list fails the suite anyway
(UnorderedObjectListWarning is an error, pyproject.toml); this test also catches an order that ties."""

import pytest
from rest_framework.pagination import CursorPagination
from rest_framework.test import APIRequestFactory, force_authenticate

from qualipref.api_urls import router

# Orders that end on fields unique together under a constraint, or within what the list filters on.
TOTAL_BY_CONSTRAINT = {
    "auth/tokens": "one token per client of the user (api_token_one_per_client); the list is the user's own",
    "sites": "a prefecture per department, a name per prefecture (site_unique_name_per_prefecture)",
    "modules": "a number per referential (module_unique_number)",
    "engagements": "a number per module (engagement_unique_number), a module number per referential",
    "assessments": "one per audit, engagement and site (assessment_one_per_cell); an audit's engagements are of one"
    " referential, where their codes are unique",
}


def _ordering(viewset, user):
    request = APIRequestFactory().get("/")
    force_authenticate(request, user)
    view = viewset(action="list", action_map={"get": "list"}, args=(), kwargs={}, format_kwarg=None)
    view.request = view.initialize_request(request)
    pagination = view.pagination_class
    if pagination is not None and issubclass(pagination, CursorPagination):
        ordering = getattr(view, "ordering", None) or pagination.ordering
        return [ordering] if isinstance(ordering, str) else list(ordering)
    queryset = view.get_queryset()
    assert queryset.ordered, f"{viewset.__name__} : liste non ordonnée"
    return list(queryset.query.order_by) or list(queryset.model._meta.ordering)


def _ends_on_a_unique_field(model, ordering):
    last = ordering[-1]
    if not isinstance(last, str):
        last = getattr(getattr(last, "expression", None), "name", "")
    last = last.lstrip("-")
    return last == "pk" or any(field.unique and last in (field.name, field.attname) for field in model._meta.fields)


@pytest.mark.parametrize(
    ("prefix", "viewset"), [(prefix, viewset) for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]
)
def test_every_api_list_has_a_total_order(world, prefix, viewset):
    ordering = _ordering(viewset, world.users["national"])
    model = viewset.queryset.model
    assert prefix in TOTAL_BY_CONSTRAINT or _ends_on_a_unique_field(model, ordering), (
        f"/api/{prefix}/ est trié par {ordering}, où deux lignes peuvent être à égalité : finir par pk"
    )
