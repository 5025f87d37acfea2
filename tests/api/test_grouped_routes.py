"""The API's routes are grouped by resource (qualipref.lib.drf.grouped_routes, issue 14): a request is matched against
the resources' prefixes, then its resource's patterns; every pattern of the router is still there, with its name, its
view and its regex, and the same paths resolve to the same views."""

import pytest
from django.urls import URLResolver, resolve, reverse

from qualipref.api_urls import router
from qualipref.lib.drf import grouped_routes


def _flattened(routes):
    for route in routes:
        if isinstance(route, URLResolver):
            for pattern in route.url_patterns:
                yield route.pattern.regex.pattern + pattern.pattern.regex.pattern, pattern
        else:
            yield route.pattern.regex.pattern, route


def test_every_pattern_of_the_router_is_kept_with_its_regex_name_and_view():
    flat = [(p.pattern.regex.pattern, p.name, p.callback) for p in router.urls]
    grouped = [(regex, p.name, p.callback) for regex, p in _flattened(grouped_routes(router))]
    assert sorted(grouped, key=repr) == sorted(flat, key=repr)
    # Each resource's patterns keep their order.
    assert [g for g in grouped if g[0].startswith("^actions/")] == [f for f in flat if f[0].startswith("^actions/")]


def test_the_routes_are_a_group_per_resource():
    routes = grouped_routes(router)
    assert len(routes) < len(router.urls) / 2
    assert sum(isinstance(route, URLResolver) for route in routes) == len(router.registry)


@pytest.mark.parametrize(
    ("path", "name", "kwargs"),
    [
        ("/api/v1/", "api-root", {}),
        ("/api/v1/departments/", "department-list", {}),
        ("/api/v1/departments.json", "department-list", {"format": "json"}),
        ("/api/v1/departments/13/", "department-detail", {"code": "13"}),
        ("/api/v1/departments/13.json", "department-detail", {"code": "13", "format": "json"}),
        ("/api/v1/documents/4/", "document-detail", {"pk": "4"}),
        ("/api/v1/document-versions/4/", "document-version-detail", {"pk": "4"}),
        ("/api/v1/notifications/read-all/", "notification-read-all", {}),
        ("/api/v1/auth/tokens/", "api-token-list", {}),
        ("/api/v1/actions/bulk-status/", "action-bulk-status", {}),
    ],
)
def test_a_path_resolves_to_its_view_and_back(path, name, kwargs):
    match = resolve(path)
    assert (match.url_name, match.kwargs) == (name, kwargs)
    assert reverse(f"api:{name}", kwargs=kwargs) == path
