from rest_framework import serializers

from accounts import access
from accounts.models import User
from engagements.models import Enrolment, Trainee, TrainingKind, TrainingSession
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from sites.models import Site


class TraineeSerializer(ModelSerializer):
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Trainee
        fields = [
            "id",
            "site",
            "first_name",
            "last_name",
            "service",
            "position",
            "reception_agent",
            "started_on",
            "left_on",
            "anonymised_on",
            "abilities",
        ]
        read_only_fields = ["anonymised_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["site"].queryset = Site.objects.for_user(request.user)
        if self.instance is None:
            self.fields.pop("left_on")


class EnrolmentSerializer(ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="Identifiant de l'agent.")
    person_name = serializers.CharField(source="person_label", read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "user", "trainee", "person_name", "attended", "training"]


class TrainingSessionSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=TrainingKind.choices, help_text="reception, on_call, cip ou other.")
    enrolments = EnrolmentSerializer(many=True, read_only=True, help_text="Par POST training-sessions/{id}/enrol/.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "site",
            "course",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "min_enrolled",
            "attendance_recorded_at",
            "enrolments",
            "abilities",
        ]
        read_only_fields = ["attendance_recorded_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["site"].queryset = Site.objects.for_user(request.user)


class EnrolSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="Identifiant de l'agent à inscrire (ou ``trainee``).",
    )
    trainee = serializers.PrimaryKeyRelatedField(
        queryset=Trainee.objects.none(), required=False, allow_null=True, help_text="Personne sans compte à inscrire."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["trainee"].queryset = Trainee.objects.for_user(request.user)


class UnenrolSerializer(serializers.Serializer):
    enrolment = bounds.IdField(help_text="L'inscription à annuler.")


class AttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=bounds.IdField(), help_text="Ids des inscriptions présentes ; les autres sont absentes."
    )
