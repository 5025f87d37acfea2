"""Audits, findings, assessments and good practices in the API: thin viewsets over audits.services.

Lists are scoped by ``for_user`` (a foreign id is a 404); an auditor outside the access window of an audit assigned to
them gets 403 on it (the audit, its findings and cells are left out of their lists); every object carries its
``abilities``.
``GET audits/{id}/report/`` returns the PDF (``application/pdf``), stored with its checksum.
"""

from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import access
from audits.filters import AssessmentFilter, AuditFilter, FindingFilter, GoodPracticeFilter
from audits.models import Assessment, Audit, Finding, FindingAction, GoodPractice
from audits.serializers import (
    AssessmentSerializer,
    AssessmentWriteSerializer,
    AuditDecisionSerializer,
    AuditReportSerializer,
    AuditSerializer,
    AuditTransitionSerializer,
    AuditWriteSerializer,
    FindingActionSerializer,
    FindingAnalysisSerializer,
    FindingCloseSerializer,
    FindingEffectivenessSerializer,
    FindingResponseSerializer,
    FindingSerializer,
    FindingWriteSerializer,
    GoodPracticeSerializer,
)
from audits.services import audits as audit_services
from audits.services import findings as finding_services
from audits.services import grid as grid_services
from audits.services import reports as report_services
from engagements.serializers.actions import ActionHistoryEntrySerializer, ActionSerializer
from qualipref.lib.drf import ReadWriteViewSet


def _check_window(user, audit):
    refusal = access.audit_window_refusal(user, audit)
    if refusal:
        raise PermissionDenied(refusal)


class AuditViewSet(ReadWriteViewSet):
    """Audits of the prefectures the user sees (auditors: the audits assigned to them). Filters: prefecture,
    labelling, kind (repeatable), status (repeatable), year, late."""

    queryset = Audit.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = AuditSerializer
    filterset_class = AuditFilter

    def get_queryset(self):
        # The list shows an auditor only the audits of an open window; one fetched by id is a 403 outside it.
        audits = Audit.objects.for_user(self.request.user)
        if self.action == "list":
            audits = Audit.objects.readable_by(self.request.user)
        return (
            audits.select_related("prefecture", "labelling__referential")
            .prefetch_related("auditors", "sites", "modules")
            .with_counts()
            .order_by("-start_on", "-pk")
        )

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return AuditWriteSerializer
        return super().get_serializer_class()

    def get_object(self):
        audit = super().get_object()
        _check_window(self.request.user, audit)
        return audit

    def _read(self, pk, code=status.HTTP_200_OK):
        return Response(
            AuditSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data, code
        )

    @extend_schema(request=AuditWriteSerializer, responses={201: AuditSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        audit = audit_services.audit_create(by=request.user, labelling=data.pop("labelling"), **data)
        return self._read(audit.pk, status.HTTP_201_CREATED)

    @extend_schema(request=AuditWriteSerializer, responses=AuditSerializer)
    def partial_update(self, request, *args, **kwargs):
        audit = self.get_object()
        serializer = self.get_serializer(audit, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        audit_services.audit_update(by=request.user, audit=audit, **serializer.validated_data)
        return self._read(audit.pk)

    @extend_schema(request=AuditTransitionSerializer, responses=AuditSerializer)
    @route(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the audit to its next status: start, write, deliver, respond, close (``on``: the date)."""
        audit = self.get_object()
        serializer = AuditTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        audit_services.audit_transition(by=request.user, audit=audit, **serializer.validated_data)
        return self._read(audit.pk)

    @extend_schema(request=AuditDecisionSerializer, responses=AuditSerializer)
    @route(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """The body's decision after a labelling or renewal audit: it moves the labelling cycle forward."""
        audit = self.get_object()
        serializer = AuditDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        audit_services.audit_record_decision(by=request.user, audit=audit, **serializer.validated_data)
        return self._read(audit.pk)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Le rapport PDF.")}
    )
    @route(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The PDF report, produced now and stored (the same data gives the stored file back, unchanged); its
        identifier and SHA-256 in the ``X-Report-Id`` and ``X-Report-SHA256`` headers."""
        audit = self.get_object()
        stored = report_services.report_generate(by=request.user, audit=audit)
        response = FileResponse(
            stored.file.open("rb"), as_attachment=True, filename=stored.filename, content_type="application/pdf"
        )
        response["X-Report-Id"] = str(stored.pk)
        response["X-Report-SHA256"] = stored.sha256
        return response

    @extend_schema(responses=AuditReportSerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def reports(self, request, pk=None):
        """The reports produced for this audit, newest first, with their checksum (the delivered one is dated)."""
        audit = self.get_object()
        reports = audit.reports.order_by("-created_at", "-pk")
        return Response(AuditReportSerializer(reports, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @route(detail=True, methods=["post"])
    def prefill(self, request, pk=None):
        """Copy the previous audit of the cycle into the cells not assessed yet: ``{"filled": n}``."""
        audit = self.get_object()
        return Response({"filled": grid_services.grid_prefill(by=request.user, audit=audit)})


class _AuditContentMixin:
    """Findings and cells: listed for the audits the user may read now, fetched with a 403 outside the window."""

    def get_object(self):
        obj = super().get_object()
        _check_window(self.request.user, obj.audit)
        return obj

    def _audit_relations(self, queryset):
        return queryset.select_related("audit__prefecture").prefetch_related("audit__auditors", "audit__sites")


class FindingViewSet(_AuditContentMixin, viewsets.ModelViewSet):
    """Findings of the audits the user sees. Filters: audit, site, category (repeatable), engagement, module, open
    (non-conformities not lifted), answered, q (text)."""

    queryset = Finding.objects.none()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # A list reads the audits the user may read now (a subset of their scope: one scope subquery, not two).
        if self.action == "list":
            findings = Finding.objects.readable_by(self.request.user)
        else:
            findings = Finding.objects.for_user(self.request.user)
        links = FindingAction.objects.order_by("pk")
        return (
            self._audit_relations(findings)
            .select_related("site", "engagement", "module")
            .prefetch_related(Prefetch("action_links", queryset=links))
            .order_by("audit_id", "pk")
        )

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return FindingWriteSerializer
        return super().get_serializer_class()

    def _read(self, pk, code=status.HTTP_200_OK):
        finding = self.get_queryset().get(pk=pk)
        return Response(FindingSerializer(finding, context=self.get_serializer_context()).data, code)

    @extend_schema(request=FindingWriteSerializer, responses={201: FindingSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        audit = data.pop("audit")
        _check_window(request.user, audit)
        finding = finding_services.finding_create(by=request.user, audit=audit, **data)
        return self._read(finding.pk, status.HTTP_201_CREATED)

    @extend_schema(request=FindingWriteSerializer, responses=FindingSerializer)
    def partial_update(self, request, *args, **kwargs):
        finding = self.get_object()
        serializer = self.get_serializer(finding, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        finding_services.finding_update(by=request.user, finding=finding, **serializer.validated_data)
        return self._read(finding.pk)

    def destroy(self, request, *args, **kwargs):
        finding_services.finding_delete(by=request.user, finding=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=FindingResponseSerializer, responses=FindingSerializer)
    @route(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The prefecture's argued response to a non-conformity or a sensitive point, with its revised calendar."""
        finding = self.get_object()
        serializer = FindingResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding_services.finding_respond(by=request.user, finding=finding, **serializer.validated_data)
        return self._read(finding.pk)

    @extend_schema(request=FindingActionSerializer, responses={201: ActionSerializer})
    @route(detail=True, methods=["post"], url_path="create-action")
    def create_action(self, request, pk=None):
        """Turn the finding into an action of the prefecture's action plan (linked both ways)."""
        finding = self.get_object()
        serializer = FindingActionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        action = finding_services.finding_create_action(by=request.user, finding=finding, **serializer.validated_data)
        return Response(ActionSerializer(action, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=FindingCloseSerializer, responses=FindingSerializer)
    @route(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Lift a non-conformity: its actions are done and ``verified_in`` (a later audit) verified them."""
        finding = self.get_object()
        serializer = FindingCloseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        finding_services.finding_close(by=request.user, finding=finding, **serializer.validated_data)
        return self._read(finding.pk)

    @extend_schema(request=FindingAnalysisSerializer, responses=FindingSerializer)
    @route(detail=True, methods=["post"])
    def analysis(self, request, pk=None):
        """The cause analysis and the immediate correction of a non-conformity."""
        finding = self.get_object()
        prefecture = finding.audit.prefecture
        if not (
            access.can_manage_audits(request.user, prefecture)
            or access.can_create_action_from_finding(request.user, finding)
        ):
            raise PermissionDenied(
                "Seuls le responsable qualité de la préfecture et le référent du site analysent ses non-conformités."
            )
        serializer = FindingAnalysisSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding_services.finding_analyse(by=request.user, finding=finding, **serializer.validated_data)
        return self._read(finding.pk)

    @extend_schema(request=FindingEffectivenessSerializer, responses=FindingSerializer)
    @route(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def effectiveness(self, request, pk=None):
        """The effectiveness check at closure: effective, the non-conformity is lifted (``verified_in``); not
        effective, it stays (or becomes again) open and needs new corrective actions."""
        finding = self.get_object()
        if not access.can_manage_audits(request.user, finding.audit.prefecture):
            raise PermissionDenied("Seul le responsable qualité de la préfecture vérifie l'efficacité des actions.")
        serializer = FindingEffectivenessSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        finding_services.finding_check_effectiveness(by=request.user, finding=finding, **serializer.validated_data)
        return self._read(finding.pk)

    @extend_schema(responses=ActionHistoryEntrySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Who changed what and when, newest first."""
        return Response(
            ActionHistoryEntrySerializer(finding_services.finding_history(self.get_object()), many=True).data
        )


class AssessmentViewSet(_AuditContentMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cells of the assessment grids. Filters: audit, site, engagement, result (repeatable)."""

    queryset = Assessment.objects.none()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            cells = Assessment.objects.readable_by(self.request.user)
        else:
            cells = Assessment.objects.for_user(self.request.user)
        return (
            self._audit_relations(cells)
            .select_related("engagement", "site", "assessed_by")
            .order_by("audit_id", "engagement__code", "site_id")
        )

    def _read(self, pk, code=status.HTTP_200_OK):
        cell = self.get_queryset().get(pk=pk)
        return Response(AssessmentSerializer(cell, context=self.get_serializer_context()).data, code)

    def _record(self, *, audit, engagement, site, data):
        return grid_services.assessment_record(
            by=self.request.user,
            audit=audit,
            engagement=engagement,
            site=site,
            result=data.get("result"),
            comment=data.get("comment"),
            evidence=data.get("evidence"),
        )

    @extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        """Write a cell (``audit``, ``engagement``, ``site`` and what changes: ``result``, ``comment``,
        ``evidence``): 201 when it is new, 200 when it existed."""
        serializer = AssessmentWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        missing = [name for name in ("audit", "engagement", "site") if name not in data]
        if missing:
            raise ValidationError(dict.fromkeys(missing, "Ce champ est obligatoire."))
        _check_window(request.user, data["audit"])
        existed = Assessment.objects.filter(
            audit=data["audit"], engagement=data["engagement"], site=data["site"]
        ).exists()
        cell = self._record(audit=data["audit"], engagement=data["engagement"], site=data["site"], data=data)
        return self._read(cell.pk, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentWriteSerializer, responses=AssessmentSerializer)
    def partial_update(self, request, *args, **kwargs):
        cell = self.get_object()
        serializer = AssessmentWriteSerializer(data=request.data, context=self.get_serializer_context(), partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._record(audit=cell.audit, engagement=cell.engagement, site=cell.site, data=data)
        return self._read(cell.pk)


class GoodPracticeViewSet(viewsets.ReadOnlyModelViewSet):
    """The library of good practices (strengths published by national administrators), across prefectures.
    Filters: q, module and engagement (stable codes), prefecture."""

    queryset = GoodPractice.objects.none()
    serializer_class = GoodPracticeSerializer
    filterset_class = GoodPracticeFilter

    def get_queryset(self):
        if not access.can_view_good_practices(self.request.user):
            return GoodPractice.objects.none()
        return GoodPractice.objects.select_related("module", "engagement").order_by("-published_on", "-pk")
