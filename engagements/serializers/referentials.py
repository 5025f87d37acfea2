from rest_framework import serializers

from accounts import access
from engagements.models import Engagement, Module, Referential
from qualipref.lib.drf import AbilitiesField, ModelSerializer


class ReferentialSerializer(ModelSerializer):
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Referential
        fields = ["id", "code", "name", "version", "follow_up_months", "published_on", "scope", "source", "abilities"]


class ModuleSerializer(ModelSerializer):
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Module
        fields = ["id", "referential", "number", "code", "title", "mandatory", "description", "abilities"]


class EngagementTargetSerializer(serializers.Serializer):
    """The measurable promise of an engagement: « lt 15 jours ouvrés », followed by an indicator."""

    indicator = serializers.CharField(source="target_indicator", help_text="Code de l'indicateur qui suit la cible.")
    comparison = serializers.ChoiceField(source="target_comparison", choices=Engagement.Comparison.choices)
    value = serializers.DecimalField(source="target_value", max_digits=10, decimal_places=2, coerce_to_string=False)
    unit = serializers.CharField(source="target_unit")
    label = serializers.CharField(
        source="target_label", help_text="La cible en mots : « inférieur à 15 jours ouvrés »."
    )

    def to_representation(self, instance):
        return super().to_representation(instance) if instance.has_target else None


class EngagementSerializer(ModelSerializer):
    target = EngagementTargetSerializer(source="*", read_only=True, allow_null=True)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "code",
            "referential",
            "module",
            "number",
            "title",
            "kind",
            "text",
            "reconstructed",
            "target",
            "abilities",
        ]
