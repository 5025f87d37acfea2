"""``indicators/``, ``measurements/`` and ``footfall/`` in the API: thin views over indicators.services.

Lists are scoped by ``for_user`` (a foreign id is a 404), filtered with django-filter, and every object carries its
``abilities``; a user who may see a measurement but not change it gets 403.

- ``POST measurements/`` creates one measurement (a month already measured is refused: PATCH it);
- ``POST measurements/bulk/`` ``{"measurements": [...]}`` and ``POST measurements/import/`` (multipart ``format``,
  ``file``) write a batch whole or not at all, and answer its report line by line;
- ``GET measurements/aggregates/?level=prefecture|national`` adds measurements up per prefecture or nationally,
  in the database (ratio of sums for rates);
- ``GET measurements/{id}/history/`` lists who entered what and when;
- ``POST footfall/import/`` imports the hourly footfall; ``GET footfall/heatmap/{site}/`` gives a site's heatmap.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from engagements.models import Engagement
from indicators import periods
from indicators.filters import AggregateFilter, IndicatorFilter, MeasurementFilter
from indicators.models import Indicator, Measurement
from indicators.serializers import (
    AggregateSerializer,
    BulkSerializer,
    FileSerializer,
    HeatmapQuerySerializer,
    HeatmapSerializer,
    ImportSerializer,
    IndicatorSerializer,
    MeasurementHistorySerializer,
    MeasurementSerializer,
    MeasurementUpdateSerializer,
    MeasurementWriteSerializer,
    ReportSerializer,
    report_data,
)
from indicators.services import aggregates, catalogue, footfall, imports
from indicators.services import measurements as services
from indicators.services.batches import BatchRejected, Item, measurements_batch
from qualipref.pagination import CursorPagination, PageNumberPagination
from sites.models import Prefecture, Site


class IndicatorViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogue: every signed-in user reads it; national administrators set targets (PATCH)."""

    queryset = Indicator.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Indicator.objects.order_by("position", "code")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        engagements = {}
        for code, engagement in (
            Engagement.objects.exclude(target_indicator="")
            .order_by("code")
            .values_list("target_indicator", "code")
            .distinct()
        ):
            engagements.setdefault(code, []).append(engagement)
        context["engagements"] = engagements
        return context

    def perform_update(self, serializer):
        if not access.can_manage_indicators(self.request.user):
            raise PermissionDenied("Seuls les administrateurs nationaux fixent les objectifs des indicateurs.")
        serializer.instance = catalogue.indicator_update(
            by=self.request.user, indicator=serializer.instance, **serializer.validated_data
        )


def measurements_for(user):
    """The measurements a user may see, with what a row needs (no query per row) and their traffic light."""
    return Measurement.objects.for_user(user).select_related("indicator", "entered_by").with_status()


def _report_response(report, *, accepted):
    return Response(report_data(report), status=status.HTTP_200_OK if accepted else status.HTTP_400_BAD_REQUEST)


class MeasurementViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Measurements of the sites and prefectures the user may see. Filters: indicator (codes), site, prefecture,
    prefecture_wide, period_after, period_before (AAAA-MM), source, status. Cursor pagination, newest first."""

    queryset = Measurement.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    pagination_class = CursorPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return measurements_for(self.request.user).order_by("-pk")

    def get_serializer_class(self):
        if self.action == "create":
            return MeasurementWriteSerializer
        if self.action in ("partial_update", "update"):
            return MeasurementUpdateSerializer
        return super().get_serializer_class()

    def _read(self, measurement):
        return MeasurementSerializer(
            measurements_for(self.request.user).get(pk=measurement.pk), context=self.get_serializer_context()
        )

    @extend_schema(request=MeasurementWriteSerializer, responses={201: MeasurementSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        measurement = services.measurement_create(
            by=request.user,
            indicator=data.pop("indicator"),
            period=data.pop("period"),
            site=data.pop("site", None),
            prefecture=data.pop("prefecture", None),
            source=Indicator.Source.ENTERED,
            **data,
        )
        return Response(self._read(measurement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeasurementUpdateSerializer, responses=MeasurementSerializer)
    def partial_update(self, request, *args, **kwargs):
        measurement = self.get_object()
        if not access.can_edit_measurement(request.user, measurement):
            raise PermissionDenied("Vous ne pouvez pas modifier cette mesure.")
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        result = services.measurement_update(by=request.user, measurement=measurement, **serializer.validated_data)
        return Response(self._read(result.measurement).data)

    def destroy(self, request, *args, **kwargs):
        measurement = self.get_object()
        if not access.can_edit_measurement(request.user, measurement):
            raise PermissionDenied("Vous ne pouvez pas supprimer cette mesure.")
        services.measurement_delete(by=request.user, measurement=measurement)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=BulkSerializer, responses={200: ReportSerializer, 400: ReportSerializer})
    @route(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def bulk(self, request):
        """Create or update a batch of measurements, all of them or none (the report names each wrong item by its
        rank, from 1). Sending the same batch again changes nothing."""
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = [
            Item(line=index, **{key: value for key, value in data.items() if value not in (None, "")})
            for index, data in enumerate(serializer.validated_data["measurements"], start=1)
        ]
        try:
            report = measurements_batch(by=request.user, items=items, source=Indicator.Source.IMPORTED)
        except BatchRejected as rejected:
            return _report_response(rejected.report, accepted=False)
        return _report_response(report, accepted=True)

    @extend_schema(request=ImportSerializer, responses={200: ReportSerializer, 400: ReportSerializer})
    @route(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filterset_class=None,
    )
    def import_file(self, request):
        """Import an export (telephony, queue, titles) or Qualipref's model file, CSV or XLSX: all rows or none."""
        if not access.may_enter_measurements(request.user):
            raise PermissionDenied("Vous ne pouvez pas importer d'indicateurs.")
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = imports.import_file(
                by=request.user, file=serializer.validated_data["file"], format_key=serializer.validated_data["format"]
            )
        except BatchRejected as rejected:
            return _report_response(rejected.report, accepted=False)
        return _report_response(report, accepted=True)

    @extend_schema(
        filters=False,
        parameters=[
            OpenApiParameter("level", str, enum=["prefecture", "national"], description="prefecture par défaut."),
            OpenApiParameter("indicator", str, description="Codes d'indicateurs, séparés par des virgules."),
            OpenApiParameter("prefecture", int),
            OpenApiParameter("period_after", str, description="AAAA-MM"),
            OpenApiParameter("period_before", str, description="AAAA-MM"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=AggregateSerializer(many=True),
    )
    @route(detail=False, methods=["get"], filterset_class=None)
    def aggregates(self, request):
        """Measurements added up per prefecture (every site of the prefectures the user may see) or nationally
        (national administrators), by the database: ratio of sums for rates, weighted means for delays."""
        level = request.query_params.get("level", "prefecture")
        if level not in ("prefecture", "national"):
            return Response({"level": ["Niveau inconnu : prefecture ou national."]}, status=400)
        if level == "national" and not access.can_view_national_indicators(request.user):
            raise PermissionDenied("Les agrégats nationaux sont réservés aux administrateurs nationaux.")
        measurements = Measurement.objects.filter(prefecture__in=Prefecture.objects.for_user(request.user))
        filterset = AggregateFilter(request.query_params, queryset=measurements, request=request)
        if not filterset.is_valid():
            return Response(filterset.errors, status=400)
        rows = aggregates.aggregate(filterset.qs, per_prefecture=level == "prefecture")
        indicators = {indicator.pk: indicator for indicator in Indicator.objects.all()}
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        data = [
            {
                "indicator": indicators[row.indicator_id].code,
                "prefecture": row.prefecture_id,
                "period": periods.format_period(row.period),
                "value": row.value,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "places": row.places,
                "method": row.method,
                "status": indicators[row.indicator_id].status_of(row.value),
            }
            for row in page
        ]
        return paginator.get_paginated_response(AggregateSerializer(data, many=True).data)

    @extend_schema(responses=MeasurementHistorySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Who entered, imported, changed or removed this measurement, and when (newest first)."""
        measurement = self.get_object()
        entries = Measurement.history.filter(id=measurement.pk).select_related("history_user").order_by("-history_date")
        return Response(
            MeasurementHistorySerializer(
                [
                    {
                        "date": entry.history_date,
                        "user": entry.history_user.username if entry.history_user else None,
                        "type": {"+": "created", "~": "changed", "-": "deleted"}[entry.history_type],
                        "value": entry.value,
                        "numerator": entry.numerator,
                        "denominator": entry.denominator,
                        "source": entry.source,
                    }
                    for entry in entries
                ],
                many=True,
            ).data
        )


class FootfallImportView(APIView):
    """``POST footfall/import/``: the hourly export of the queue-management system (site, service, date, slot,
    visitors, waiting), all rows or none."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=FileSerializer, responses={200: ReportSerializer, 400: ReportSerializer})
    def post(self, request):
        if not access.may_enter_measurements(request.user):
            raise PermissionDenied("Vous ne pouvez pas importer de fréquentation.")
        serializer = FileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = footfall.import_footfall(by=request.user, file=serializer.validated_data["file"])
        except BatchRejected as rejected:
            return _report_response(rejected.report, accepted=False)
        return _report_response(report, accepted=True)


class FootfallHeatmapView(APIView):
    """``GET footfall/heatmap/{site}/?service=&weeks=``: mean visitors per weekday and hour of a site."""

    @extend_schema(parameters=[HeatmapQuerySerializer], responses=HeatmapSerializer)
    def get(self, request, site_pk):
        params = HeatmapQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        site = get_object_or_404(Site.objects.for_user(request.user), pk=site_pk)
        service = None
        if "service" in params.validated_data:
            service = get_object_or_404(site.services.filter(Q(is_active=True)), pk=params.validated_data["service"])
        heatmap = footfall.heatmap(
            site=site, service=service, weeks=params.validated_data.get("weeks") or footfall.DEFAULT_WEEKS
        )
        data = {
            "site": site.pk,
            "service": service.pk if service else None,
            "first": heatmap.first,
            "last": heatmap.last,
            "hours": heatmap.hours,
            "rows": [
                {
                    "weekday": weekday,
                    "cells": [
                        {"hour": c.hour, "visitors": c.visitors, "waiting": c.waiting, "level": c.level} for c in cells
                    ],
                }
                for weekday, cells in heatmap.rows
            ],
        }
        return Response(HeatmapSerializer(data).data)
