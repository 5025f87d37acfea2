"""Action plans and actions in the API (docs/api.md: add fields, never rename them).

Writes are validated here for their shape only; engagements.services.actions checks the rules and writes.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from accounts.models import User
from engagements.models import Action, ActionPlan, Engagement, Labelling, Module
from engagements.services.actions import ACTION_FIELDS
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, ModelSerializer, request_user
from sites.models import Prefecture, Site


@extend_schema_field(
    {"type": "string", "description": "Code du statut : todo, in_progress, done, verified, abandoned."}
)
class StatusField(serializers.ChoiceField):
    """The status in the write payloads; the read payload (ActionSerializer) names its enum once for all."""

    def __init__(self, **kwargs):
        super().__init__(choices=Action.Status.choices, **kwargs)


class ActionPlanSerializer(ModelSerializer):
    actions_count = serializers.IntegerField(read_only=True, help_text="Nombre d'actions du plan.")
    open_count = serializers.IntegerField(read_only=True, help_text="Actions à lancer ou en cours.")
    overdue_count = serializers.IntegerField(read_only=True, help_text="Actions ouvertes dont l'échéance est passée.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "prefecture",
            "labelling",
            "title",
            "actions_count",
            "open_count",
            "overdue_count",
            "created_at",
            "abilities",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            # What the user may not see does not exist for them.
            self.fields["prefecture"].queryset = Prefecture.objects.for_user(user)
            self.fields["labelling"].queryset = Labelling.objects.for_user(user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["prefecture"].read_only = True


class CopyOpenActionsSerializer(serializers.Serializer):
    from_plan = serializers.PrimaryKeyRelatedField(
        queryset=ActionPlan.objects.none(), help_text="Plan dont les actions ouvertes sont reprises."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["from_plan"].queryset = ActionPlan.objects.for_user(user)


class ActionSerializer(ModelSerializer):
    """An action; ``source_type``/``source_id`` name the object it was created from (an audit finding...)."""

    source_type = serializers.SerializerMethodField(help_text="Type de l'objet d'origine (« audits.finding »…).")
    owner_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text="Ouverte et échéance passée.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "prefecture",
            "plan",
            "site",
            "module",
            "engagement",
            "source",
            "source_type",
            "source_id",
            "owner",
            "owner_name",
            "due_on",
            "status",
            "progress",
            "priority",
            "description",
            "abandon_reason",
            "completed_on",
            "effectiveness",
            "verified_by",
            "verified_on",
            "overdue",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields

    def get_source_type(self, action) -> str | None:
        return f"{action.source_type.app_label}.{action.source_type.model}" if action.source_type_id else None

    def get_owner_name(self, action) -> str | None:
        return (action.owner.get_full_name() or action.owner.username) if action.owner_id else None

    def get_overdue(self, action) -> bool:
        return action.is_overdue()


def _scoped(field, queryset):
    field.queryset = queryset
    return field


class ActionWriteSerializer(ModelSerializer):
    """Fields a client may send; the service decides whether the change is allowed."""

    due_on = serializers.DateField(required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)
    progress = bounds.IntegerField(required=False)
    effectiveness = serializers.ChoiceField(choices=Action.Effectiveness.choices, required=False, allow_null=True)
    status = StatusField(required=False)

    class Meta:
        model = Action
        fields = ["plan", *ACTION_FIELDS]
        extra_kwargs = {"title": {"required": False}, "plan": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            _scoped(self.fields["plan"], ActionPlan.objects.for_user(user))
            _scoped(self.fields["site"], Site.objects.for_user(user))
            _scoped(self.fields["owner"], User.objects.filter(is_active=True))
            _scoped(self.fields["module"], Module.objects.all())
            _scoped(self.fields["engagement"], Engagement.objects.all())

    def validate(self, attrs):
        creating = self.instance is None
        if creating:
            missing = [name for name in ("plan", "title") if not attrs.get(name)]
            if missing:
                raise serializers.ValidationError(dict.fromkeys(missing, "Ce champ est obligatoire."))
            refused = {"status", "progress", "abandon_reason", "completed_on", "effectiveness"} & set(attrs)
            if refused:
                raise serializers.ValidationError(
                    dict.fromkeys(refused, "Une nouvelle action est « à lancer » : changez-la ensuite.")
                )
        elif "plan" in attrs:
            raise serializers.ValidationError({"plan": "Une action ne change pas de plan d'action."})
        return attrs


class BulkStatusSerializer(serializers.Serializer):
    actions = serializers.ListField(child=bounds.IdField(), allow_empty=False, max_length=500)
    status = StatusField()
    abandon_reason = serializers.CharField(required=False, allow_blank=True, default="")
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    effectiveness = serializers.ChoiceField(
        choices=Action.Effectiveness.choices, required=False, allow_null=True, default=None
    )


class BulkStatusResultSerializer(serializers.Serializer):
    updated = serializers.ListField(child=serializers.IntegerField(), help_text="Actions dont le statut a changé.")


class ActionFieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text="Nom du champ en français.")
    old = serializers.JSONField(help_text="Valeur brute (code, identifiant, date AAAA-MM-JJ).")
    new = serializers.JSONField()
    old_display = serializers.CharField(help_text="Valeur lisible : libellé, nom, date JJ/MM/AAAA.")
    new_display = serializers.CharField()


class ActionHistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    user = serializers.SerializerMethodField()
    user_id = serializers.SerializerMethodField()
    kind = serializers.CharField(help_text="« creation » ou « modification ».")
    reason = serializers.CharField()
    changes = ActionFieldChangeSerializer(many=True)

    def get_user(self, entry) -> str | None:
        return entry.user_display if entry.user is not None else None

    def get_user_id(self, entry) -> int | None:
        return entry.user.pk if entry.user is not None else None

    def to_representation(self, entry):
        data = super().to_representation(entry)
        for change in data["changes"]:
            for key in ("old", "new"):
                value = change[key]
                if hasattr(value, "isoformat"):
                    change[key] = value.isoformat()
        return data
