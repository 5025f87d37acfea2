# ruff: noqa: F811 (the API tests' fixtures, imported, are the arguments of the tests)
"""The client's address behind the TLS proxy (qualipref.lib.client_ip, TRUSTED_PROXY_COUNT): the login lock-out and
the public forms' rate limits count each client apart behind a trusted proxy, and a forged X-Forwarded-For changes
nothing when no proxy is trusted."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from qualipref.lib.client_ip import client_ip
from tests import factories
from tests.api.conftest import api_client, world  # noqa: F401 (the API tests' fixtures)

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.7", PROXY),  # nobody trusted: the header is never read
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.66, 203.0.113.7", "203.0.113.7"),  # the client's own entry is left of the proxy's
        (1, "10.8.0.3", "10.8.0.3"),  # an intranet client keeps its private address
        (1, None, PROXY),  # a request that did not come through the proxy
        (1, "n'importe quoi", PROXY),
        (2, "198.51.100.66, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "10.0.0.2", PROXY),  # fewer hops than trusted proxies: the direct peer
    ],
)
def test_the_client_is_the_address_the_first_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}

    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)) == expected


def _fail_login(client, forwarded, times, username="qualite13"):
    for _ in range(times):
        response = client.post(
            reverse("login"),
            {"username": username, "password": "pas-le-bon"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    return response


def _login(client, forwarded, password, username="qualite13"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_one_trusted_proxy_an_attacker_locks_only_their_own_address(client, settings, password):
    settings.TRUSTED_PROXY_COUNT = 1
    factories.MembershipFactory(user__username="qualite13")

    assert _fail_login(client, "198.51.100.66", settings.AXES_FAILURE_LIMIT).status_code == 429

    assert _login(client, "198.51.100.66", password).status_code == 429
    assert _login(client, "203.0.113.7", password).status_code == 302  # the real user, elsewhere behind the proxy


def test_with_no_trusted_proxy_a_forged_header_does_not_escape_the_lock(client, settings, password):
    settings.TRUSTED_PROXY_COUNT = 0
    factories.MembershipFactory(user__username="qualite13")

    _fail_login(client, "198.51.100.66", settings.AXES_FAILURE_LIMIT)

    # Each attempt pretends to come from elsewhere: it is still the same address.
    assert _login(client, "203.0.113.99", password).status_code == 429


def test_the_api_token_lock_uses_the_same_address(api_client, settings, password):
    settings.TRUSTED_PROXY_COUNT = 1
    factories.UserFactory(username="claire")
    url = reverse("api:token")

    def post(forwarded, secret):
        return api_client.post(
            url, {"username": "claire", "password": secret}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        post("198.51.100.66", "faux")

    assert post("198.51.100.66", password).status_code == 403
    assert post("203.0.113.7", password).status_code == 200


# --- public forms' rate limits (django-ratelimit's key="ip") --------------------------------------------------------


@pytest.fixture
def campaign(world):  # noqa: F811
    from tests.surveys.factories import CampaignFactory

    return CampaignFactory(prefecture=world.prefecture, sites=[world.site])


def _answer(api_client, campaign, world, forwarded):
    return api_client.post(
        reverse("api:survey-responses", kwargs={"pk": campaign.pk}),
        {"site": world.site.pk, "answers": {"conditions": 4}},
        format="json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _public_limit():
    from surveys.views import public

    return int(public.RATE.split("/")[0])


def test_behind_one_trusted_proxy_two_visitors_are_counted_apart(api_client, settings, campaign, world):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(_public_limit()):
        assert _answer(api_client, campaign, world, "198.51.100.66").status_code == 201

    assert _answer(api_client, campaign, world, "198.51.100.66").status_code == 429
    assert _answer(api_client, campaign, world, "203.0.113.7").status_code == 201


def test_with_no_trusted_proxy_a_forged_header_does_not_reset_the_count(api_client, settings, campaign, world):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(_public_limit()):
        assert _answer(api_client, campaign, world, f"198.51.100.{number}").status_code == 201

    assert _answer(api_client, campaign, world, "203.0.113.7").status_code == 429


def test_the_complaint_form_counts_each_visitor_behind_the_proxy(client, settings, world):
    """Measured before: behind the proxy, 5 complaints an hour from the whole country."""
    from complaints import public_views
    from tests.complaints.form_data import public_form
    from tests.complaints.test_public_form import FORM

    settings.TRUSTED_PROXY_COUNT = 1
    limit = int(public_views.RATE.split("/")[0])

    def post(forwarded):
        return client.post(FORM, public_form(world), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    for _ in range(limit):
        assert post("198.51.100.66").status_code == 302
    assert post("198.51.100.66").status_code == 429
    assert post("203.0.113.7").status_code == 302
