"""Brute-force protection (django-axes): a username is locked from one address for a while, never for good."""

import datetime

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return factories.MembershipFactory(user__username="qualite13").user


def _fail(client, times):
    responses = [
        client.post(reverse("login"), {"username": "qualite13", "password": "pas-le-bon"}) for _ in range(times)
    ]
    return responses[-1]


def test_failures_below_the_limit_only_show_the_login_error(client, user):
    response = _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()


def test_the_failure_that_reaches_the_limit_shows_the_locked_page(client, user):
    response = _fail(client, settings.AXES_FAILURE_LIMIT)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in html
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Réessayez dans {minutes} minutes." in html
    assert "définitivement" not in html and "permanent" not in html


def test_a_locked_user_stays_out_even_with_the_right_password(client, user, password):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("login"), {"username": "qualite13", "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_locked_page_follows_the_cool_off_setting(client, user, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    response = _fail(client, settings.AXES_FAILURE_LIMIT)
    assert "Réessayez dans 30 minutes." in response.content.decode()


def test_the_lock_is_lifted_once_the_cool_off_has_passed(client, user, password):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    # Travel in time: the failures happened just over the cool-off ago.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )
    response = client.post(reverse("login"), {"username": "qualite13", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_an_administrator_can_unlock_at_once(client, user, password):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    reset(username="qualite13")
    response = client.post(reverse("login"), {"username": "qualite13", "password": password})
    assert response.status_code == 302


def test_the_lock_applies_to_the_username_from_that_address_only(client, user, password):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("login"), {"username": "qualite13", "password": password}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302


def _post(client, password, address="10.9.8.7"):
    return client.post(reverse("login"), {"username": "qualite13", "password": password}, REMOTE_ADDR=address)


def test_attempts_during_the_lock_do_not_extend_it(client, user, password, time_machine):
    """Measured before: each attempt during the lock restarted its 15 minutes, even with the right password, so that
    one client could keep any account locked for ever."""
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    cooloff = settings.AXES_COOLOFF_TIME
    time_machine.move_to(start, tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "pas-le-bon")
    assert _post(client, password).status_code == 429

    time_machine.move_to(start + datetime.timedelta(minutes=10), tick=False)
    assert _post(client, "pas-le-bon").status_code == 429
    assert _post(client, password).status_code == 429

    time_machine.move_to(start + cooloff + datetime.timedelta(seconds=1), tick=False)
    response = _post(client, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_an_attackers_failures_do_not_lock_the_same_username_from_another_address(client, user, password):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _post(client, "pas-le-bon", address="198.51.100.66")

    assert _post(client, password, address="198.51.100.66").status_code == 429
    assert _post(client, password, address="203.0.113.7").status_code == 302
