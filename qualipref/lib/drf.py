"""API plumbing shared by every app (imports no app)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Services raise Django's ValidationError: answer 400 with the field messages, like a serializer."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=serializers.as_serializer_error(exc))
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
