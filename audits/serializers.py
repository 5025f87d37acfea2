"""Audits, findings, assessments and good practices in the API (docs/api.md: add fields, never rename them).

Writes are validated here for their shape only; audits.services checks the rules and writes.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from accounts.models import User
from audits.models import Assessment, Audit, AuditReport, Finding, GoodPractice
from audits.services import audits as audit_services
from engagements.models import ActionPlan, Engagement, Labelling, Module
from qualipref.lib.drf import AbilitiesField, ModelSerializer, RequiredOnCreate, UserScopedFields
from sites.models import Site


def _absolute(serializer, url):
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


COUNT_FIELDS = [f"{category}_count" for category in Finding.Category.values]


class AuditSerializer(ModelSerializer):
    """An audit of a labelling cycle; ``report_due_on`` (last audit day + 15 days) and ``status`` are written by
    the services (``transition``, ``decision``)."""

    auditors = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    counts = serializers.SerializerMethodField(
        help_text="Nombre de constats par catégorie : strength, improvement, sensitive_point, minor_nonconformity, "
        "major_nonconformity."
    )
    report_late = serializers.SerializerMethodField(help_text="Rapport attendu et non remis à ce jour.")
    report_url = serializers.SerializerMethodField(help_text="Le rapport PDF (GET audits/{id}/report/).")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Audit
        fields = [
            "id",
            "kind",
            "prefecture",
            "labelling",
            "sites",
            "modules",
            "body",
            "auditors",
            "start_on",
            "end_on",
            "report_due_on",
            "report_late",
            "status",
            "access_from",
            "access_until",
            "report_delivered_on",
            "responded_on",
            "closed_on",
            "decision",
            "decision_on",
            "summary",
            "counts",
            "report_url",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields

    def get_counts(self, audit) -> dict[str, int]:
        return {category: getattr(audit, f"{category}_count", 0) for category in Finding.Category.values}

    def get_report_late(self, audit) -> bool:
        return audit.is_report_late()

    def get_report_url(self, audit) -> str:
        return _absolute(self, reverse("api:audit-report", kwargs={"pk": audit.pk}))


class AuditWriteSerializer(RequiredOnCreate, UserScopedFields, ModelSerializer):
    """What a client sends to plan an audit (``labelling`` at creation only) or change it."""

    user_scoped = {"labelling": Labelling, "sites": Site}
    required_on_create = ("labelling", "kind", "body", "start_on", "end_on")
    fixed_after_create = {"labelling": "Un audit ne change pas de cycle de labellisation."}

    labelling = serializers.PrimaryKeyRelatedField(queryset=Labelling.objects.none(), required=False)
    sites = serializers.PrimaryKeyRelatedField(many=True, queryset=Site.objects.all(), required=False)
    modules = serializers.PrimaryKeyRelatedField(many=True, queryset=Module.objects.all(), required=False)
    auditors = serializers.SlugRelatedField(
        slug_field="username", many=True, queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Audit
        fields = ["labelling", *audit_services.FIELDS]
        extra_kwargs = {name: {"required": False} for name in fields}


class AuditTransitionSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=[(step, label) for step, (_, label, _) in audit_services.STEPS.items()],
        help_text="start, write, deliver, respond ou close.",
    )
    on = serializers.DateField(required=False, help_text="Date de l'étape (aujourd'hui par défaut).")
    opinion = serializers.ChoiceField(
        choices=Audit.Decision.choices,
        required=False,
        help_text="Clôture (close) d'un audit de suivi seulement, et alors obligatoire : avis de l'organisme sur le "
        "maintien du label, favourable ou unfavourable. L'audit de suivi s'inscrit au cycle de labellisation "
        "(étape follow_up_audit liée à l'audit) et next_audit_due avance d'une période.",
    )


class AuditDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Audit.Decision.choices)
    decided_on = serializers.DateField()
    renewal_due = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AuditReportSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField()
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = AuditReport
        fields = [
            "id",
            "status",
            "progress",
            "pages",
            "size",
            "sha256",
            "generated_at",
            "delivered_on",
            "download_url",
            "abilities",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, report):
        if report.status != AuditReport.Status.DONE:
            return None
        return _absolute(self, reverse("audit_report_file", kwargs={"pk": report.audit_id, "report_pk": report.pk}))


# --- findings -------------------------------------------------------------------------------------------


class FindingSerializer(ModelSerializer):
    engagement_code = serializers.CharField(source="engagement.code", read_only=True, allow_null=True, default=None)
    actions = serializers.SerializerMethodField(help_text="Identifiants des actions correctives du plan d'action.")
    cause_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Finding.CauseCategory.choices),
        read_only=True,
        help_text="Catégories de causes d'une non-conformité.",
    )
    cause_whys = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Les « pourquoi ? » successifs (au plus cinq)."
    )
    effectiveness_evidence = serializers.SerializerMethodField(
        help_text="Lien de téléchargement du document de preuve de l'efficacité (session)."
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Finding
        fields = [
            "id",
            "audit",
            "site",
            "engagement",
            "engagement_code",
            "module",
            "category",
            "text",
            "response",
            "response_due_on",
            "responded_on",
            "closed_on",
            "verified_in",
            "actions",
            "cause_categories",
            "cause_whys",
            "cause_analysis",
            "analysed_on",
            "analysed_by",
            "correction",
            "corrected_on",
            "effective",
            "effectiveness_checked_on",
            "effectiveness_checked_by",
            "effectiveness_evidence",
            "effectiveness_evidence_text",
            "effectiveness_comment",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields

    def get_actions(self, finding) -> list[int]:
        return [link.action_id for link in finding.action_links.all()]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_effectiveness_evidence(self, finding):
        if not finding.effectiveness_evidence:
            return None
        return _absolute(self, reverse("finding_effectiveness_evidence", kwargs={"pk": finding.pk}))


class FindingWriteSerializer(RequiredOnCreate, UserScopedFields, ModelSerializer):
    user_scoped = {"audit": Audit}
    required_on_create = ("audit", "category", "text")
    fixed_after_create = {"audit": "Un constat ne change pas d'audit."}

    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.none(), required=False)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    engagement = serializers.PrimaryKeyRelatedField(
        queryset=Engagement.objects.select_related("module"), required=False, allow_null=True
    )

    class Meta:
        model = Finding
        fields = ["audit", "category", "site", "engagement", "text"]
        extra_kwargs = {"category": {"required": False}, "text": {"required": False}}


class FindingResponseSerializer(serializers.Serializer):
    response = serializers.CharField()
    response_due_on = serializers.DateField(required=False, allow_null=True)


class FindingActionSerializer(UserScopedFields, serializers.Serializer):
    user_scoped = {"plan": ActionPlan}

    title = serializers.CharField(required=False, allow_blank=True, max_length=250)
    description = serializers.CharField(required=False, allow_blank=True)
    plan = serializers.PrimaryKeyRelatedField(queryset=ActionPlan.objects.none(), required=False, allow_null=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    due_on = serializers.DateField(required=False, allow_null=True)


class FindingCloseSerializer(UserScopedFields, serializers.Serializer):
    user_scoped = {"verified_in": Audit}

    verified_in = serializers.PrimaryKeyRelatedField(
        queryset=Audit.objects.none(), help_text="L'audit ultérieur qui a vérifié l'efficacité des actions."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingAnalysisSerializer(serializers.Serializer):
    """The cause analysis and the immediate correction of a non-conformity (what is not sent is emptied)."""

    cause_categories = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Parmi personnel, methods, equipment, environment, communication ; au moins une avec l'analyse.",
    )
    cause_whys = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=list,
        help_text="Les réponses aux « pourquoi ? » successifs, au plus cinq.",
    )
    cause_analysis = serializers.CharField(required=False, allow_blank=True, default="")
    correction = serializers.CharField(required=False, allow_blank=True, default="")
    corrected_on = serializers.DateField(required=False, allow_null=True, default=None)


class FindingEffectivenessSerializer(UserScopedFields, serializers.Serializer):
    """The effectiveness check at closure (JSON, or multipart with ``evidence``, a document)."""

    user_scoped = {"verified_in": Audit}

    effective = serializers.BooleanField(help_text="true : la non-conformité est levée ; false : elle reste ouverte.")
    checked_on = serializers.DateField()
    evidence = serializers.FileField(required=False, allow_null=True, default=None)
    evidence_text = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    verified_in = serializers.PrimaryKeyRelatedField(
        queryset=Audit.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text="L'audit ultérieur qui a vérifié l'efficacité (obligatoire pour lever).",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- the grid -----------------------------------------------------------------------------------------


class AssessmentSerializer(ModelSerializer):
    """A cell of the grid (engagement × site). ``POST`` writes a cell (created or changed: one per engagement and
    site), ``PATCH`` changes its result or comment."""

    engagement_code = serializers.CharField(source="engagement.code", read_only=True)
    evidence = serializers.SerializerMethodField(help_text="Lien de téléchargement du justificatif (session).")
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "audit",
            "engagement",
            "engagement_code",
            "site",
            "result",
            "comment",
            "origin",
            "evidence",
            "assessed_by",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence(self, cell):
        if not cell.evidence:
            return None
        return _absolute(self, reverse("assessment_evidence", kwargs={"pk": cell.audit_id, "cell_pk": cell.pk}))


class AssessmentWriteSerializer(UserScopedFields, serializers.Serializer):
    user_scoped = {"audit": Audit}

    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.none(), required=False)
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.all(), required=False)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False)
    result = serializers.ChoiceField(choices=Assessment.Result.choices, required=False)
    comment = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.FileField(required=False)


class GoodPracticeSerializer(ModelSerializer):
    module_code = serializers.CharField(source="module.code", read_only=True, allow_null=True, default=None)
    engagement_code = serializers.CharField(source="engagement.code", read_only=True, allow_null=True, default=None)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = GoodPractice
        fields = [
            "id",
            "title",
            "text",
            "prefecture",
            "site",
            "module",
            "module_code",
            "engagement",
            "engagement_code",
            "published_on",
            "abilities",
        ]
        read_only_fields = fields
