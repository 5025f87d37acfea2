"""API plumbing shared by every app (imports no app)."""

import copy
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.urls import URLPattern, include, re_path
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, mixins, serializers, viewsets
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.fields import DateTimeField, SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.settings import api_settings
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


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer whose rows are represented at a lower cost, with the same output: its plain fields — a
    model's column (``source`` one name) or the id of a foreign key (PrimaryKeyRelatedField) — are read straight
    from the row, without DRF's per-field, per-row ``get_attribute`` (source walk, callable check, exception
    handling); every other field (methods, dotted sources, nested serializers, ``abilities``...) goes DRF's way.
    The plan is made once per serializer instance: once per page of a list (ListSerializer reuses its child).

    Its fields are built from the model once per class (DRF introspects the model for every serializer made: about
    a millisecond for 20 to 30 fields) and deep-copied for each instance, as DRF copies the declared fields: an
    instance may change its own (a queryset chosen for the user) without touching the others'."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)

    def to_representation(self, instance):
        plan = self.__dict__.get("_row_plan")
        if plan is None:
            plan = self._row_plan = _row_plan(self)
        row = {}
        for name, read, represent, field in plan:
            if read is None:  # DRF's Serializer.to_representation
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                check_for_none = value.pk if isinstance(value, PKOnlyObject) else value
                row[name] = None if check_for_none is None else field.to_representation(value)
            else:
                value = read(instance)
                row[name] = value if value is None or represent is None else represent(value)
        return row


def _row_plan(serializer):
    """[(name, read, represent, field)] of the serializer's readable fields: ``read(row)`` for a plain field (then
    ``represent``, None for a foreign key's id given as is), None for the others."""
    model = serializer.Meta.model
    plan = []
    for field in serializer._readable_fields:
        read = represent = None
        column = _column(model, field.source_attrs)
        if column is None:
            pass
        elif column.many_to_one:
            if type(field) is PrimaryKeyRelatedField and field.pk_field is None:
                read = attrgetter(column.attname)  # DRF: PKOnlyObject(serializable_value(name)).pk
        elif not column.is_relation and column.attname == field.source_attrs[0]:
            read, represent = attrgetter(column.attname), _represent(field)
        plan.append((field.field_name, read, represent, field))
    return plan


def _represent(field):
    """``field.to_representation``, or for a DateTimeField in ISO 8601 the same text from a time zone looked up once
    per plan, not once per value (DRF asks Django for the current time zone for each date and time)."""
    if type(field) is not DateTimeField or hasattr(field, "timezone"):
        return field.to_representation
    zone = field.default_timezone()
    text_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if zone is None or text_format is None or text_format.lower() != ISO_8601:
        return field.to_representation

    def represent(value):
        if not value or isinstance(value, str) or not timezone.is_aware(value):
            return field.to_representation(value)  # naive, or what DRF gives as is
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return field.to_representation(value)  # DRF's error
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _column(model, source_attrs):
    """The model's concrete field named by a one-name source, else None."""
    if len(source_attrs) != 1:
        return None
    try:
        field = model._meta.get_field(source_attrs[0])
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def grouped_routes(router):
    """``router.urls`` with each resource's patterns under one pattern of its prefix (``^actions/``): a request is
    resolved against the ~35 prefixes, then its resource's few patterns, rather than against the 228 patterns one after
    another (0.4 to 0.6 ms per request). The patterns of a format suffix (``^actions\\.json``) stay as they are, after
    their resource's group (no path matches both). Names and views are the router's, and what each pattern matches
    and reverses to too: the prefix's regex followed by the rest of the pattern's is the pattern's regex, character
    for character (the schema's paths are the same)."""
    prefixes = sorted((f"^{prefix}/" for prefix, _, _ in router.registry), key=len, reverse=True)
    routes, groups = [], {}
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        prefix = next((p for p in prefixes if regex.startswith(p)), None)
        if prefix is None:
            routes.append(pattern)
            continue
        if prefix not in groups:
            groups[prefix] = []
            routes.append(re_path(prefix, include(groups[prefix])))
        rest = RegexPattern(regex[len(prefix) :], name=pattern.pattern.name, is_endpoint=True)
        groups[prefix].append(URLPattern(rest, pattern.callback, pattern.default_args, pattern.name))
    return routes
