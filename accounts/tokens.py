"""API tokens (accounts.ApiToken, django-rest-knox): created for a named client, listed and revoked by their owner.

The token itself is shown once, at its creation: only its hash is stored. Revoking a token deletes it (a revoked
token is unknown, as a wrong one). A new password or a deactivation revokes all of a user's tokens (User.save).
Expired tokens are refused, and deleted every night (accounts.tasks.purge_expired_tokens).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken

DEFAULT_CLIENT = "api"
CLIENT_MAX_LENGTH = ApiToken._meta.get_field("client").max_length


def lifetime():
    return datetime.timedelta(days=settings.QUALIPREF_API_TOKEN_DAYS)


def tokens_of(user):
    """The user's live tokens (expired ones are refused anyway), by client name."""
    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


@transaction.atomic
def token_create(*, user, client=DEFAULT_CLIENT) -> tuple[ApiToken, str]:
    """A new token for ``client`` (one per client: the previous one of that name is revoked); returns the row and
    the token in clear, to show once."""
    client = (client or "").strip()[:CLIENT_MAX_LENGTH] or DEFAULT_CLIENT
    now = timezone.now()
    ApiToken.objects.filter(user=user).filter(Q(client=client) | Q(expiry__lte=now)).delete()
    return ApiToken.objects.create(user=user, client=client, expiry=lifetime())


@transaction.atomic
def token_revoke(*, by, token: ApiToken) -> None:
    """Revoke one of ``by``'s own tokens (others' tokens are not found: the callers look them up in tokens_of)."""
    if token.user_id != by.pk:
        raise ApiToken.DoesNotExist("Jeton introuvable.")
    token.delete()


def tokens_revoke_all(*, user) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


def tokens_purge_expired(*, now=None) -> int:
    """Delete the tokens past their expiry (refused anyway): without it, a token its owner never uses nor replaces
    would stay forever. Returns how many went."""
    return ApiToken.objects.filter(expiry__lte=now or timezone.now()).delete()[0]
