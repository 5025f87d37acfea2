"""The OpenAPI schema tells the truth (drf-spectacular; imports no app).

- ``AutoSchema``: read-only fields backed by a nullable model column are declared ``nullable``, and those of a
  ``blank`` column accept "" (DRF drops ``allow_null``/``allow_blank`` from read-only fields, so drf-spectacular
  never sees them); a read-only field that a serializer leaves out for some users (``extra_kwargs`` with
  ``"required": False``, e.g. the requester's details) is not ``required``; a text field that may be blank
  loses its ``format`` ("" is no e-mail address).
- ``add_error_responses`` (a postprocessing hook): every operation describes its 4xx answers — 400 with field
  messages (next to the body an operation declares itself, e.g. an import report), 401, 403, 404 and 429 with
  ``{"detail"}``, 413 where a body is sent.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework import serializers

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Une erreur, en français.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Données refusées : les messages, en français, par champ (``non_field_errors`` pour l'ensemble, "
    "``detail`` pour une requête illisible).",
    "additionalProperties": {},
}
ERRORS = {
    "401": "Non authentifié.",
    "403": "Action non permise.",
    "404": "Ressource introuvable (ou hors de votre périmètre).",
    "413": "Requête trop volumineuse.",
    "415": "Type de contenu non pris en charge.",
    "429": "Trop de requêtes : réessayez plus tard.",
}


def _model_field(field):
    meta = getattr(field.parent, "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*" or "." in source:
        return None
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    return model_field if model_field.concrete else None  # not a reverse relation


def _enum_allows_blank(schema):
    """Whether a field's schema (an enum, possibly inside allOf/anyOf/oneOf) admits ""; a $ref is not followed."""
    if "" in schema.get("enum", ()):
        return True
    return any(_enum_allows_blank(part) for key in ("allOf", "anyOf", "oneOf") for part in schema.get(key, ()))


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        result = super()._map_serializer_field(field, direction, bypass_extensions=bypass_extensions)
        if isinstance(field, serializers.CharField) and getattr(field, "allow_blank", False):
            result.pop("format", None)
        if isinstance(field, serializers.ChoiceField) and field.allow_blank and not _enum_allows_blank(result):
            result = {"anyOf": [result, {"type": "string", "enum": [""]}]}
        if not field.read_only or direction != "response":
            return result
        model_field = _model_field(field)
        if model_field is None:
            return result
        if model_field.blank and not model_field.null and model_field.get_internal_type() == "CharField":
            if ("$ref" in result or "enum" in result) and not _enum_allows_blank(result):
                result = {"anyOf": [result, {"type": "string", "enum": [""]}]}
            else:
                result.pop("format", None)
        if model_field.null and not result.get("nullable"):
            if "$ref" in result:
                result = {"allOf": [result], "nullable": True}
            else:
                result["nullable"] = True
        return result

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # An e-mail validator gives "format": "email", which "" (a blank value) does not match.
        model_field = _model_field(field) if field.read_only else None
        if getattr(field, "allow_blank", False) or (model_field is not None and model_field.blank):
            schema.pop("format", None)

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        extra = getattr(getattr(serializer, "Meta", None), "extra_kwargs", None) or {}
        optional = {name for name, kwargs in extra.items() if kwargs.get("required") is False}
        if optional and "required" in result:
            result["required"] = [name for name in result["required"] if name not in optional]
            if not result["required"]:
                del result["required"]
        return result


def _response(description, name):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR] = ERROR_SCHEMA
    schemas[VALIDATION_ERROR] = VALIDATION_ERROR_SCHEMA
    validation_ref = {"$ref": f"#/components/schemas/{VALIDATION_ERROR}"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            declared = responses.get("400")
            if declared is None:
                responses["400"] = _response("Données refusées.", VALIDATION_ERROR)
            else:
                # The operation's own 400 body (an import report...) or, before it is built, field messages.
                for media in declared.get("content", {}).values():
                    schema = media.get("schema")
                    if schema and schema != validation_ref:
                        media["schema"] = {"anyOf": [schema, validation_ref]}
            for code, description in ERRORS.items():
                if code in ("413", "415") and "requestBody" not in operation:
                    continue
                responses.setdefault(code, _response(description, ERROR))
    return result
