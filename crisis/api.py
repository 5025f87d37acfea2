"""``on-call-shifts/`` (the crisis cell's roster), ``crisis-events/`` (events and exercises, their lessons) and
``press-releases/`` (the press releases' tracking table). Writes go through crisis.services, like the pages:
- ``DELETE on-call-shifts/{id}/`` removes a shift;
- ``GET on-call-shifts/gaps/?prefecture=&days=`` lists the hours no shift covers from now to the end of the coming
  days (14 by default);
- ``POST crisis-events/{id}/lessons/`` ``{"text"}`` adds a lesson to an exercise;
- ``POST crisis-events/{id}/lessons/{lesson_id}/to-action/`` ``{"plan"?, "site"?, "owner"?, "due_on"?}`` turns it
  into an action of the prefecture's plan (source ``crisis_exercise``).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from crisis import roster, services
from crisis.filters import CrisisEventFilter, OnCallShiftFilter, PressReleaseFilter
from crisis.models import CrisisEvent, CrisisLesson, OnCallShift, PressRelease
from crisis.serializers import (
    CrisisEventSerializer,
    CrisisLessonSerializer,
    LessonCreateSerializer,
    OnCallShiftSerializer,
    PressReleaseSerializer,
)
from engagements.api.action_sources import add_text, text_to_action
from engagements.serializers.meetings import DecisionToActionSerializer
from qualipref.lib import bounds
from qualipref.lib.drf import ReadWriteViewSet
from sites.models import Prefecture


class GapsQuerySerializer(serializers.Serializer):
    prefecture = bounds.IdField(help_text="La préfecture.")
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=92, help_text="Jours à venir examinés (14 par défaut)."
    )


class GapSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.FloatField()


class OnCallShiftViewSet(mixins.DestroyModelMixin, ReadWriteViewSet):
    """Shifts of the crisis communication cell's on-call roster of the user's prefectures.

    The prefecture's quality manager writes them; its managers, referents and agents read them."""

    queryset = OnCallShift.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = OnCallShiftSerializer
    filterset_class = OnCallShiftFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return OnCallShift.objects.for_user(self.request.user).select_related("person").order_by("starts_at", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.shift_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.shift_update(
            by=self.request.user, shift=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.shift_delete(by=self.request.user, shift=instance)

    @extend_schema(filters=False, parameters=[GapsQuerySerializer], responses=GapSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def gaps(self, request):
        """The hours of the prefecture's coming days (14 by default) that no shift covers, from now."""
        params = GapsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        prefecture = get_object_or_404(
            Prefecture.objects.for_user(request.user), pk=params.validated_data["prefecture"]
        )
        now = timezone.now()
        _start, end = roster.window(timezone.localdate(), params.validated_data.get("days", roster.HORIZON_DAYS))
        found = roster.gaps([prefecture.pk], now, end)[prefecture.pk]
        return Response(GapSerializer(found, many=True).data)


class CrisisEventViewSet(ReadWriteViewSet):
    """Events and exercises of the crisis communication cell, with their activation delay and lessons."""

    queryset = CrisisEvent.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = CrisisEventSerializer
    filterset_class = CrisisEventFilter

    def get_queryset(self):
        return (
            CrisisEvent.objects.for_user(self.request.user)
            .prefetch_related(Prefetch("lessons", queryset=CrisisLesson.objects.order_by("pk")))
            .order_by("-alert_received_at", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.event_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.event_update(
            by=self.request.user, event=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=LessonCreateSerializer, responses={201: CrisisLessonSerializer})
    @action(detail=True, methods=["post"])
    def lessons(self, request, pk=None):
        """Add a lesson to the exercise."""
        event = self.get_object()
        return add_text(
            request,
            params_class=LessonCreateSerializer,
            add=lambda text: services.lesson_add(by=request.user, event=event, text=text),
            serializer_class=CrisisLessonSerializer,
        )

    @extend_schema(request=DecisionToActionSerializer, responses={201: CrisisLessonSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"lessons/(?P<lesson_pk>[0-9]+)/to-action",
        url_name="lesson-to-action",
    )
    def lesson_to_action(self, request, pk=None, lesson_pk=None):
        """Turn a lesson into an action of the prefecture's action plan (answers the lesson)."""
        event = self.get_object()
        lesson = get_object_or_404(CrisisLesson, pk=lesson_pk, event=event)
        return text_to_action(
            self,
            request,
            text=lesson,
            convert=lambda **values: services.lesson_to_action(by=request.user, lesson=lesson, **values),
            serializer_class=CrisisLessonSerializer,
        )


class PressReleaseViewSet(ReadWriteViewSet):
    """The press releases' tracking table of the user's prefectures (« tableau de suivi des communiqués »)."""

    queryset = PressRelease.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = PressReleaseSerializer
    filterset_class = PressReleaseFilter

    def get_queryset(self):
        return PressRelease.objects.for_user(self.request.user).order_by("-issued_at", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.press_release_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.press_release_update(
            by=self.request.user, release=serializer.instance, **serializer.validated_data
        )
