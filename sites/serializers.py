from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts import access
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from sites.models import Department, Prefecture, Service, Site


class DepartmentSerializer(ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "region"]


class PrefectureSerializer(ModelSerializer):
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        validators=[UniqueValidator(Prefecture.objects.all(), message="Ce département a déjà une préfecture.")],
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Prefecture
        fields = ["id", "name", "department", "abilities"]


class ServiceSerializer(ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "is_active"]


class SiteSerializer(ModelSerializer):
    department = serializers.CharField(source="prefecture.department_id", read_only=True)
    services = ServiceSerializer(many=True, read_only=True)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "kind",
            "prefecture",
            "department",
            "address",
            "postal_code",
            "city",
            "opening_hours",
            "accessibility_notes",
            "is_active",
            "services",
            "abilities",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "prefecture" in self.fields:
            # A prefecture outside the user's scope does not exist for them.
            self.fields["prefecture"].queryset = Prefecture.objects.for_user(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["prefecture"].read_only = True
