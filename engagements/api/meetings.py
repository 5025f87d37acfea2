"""``meetings/`` (COPIL, CLU, their decisions) and ``trainings/`` (staff training records).

Writes go through engagements.services.meetings, like the pages:
- ``POST meetings/{id}/decisions/`` ``{"text"}`` adds a decision;
- ``POST meetings/{id}/decisions/{decision_id}/to-action/`` ``{"plan"?, "site"?, "owner"?, "due_on"?}`` turns it
  into an action of the prefecture's action plan (source ``copil`` or ``clu``) and answers the decision with its
  ``action`` id;
- ``GET trainings/agents-not-trained/?site=&prefecture=&on=`` lists the reception agents (with or without an
  account) whose latest reception training is older than 4 years, or missing.

The training sessions and the people without an account: engagements.api.trainings.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action

from accounts import access
from engagements.api.action_sources import add_text, text_to_action
from engagements.filters.meetings import MeetingFilter, TrainingFilter
from engagements.models import Meeting, MeetingDecision, Trainee, Training
from engagements.serializers.meetings import (
    AgentsNotTrainedQuerySerializer,
    AgentToTrainSerializer,
    DecisionCreateSerializer,
    DecisionToActionSerializer,
    MeetingDecisionSerializer,
    MeetingSerializer,
    TrainingSerializer,
)
from engagements.services import meetings as services
from engagements.services import trainings
from qualipref.lib.drf import ReadWriteViewSet
from sites.models import Site


class MeetingViewSet(ReadWriteViewSet):
    """Quality meetings of the user's prefectures: the monthly COPIL and the yearly CLU, with their decisions.

    The prefecture's quality manager records them; managers, referents and agents read them.
    """

    queryset = Meeting.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        return (
            Meeting.objects.for_user(self.request.user)
            .select_related("prefecture")
            .prefetch_related(Prefetch("decisions", queryset=MeetingDecision.objects.order_by("pk")))
            .order_by("-held_on", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.meeting_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.meeting_update(
            by=self.request.user, meeting=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=DecisionCreateSerializer, responses={201: MeetingDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Add a decision to the meeting."""
        meeting = self.get_object()
        return add_text(
            request,
            params_class=DecisionCreateSerializer,
            add=lambda text: services.decision_add(by=request.user, meeting=meeting, text=text),
            serializer_class=MeetingDecisionSerializer,
        )

    @extend_schema(request=DecisionToActionSerializer, responses={201: MeetingDecisionSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"decisions/(?P<decision_pk>[0-9]+)/to-action",
        url_name="decision-to-action",
    )
    def decision_to_action(self, request, pk=None, decision_pk=None):
        """Turn a decision into an action of the prefecture's action plan (answers the decision)."""
        meeting = self.get_object()
        decision = get_object_or_404(MeetingDecision, pk=decision_pk, meeting=meeting)
        return text_to_action(
            self,
            request,
            text=decision,
            convert=lambda **values: services.decision_to_action(by=request.user, decision=decision, **values),
            serializer_class=MeetingDecisionSerializer,
        )


class TrainingViewSet(ReadWriteViewSet):
    """Training records of the people of the sites the user sees.

    Quality managers record them for their prefecture's sites, referents for their own site.
    """

    queryset = Training.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def get_queryset(self):
        return (
            Training.objects.for_user(self.request.user)
            .select_related("person", "trainee", "site", "enrolment")
            .order_by("-trained_on", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = trainings.training_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = trainings.training_update(
            by=self.request.user, training=serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        filters=False,
        parameters=[AgentsNotTrainedQuerySerializer, OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=AgentToTrainSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="agents-not-trained", filterset_class=None)
    def agents_not_trained(self, request):
        """Reception agents (active agent memberships, and trainees marked « agent d'accueil ») whose latest
        reception training is older than 4 years on ``on`` (today by default), or who never had one; one row per
        agent and site; ``person`` is null for a trainee (``trainee`` gives their id)."""
        params = AgentsNotTrainedQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        sites = Site.objects.for_user(request.user)
        if "site" in params.validated_data:
            sites = sites.filter(pk=params.validated_data["site"])
        if "prefecture" in params.validated_data:
            sites = sites.filter(prefecture_id=params.validated_data["prefecture"])
        on = params.validated_data.get("on") or timezone.localdate()
        rows = trainings.people_to_train(
            sites=sites,
            users=access.visible_agents_to_train(request.user),
            trainees=access.scope_trainees(Trainee.objects.all(), request.user),
            on=on,
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AgentToTrainSerializer(page, many=True).data)
