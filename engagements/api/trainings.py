"""``training-sessions/`` (the training plan) and ``trainees/`` (people without an account).

Writes go through engagements.services.trainings, like the pages:
- ``POST training-sessions/{id}/enrol/`` ``{"user": username}`` or ``{"trainee": id}`` enrols a person of the
  session's prefecture (capacity, one enrolment each) and answers the session;
- ``POST training-sessions/{id}/unenrol/`` ``{"enrolment": id}`` cancels an enrolment before the attendance;
- ``POST training-sessions/{id}/attendance/`` ``{"present": [enrolment ids]}`` records who came, once the session
  has started: each present enrolment gets its training record (``trainings/``), once; an enrolment left out loses
  the record its attendance gave.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from engagements.filters.trainings import TraineeFilter, TrainingSessionFilter
from engagements.models import Enrolment, Trainee, TrainingSession
from engagements.serializers.trainings import (
    AttendanceSerializer,
    EnrolSerializer,
    TraineeSerializer,
    TrainingSessionSerializer,
    UnenrolSerializer,
)
from engagements.services import trainings as services
from qualipref.lib.drf import ReadWriteViewSet


class TrainingSessionViewSet(ReadWriteViewSet):
    """Planned training sessions (accueil, astreinte, CIP, autre) of the sites the user sees, and those they are
    enrolled in. The prefecture's quality manager and the site's referent plan them, enrol, record attendance."""

    queryset = TrainingSession.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilter

    def get_queryset(self):
        return (
            TrainingSession.objects.for_user(self.request.user)
            .select_related("site")
            .prefetch_related("enrolments__user", "enrolments__trainee")
            .order_by("-starts_at", "-pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.session_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.session_update(
            by=self.request.user, session=serializer.instance, **serializer.validated_data
        )

    def _answer(self, session):
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(request=EnrolSerializer, responses={200: TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """Enrol a user (``user``: username) or a trainee (``trainee``: id)."""
        session = self.get_object()
        params = EnrolSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        services.enrol(
            by=request.user,
            session=session,
            user=params.validated_data.get("user"),
            trainee=params.validated_data.get("trainee"),
        )
        return self._answer(session)

    @extend_schema(request=UnenrolSerializer, responses={200: TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def unenrol(self, request, pk=None):
        """Cancel an enrolment (before the attendance is recorded)."""
        session = self.get_object()
        if not access.can_manage_training_session(request.user, session):
            raise PermissionDenied("Vous ne pouvez pas modifier les inscriptions de cette session.")
        params = UnenrolSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        enrolment = get_object_or_404(Enrolment, pk=params.validated_data["enrolment"], session=session)
        services.unenrol(by=request.user, enrolment=enrolment)
        return self._answer(session)

    @extend_schema(request=AttendanceSerializer, responses={200: TrainingSessionSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record who came (the enrolments present; the others are absent)."""
        session = self.get_object()
        params = AttendanceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.record_attendance(by=request.user, session=session, present=params.validated_data["present"])
        return self._answer(session)


class TraineeViewSet(ReadWriteViewSet):
    """People without an account whose trainings are followed (personal data: quality managers, managers and the
    site's referents read them; agents do not)."""

    queryset = Trainee.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = TraineeSerializer
    filterset_class = TraineeFilter

    def get_queryset(self):
        return (
            Trainee.objects.for_user(self.request.user).select_related("site").order_by("last_name", "first_name", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.trainee_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.trainee_update(
            by=self.request.user, trainee=serializer.instance, **serializer.validated_data
        )
