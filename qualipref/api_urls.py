"""Every API route, in one readable list (docs/api.md is the public contract: add, never rename)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, MembershipViewSet, MeView, NotificationViewSet, TokenView
from audits.api import AssessmentViewSet, AuditViewSet, FindingViewSet, GoodPracticeViewSet
from complaints.api import ComplaintViewSet
from complaints.correspondence.api import CorrespondenceViewSet
from complaints.inbound.api import InboundMessageViewSet
from crisis.api import CrisisEventViewSet, OnCallShiftViewSet, PressReleaseViewSet
from engagements.api.actions import ActionPlanViewSet, ActionViewSet
from engagements.api.documents import DocumentVersionViewSet, QualityDocumentViewSet
from engagements.api.labellings import LabellingViewSet
from engagements.api.meetings import MeetingViewSet, TrainingViewSet
from engagements.api.referentials import EngagementViewSet, ModuleViewSet, ReferentialViewSet
from engagements.api.trainings import TraineeViewSet, TrainingSessionViewSet
from indicators.api import FootfallHeatmapView, FootfallImportView, IndicatorViewSet, MeasurementViewSet
from planning.api import PlannedItemViewSet, ProgrammeRuleViewSet
from qualipref.lib.drf import grouped_routes
from qualipref.lib.schema_view import SchemaView
from reviews.api import YearlyReviewViewSet
from sites.api import DepartmentViewSet, PrefectureViewSet, SiteViewSet
from surveys.api import CampaignViewSet, QuestionnaireViewSet

app_name = "api"

router = DefaultRouter()
# The requesting user's own API tokens (the token itself is obtained at auth/token/ or by POST here).
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
router.register("departments", DepartmentViewSet, basename="department")
router.register("prefectures", PrefectureViewSet, basename="prefecture")
router.register("sites", SiteViewSet, basename="site")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("referentials", ReferentialViewSet, basename="referential")
router.register("modules", ModuleViewSet, basename="module")
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("labellings", LabellingViewSet, basename="labelling")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("actions", ActionViewSet, basename="action")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("trainings", TrainingViewSet, basename="training")
router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
router.register("trainees", TraineeViewSet, basename="trainee")
router.register("documents", QualityDocumentViewSet, basename="document")
router.register("document-versions", DocumentVersionViewSet, basename="document-version")
router.register("audits", AuditViewSet, basename="audit")
router.register("findings", FindingViewSet, basename="finding")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("good-practices", GoodPracticeViewSet, basename="good-practice")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("correspondences", CorrespondenceViewSet, basename="correspondence")
router.register("inbound-messages", InboundMessageViewSet, basename="inbound-message")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("surveys", CampaignViewSet, basename="survey")
router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("programme-items", PlannedItemViewSet, basename="programme-item")
router.register("programme-rules", ProgrammeRuleViewSet, basename="programme-rule")
router.register("reviews", YearlyReviewViewSet, basename="review")
router.register("on-call-shifts", OnCallShiftViewSet, basename="on-call-shift")
router.register("crisis-events", CrisisEventViewSet, basename="crisis-event")
router.register("press-releases", PressReleaseViewSet, basename="press-release")

# Redoc runs its search in a Web Worker created from a blob: URL: allowed on that page only (enforced or report-only).
REDOC_WORKERS = {"worker-src": ["'self'", "blob:"]}
redoc_view = csp_update(REDOC_WORKERS, REPORT_ONLY=True)(
    csp_update(REDOC_WORKERS)(SpectacularRedocView.as_view(url_name="api:schema"))
)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("users/me/", MeView.as_view(), name="me"),
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI's setup script served as a file (?script): the Content-Security-Policy allows no inline script
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", redoc_view, name="redoc"),
    path("footfall/import/", FootfallImportView.as_view(), name="footfall-import"),
    path("footfall/heatmap/<int:site_pk>/", FootfallHeatmapView.as_view(), name="footfall-heatmap"),
    path("", include(grouped_routes(router))),
]
