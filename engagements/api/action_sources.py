"""What the API of the texts that become actions of the plan shares (a meeting's decisions: engagements.api.meetings;
an exercise's lessons: crisis.api): adding a text, and turning it into an action. Each viewset keeps its own routes
and schema; the services write."""

from rest_framework import status
from rest_framework.response import Response

from engagements.serializers.meetings import DecisionToActionSerializer


def add_text(request, *, params_class, add, serializer_class):
    """POST ``…/{id}/<texts>/`` ``{"text"}``: ``add(text)`` (the service) records it; answers it (201)."""
    params = params_class(data=request.data)
    params.is_valid(raise_exception=True)
    return Response(serializer_class(add(params.validated_data["text"])).data, status=status.HTTP_201_CREATED)


def text_to_action(viewset, request, *, text, convert, serializer_class):
    """POST ``…/{id}/<texts>/{text_id}/to-action/`` ``{"plan"?, "site"?, "owner"?, "due_on"?}``: ``convert(**values)``
    (the service) makes the action; answers the text with its ``action`` id (201)."""
    params = DecisionToActionSerializer(data=request.data, context=viewset.get_serializer_context())
    params.is_valid(raise_exception=True)
    convert(**params.validated_data)
    text.refresh_from_db()
    return Response(serializer_class(text).data, status=status.HTTP_201_CREATED)
