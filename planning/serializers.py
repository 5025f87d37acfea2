from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from qualipref.lib.drf import AbilitiesField, ModelSerializer, UserScopedFields
from sites.models import Prefecture, Site

from .calendar import fulfilment_url
from .models import RULE_KINDS, PlannedItem, ProgrammeRule, Status


class PlannedItemSerializer(ModelSerializer):
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text="Calculé ce jour : à venir, en cours, réalisé, en retard."
    )
    fulfilment = serializers.SerializerMethodField(
        help_text="Ce qui a réalisé l'élément : {type, id, url} (réunion, audit, campagne, autoévaluation), ou null."
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = PlannedItem
        fields = [
            "id",
            "prefecture",
            "site",
            "year",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "fulfilment",
            "fulfilled_on",
            "rule",
            "abilities",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"type": {"type": "string"}, "id": {"type": "integer"}, "url": {"type": "string"}},
        }
    )
    def get_fulfilment(self, item):
        if item.fulfilment_id is None:
            return None
        content_type = item.fulfilment_type
        return {
            "type": f"{content_type.app_label}.{content_type.model}",
            "id": item.fulfilment_id,
            "url": fulfilment_url(item),
        }


class ProgrammeRuleSerializer(UserScopedFields, ModelSerializer):
    # A prefecture or a site outside the user's scope does not exist for them.
    user_scoped = {"prefecture": Prefecture, "site": Site}

    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in RULE_KINDS])
    label = serializers.CharField(read_only=True, help_text="« Enquête de satisfaction en mai – juin ».")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = ProgrammeRule
        fields = [
            "id",
            "prefecture",
            "kind",
            "site",
            "month",
            "end_month",
            "first_year",
            "active",
            "note",
            "label",
            "abilities",
        ]
        extra_kwargs = {
            "month": {"help_text": "1 à 12 : le mois du CLU, de l'audit interne, le premier de l'enquête."},
            "end_month": {"help_text": "Dernier mois de l'enquête de satisfaction (1 à 12)."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["prefecture"].read_only = True
