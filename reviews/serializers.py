import dataclasses

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from reviews import build
from reviews.models import NARRATIVE_MAX_LENGTH, ReviewPdf, YearlyReview
from sites.models import Prefecture


def _indicators_data(indicators):
    return [
        {
            "code": row.indicator.code,
            "name": row.indicator.name,
            "target": row.indicator.target,
            "months": [{"period": cell.period, "value": cell.value, "status": cell.status} for cell in row.cells],
        }
        for row in indicators.rows
    ]


def figures_data(figures):
    """The figures of a review (reviews.build.Review, or national.WiderReview for a region or the whole country) as
    JSON-ready data, section by section; the shares are properties, which asdict leaves out."""
    evaluation = dataclasses.asdict(figures.evaluation)
    if not figures.is_wider:  # a prefecture's review has a total line of complaints; a wider one, commitments' shares
        evaluation["complaints_total"] = dataclasses.asdict(figures.evaluation.complaints_total)
    else:
        for row, counts in zip(evaluation["commitments"], figures.evaluation.commitments, strict=True):
            row["share"] = counts.share
    for row, counts in zip(evaluation["complaints"], figures.evaluation.complaints, strict=True):
        row["in_time_share"] = counts.in_time_share
    return {
        "pilotage": dataclasses.asdict(figures.pilotage),
        "actions": dataclasses.asdict(figures.actions),
        "evaluation": evaluation,
        "indicators": _indicators_data(figures.indicators),
        "outlook": dataclasses.asdict(figures.outlook),
    }


def _absolute(serializer, path):
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


class ReviewPdfSerializer(ModelSerializer):
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = ReviewPdf
        fields = [
            "id",
            "status",
            "progress",
            "step",
            "pages",
            "size",
            "sha256",
            "xlsx_sha256",
            "generated_at",
            "error",
            "pdf_url",
            "xlsx_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, item):
        return _absolute(self, item.file_url) if item.status == ReviewPdf.Status.DONE else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_xlsx_url(self, item):
        return _absolute(self, item.xlsx_url) if item.status == ReviewPdf.Status.DONE else None


class YearlyReviewSerializer(ModelSerializer):
    pdf = serializers.SerializerMethodField(help_text="La dernière production du PDF et du classeur (bilan publié).")
    abilities = AbilitiesField(access.abilities)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = YearlyReview
        fields = [
            "id",
            "prefecture",
            "scope",
            "region",
            "year",
            "status",
            "pilotage_text",
            "actions_text",
            "evaluation_text",
            "indicators_text",
            "outlook_text",
            "published_at",
            "published_by",
            "pdf",
            "page_url",
            "abilities",
        ]
        read_only_fields = ["status", "published_at", "published_by"]
        # one review per place and year: said by reviews.services.review_create, in words of the place
        validators = []
        extra_kwargs = {
            name: {"max_length": NARRATIVE_MAX_LENGTH, "allow_blank": True, "required": False}
            for name in ("pilotage_text", "actions_text", "evaluation_text", "indicators_text", "outlook_text")
        } | {
            "prefecture": {"help_text": "La préfecture d'un bilan de préfecture ; null pour une région ou la France."},
            "scope": {
                "help_text": "« prefecture » (par défaut), « region » ou « national » (administrateurs nationaux)."
            },
            "region": {"help_text": "La région d'un bilan régional (celle des départements) ; vide sinon."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["prefecture"].queryset = access.writable_review_prefectures(
                Prefecture.objects.all(), request.user
            )
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in ("prefecture", "scope", "region", "year"):
                self.fields[name].read_only = True

    @extend_schema_field(ReviewPdfSerializer(allow_null=True))
    def get_pdf(self, review):
        pdfs = getattr(review, "latest_pdfs", None)
        item = pdfs[0] if pdfs else None
        return ReviewPdfSerializer(item, context=self.context).data if item else None

    @extend_schema_field(serializers.URLField())
    def get_page_url(self, review):
        return _absolute(self, reverse("review_detail", kwargs={"pk": review.pk}))


class YearlyReviewDetailSerializer(YearlyReviewSerializer):
    figures = serializers.SerializerMethodField(help_text="Les chiffres du bilan, tirés des registres, par partie.")

    class Meta(YearlyReviewSerializer.Meta):
        fields = [*YearlyReviewSerializer.Meta.fields, "figures"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, review):
        return figures_data(build.for_review(review))
