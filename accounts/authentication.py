"""``Authorization: Token <token>`` on the API: django-rest-knox's hashed, expiring tokens (accounts.ApiToken)."""

import datetime

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

# A token's last use is written at most this often: not one write per request of a busy script.
LAST_USE_PRECISION = datetime.timedelta(minutes=5)


INACTIVE = "Compte désactivé."
INVALID = "Jeton invalide, expiré ou révoqué."


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.authenticate_header(request).lower().encode():
            return None  # no token: another authentication (the session) may apply
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("En-tête invalide : « Authorization: Token <jeton> ».")
        try:
            return self.authenticate_credentials(parts[1])
        except (UnicodeDecodeError, exceptions.AuthenticationFailed) as error:
            if getattr(error, "detail", None) == INACTIVE:
                raise
            raise exceptions.AuthenticationFailed(INVALID) from None

    def _cleanup_token(self, auth_token) -> bool:
        # knox reads every token of the user here, on every request: only the one presented matters. The others
        # are never accepted once expired, and go when their owner creates a token (accounts.tokens.token_create).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE)
        user, token = auth_token.user, auth_token
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


class ApiTokenScheme(KnoxTokenScheme):
    """The schema names it as before (``tokenAuth``): clients' generated code keeps working."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"
