"""``reviews/``: the yearly quality reviews of the prefectures the user reads (their quality manager, managers,
national administrators).

- ``GET reviews/`` lists them; ``GET reviews/{id}/`` adds their ``figures``, built from the registers;
- ``POST reviews/`` ``{"prefecture", "year"}`` drafts one; ``{"scope": "region", "region", "year"}`` or
  ``{"scope": "national", "year"}`` a region's or the whole country's (national administrators);
  ``PATCH reviews/{id}/`` changes the narrative of its
  sections (a draft only);
- ``POST reviews/{id}/publish/`` publishes it and asks for its PDF and workbook (``pdf``: their production, then
  ``pdf_url`` and ``xlsx_url``, the permission-checked downloads of the pages).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from qualipref.lib.drf import ReadWriteViewSet
from reviews import services
from reviews.models import ReviewPdf, YearlyReview
from reviews.serializers import YearlyReviewDetailSerializer, YearlyReviewSerializer


class YearlyReviewViewSet(ReadWriteViewSet):
    """Yearly quality reviews (« bilans annuels de la démarche qualité »)."""

    queryset = YearlyReview.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = YearlyReviewSerializer
    filterset_fields = ["prefecture", "scope", "region", "year", "status"]

    def get_serializer_class(self):
        return YearlyReviewDetailSerializer if self.action == "retrieve" else YearlyReviewSerializer

    def get_queryset(self):
        return (
            YearlyReview.objects.for_user(self.request.user)
            .select_related("prefecture__department")
            .prefetch_related(
                Prefetch("pdfs", queryset=ReviewPdf.objects.order_by("-pk"), to_attr="latest_pdfs"),
            )
            .order_by("-year", "prefecture__department_id", "pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        review = services.review_create(
            by=self.request.user,
            prefecture=data.get("prefecture"),
            year=data["year"],
            scope=data.get("scope", YearlyReview.Scope.PREFECTURE),
            region=data.get("region", ""),
        )
        narratives = {name: value for name, value in data.items() if name.endswith("_text")}
        if narratives:
            review = services.review_update(by=self.request.user, review=review, **narratives)
        serializer.instance = review

    def perform_update(self, serializer):
        serializer.instance = services.review_update(
            by=self.request.user, review=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses=YearlyReviewSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the review: its text no longer changes; its PDF and workbook are produced by the worker."""
        review = services.review_publish(by=request.user, review=self.get_object())
        review = self.get_queryset().get(pk=review.pk)
        return Response(YearlyReviewSerializer(review, context=self.get_serializer_context()).data)
