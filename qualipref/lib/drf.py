"""API plumbing shared by every app (imports no app)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from qualipref.lib.request_limits import too_big_message


class _TooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"


def exception_handler(exc, context):
    """Services raise Django's ValidationError: answer 400 with the field messages, like a serializer; and Django's
    PermissionDenied: 403 with its French reason. A body over
    Django's limits is a 413 (400 for too many fields), a write that breaks a unique constraint a 400: in French,
    never a 500."""
    if isinstance(exc, RequestDataTooBig):
        exc = _TooLarge(too_big_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    elif isinstance(exc, TooManyFieldsSent):
        exc = ValidationError({"detail": "Trop de champs dans la requête."})
    elif isinstance(exc, IntegrityError):
        # The serializers check the unique constraints they know; this is the last guard (two requests at once...).
        exc = ValidationError(
            {"non_field_errors": ["Cet enregistrement en contredit un autre (valeur déjà utilisée) : rien n'a changé."]}
        )
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=serializers.as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        # The service's French reason, the one the page shows too (DRF would put its generic one instead).
        exc = PermissionDenied(str(exc))
    elif isinstance(exc, Http404):
        # Same answer for a missing object and one outside the user's scope, in French.
        exc = NotFound("Ressource introuvable.")
    return drf_exception_handler(exc, context)


@extend_schema_field({"type": "object", "additionalProperties": {"type": "boolean"}})
class AbilitiesField(serializers.Field):
    """``abilities``: what the requesting user may do with the object, from a function of accounts.access."""

    def __init__(self, rule, **kwargs):
        self.rule = rule
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.rule(self.context["request"].user, obj)


def request_user(serializer):
    """The user of the serializer's request, or None (no request: the OpenAPI schema, a test)."""
    return getattr(serializer.context.get("request"), "user", None)


class UserScopedFields:
    """A serializer whose related fields offer only what the requesting user sees: ``user_scoped`` maps a field to
    its model, whose ``objects.for_user(user)`` becomes the field's queryset (a list field's items). Without a
    request the fields keep their declared queryset."""

    user_scoped = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is None:
            return
        for name, model in self.user_scoped.items():
            field = self.fields[name]
            getattr(field, "child_relation", field).queryset = model.objects.for_user(user)


class RequiredOnCreate:
    """A write serializer whose fields are all optional to DRF, a PATCH sending only what changes: on a creation
    the ``required_on_create`` fields must come (not empty); afterwards a ``fixed_after_create`` field (name: the
    French refusal) never changes."""

    required_on_create = ()
    fixed_after_create = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None:
            missing = [name for name in self.required_on_create if not attrs.get(name)]
            if missing:
                raise serializers.ValidationError(dict.fromkeys(missing, "Ce champ est obligatoire."))
        else:
            refused = {name: message for name, message in self.fixed_after_create.items() if name in attrs}
            if refused:
                raise serializers.ValidationError(refused)
        return attrs


class ReadWriteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A list the API reads (list, detail), adds to (POST) and changes (PATCH only: no PUT, every change is
    partial). The subclass says who sees what (``get_queryset``) and calls the services in ``perform_create`` and
    ``perform_update``."""

    http_method_names = ["get", "post", "patch", "head", "options"]
