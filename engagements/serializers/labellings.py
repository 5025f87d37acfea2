from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from engagements.models import Labelling, LabellingStep, Module, Referential
from engagements.services import labellings as services
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from sites.models import Prefecture, Site

WRITTEN_AT_START = (
    "prefecture",
    "referential",
    "modules",
    "sites",
    "started_on",
    "indicators_since",
    "note",
    "evidence",
)
STEP_CHOICES = [(kind.value, kind.label) for kind in LabellingStep.Kind if kind != LabellingStep.Kind.START]


def _inline_enum(choices, description):
    """A choice field whose values stay inline in the schema (under ``allOf``, where drf-spectacular does not
    turn them into a named component): actions have a ``status`` enum of their own, the names would collide."""
    schema = {"allOf": [{"type": "string", "enum": [value for value, _ in choices]}], "description": description}

    @extend_schema_field(schema)
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField


CycleStatusField = _inline_enum(
    Labelling.Status.choices, "Étape du cycle : " + ", ".join(f"{v} ({label})" for v, label in Labelling.Status.choices)
)
StepKindField = _inline_enum(
    LabellingStep.Kind.choices, ", ".join(f"{v} ({label})" for v, label in LabellingStep.Kind.choices)
)
DecisionField = _inline_enum(Labelling.Decision.choices, "favourable (favorable) ou unfavourable (défavorable)")
OpinionField = _inline_enum(
    [("", "aucun"), *Labelling.Decision.choices], "favourable (favorable) ou unfavourable (défavorable), ou vide"
)
StepField = _inline_enum(STEP_CHOICES, ", ".join(f"{v} ({label})" for v, label in STEP_CHOICES))


class LabellingStepSerializer(ModelSerializer):
    kind = StepKindField(choices=LabellingStep.Kind.choices, read_only=True)
    status = CycleStatusField(choices=Labelling.Status.choices, read_only=True)
    title = serializers.CharField(read_only=True, help_text="« Décision favorable », « Audit de suivi »…")
    evidence = serializers.SerializerMethodField(help_text="Lien de téléchargement du justificatif (session).")
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    audit = serializers.IntegerField(
        source="audit_id",
        read_only=True,
        allow_null=True,
        help_text="L'audit dont la décision ou la clôture a inscrit l'étape (audits/{id}/), sinon null.",
    )
    opinion = OpinionField(
        choices=Labelling.Decision.choices,
        read_only=True,
        help_text="Audit de suivi clos dans Qualipref : avis de l'organisme sur le maintien du label "
        "(favourable, unfavourable) ; vide sinon.",
    )

    class Meta:
        model = LabellingStep
        fields = ["id", "kind", "title", "status", "happened_on", "note", "evidence", "recorded_by", "audit", "opinion"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence(self, step):
        if not step.evidence:
            return None
        url = reverse("labelling_evidence", kwargs={"pk": step.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class _ScopedMixin:
    """Prefectures and sites outside the user's scope do not exist for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        if "prefecture" in self.fields:
            self.fields["prefecture"].queryset = Prefecture.objects.for_user(request.user)
        if "sites" in self.fields:
            self.fields["sites"].child_relation.queryset = Site.objects.for_user(request.user)


class LabellingSerializer(_ScopedMixin, serializers.ModelSerializer):
    """A prefecture's cycle; created in preparation, then moved forward with ``transition``."""

    modules = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Module.objects.all(),
        required=False,
        help_text="Modules du périmètre ; à la création, les modules optionnels choisis (les obligatoires sont "
        "toujours ajoutés).",
    )
    sites = serializers.PrimaryKeyRelatedField(many=True, queryset=Site.objects.all())
    status = CycleStatusField(choices=Labelling.Status.choices, read_only=True)
    decision = DecisionField(choices=Labelling.Decision.choices, read_only=True, allow_blank=True)
    is_late = serializers.BooleanField(read_only=True, help_text="Labellisée et prochain audit dépassé.")
    steps = LabellingStepSerializer(many=True, read_only=True)
    allowed_steps = serializers.SerializerMethodField(help_text="Étapes possibles maintenant (``transition``).")
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    evidence = serializers.FileField(write_only=True, required=False, allow_null=True, default=None)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Labelling
        fields = [
            "id",
            "prefecture",
            "referential",
            "modules",
            "sites",
            "status",
            "granted_on",
            "next_audit_due",
            "renewal_due",
            "started_on",
            "indicators_since",
            "internal_evaluation_on",
            "labelling_audit_on",
            "decision",
            "decision_on",
            "decision_body",
            "ended_on",
            "previous",
            "is_late",
            "steps",
            "allowed_steps",
            "note",
            "evidence",
            "abilities",
        ]
        # The API writes a cycle's perimeter and start (with the note and evidence of its first step); its steps,
        # decision and due dates are the service's (``transition``). Fields declared above keep their own options.
        read_only_fields = [name for name in fields if name not in WRITTEN_AT_START]

    @extend_schema_field(serializers.ListField(child=StepField(choices=STEP_CHOICES)))
    def get_allowed_steps(self, labelling):
        return [str(step) for step in services.allowed_steps(labelling)]


class LabellingTransitionSerializer(serializers.Serializer):
    """One step of a running cycle: ``step`` and its date, with the fields of that step."""

    step = StepField(choices=STEP_CHOICES)
    happened_on = serializers.DateField(help_text="Date de l'étape (pour ``decision`` : date de la décision).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None, help_text=services.EVIDENCE_HELP)
    indicators_since = serializers.DateField(
        required=False, allow_null=True, help_text="``internal_evaluation`` : début du suivi des indicateurs."
    )
    decision = DecisionField(choices=Labelling.Decision.choices, required=False, allow_blank=True)
    decision_body = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text="``decision`` : organisme certificateur."
    )
    renewal_due = serializers.DateField(
        required=False, allow_null=True, help_text="``decision`` favorable : audit de renouvellement avant le."
    )


class LabellingMigrateSerializer(_ScopedMixin, serializers.Serializer):
    """Move the running cycle to another référentiel version: it ends, a new cycle starts in preparation."""

    referential = serializers.PrimaryKeyRelatedField(queryset=Referential.objects.all())
    modules = serializers.PrimaryKeyRelatedField(many=True, queryset=Module.objects.all(), required=False)
    sites = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Site.objects.all(), required=False, help_text="Par défaut : les sites du cycle clos."
    )
    started_on = serializers.DateField()
    indicators_since = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None)
