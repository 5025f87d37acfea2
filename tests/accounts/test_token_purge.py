"""Expired API tokens are deleted every night (accounts.tasks.purge_expired_tokens), whoever owns them."""

import datetime

import pytest
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken
from accounts.tasks import purge_expired_tokens
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_nightly_task_deletes_the_expired_tokens_only():
    owner, other = factories.UserFactory(), factories.UserFactory()
    expired, _ = tokens.token_create(user=owner, client="ancien script")
    expired_elsewhere, _ = tokens.token_create(user=other, client="outil oublié")
    live, _ = tokens.token_create(user=owner, client="export téléphonie")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    ApiToken.objects.filter(pk__in=[expired.pk, expired_elsewhere.pk]).update(expiry=yesterday)

    assert purge_expired_tokens.apply().get() == 2

    assert list(ApiToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert purge_expired_tokens.apply().get() == 0  # nothing left to delete: the task may run twice


def test_a_token_expiring_later_today_is_kept():
    token, _ = tokens.token_create(user=factories.UserFactory())
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() + datetime.timedelta(minutes=5))

    assert tokens.tokens_purge_expired() == 0
    assert ApiToken.objects.filter(pk=token.pk).exists()
