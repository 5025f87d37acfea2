from rest_framework import serializers

from accounts import access
from accounts.models import User
from crisis.models import CrisisEvent, CrisisLesson, OnCallShift, PressRelease
from engagements.serializers.meetings import TextWithActionSerializer, created_action_field, scope_prefecture
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, ModelSerializer


def _moment(help_text):
    return serializers.DateTimeField(validators=[bounds.check_date], help_text=help_text)


class PrefectureScopedSerializer(ModelSerializer):
    """The prefecture is one the requesting user sees (others « do not exist ») and never changes after creation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope_prefecture(self)


class OnCallShiftSerializer(PrefectureScopedSerializer):
    person = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Identifiant de l'agent d'astreinte s'il a un compte (sinon person_name).",
    )
    person_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="Nom de l'agent d'astreinte sans compte."
    )
    who = serializers.CharField(read_only=True, help_text="Nom de l'agent d'astreinte (compte ou nom).")
    starts_at = _moment("Début (ISO 8601 ; sans fuseau : heure de Paris).")
    ends_at = _moment("Fin, après le début.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = OnCallShift
        fields = ["id", "prefecture", "person", "person_name", "who", "phone", "starts_at", "ends_at", "abilities"]
        extra_kwargs = {"phone": {"allow_blank": True}}


class CrisisLessonSerializer(TextWithActionSerializer):
    action = created_action_field("de l'enseignement")

    class Meta(TextWithActionSerializer.Meta):
        model = CrisisLesson


class LessonCreateSerializer(serializers.Serializer):
    # Blank texts reach the service, which refuses them with its own message.
    text = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text="Texte de l'enseignement.")


class CrisisEventSerializer(PrefectureScopedSerializer):
    alert_received_at = _moment("Réception de l'alerte (ISO 8601).")
    operational_at = _moment("Cellule opérationnelle (ISO 8601), pas avant l'alerte.")
    activation_minutes = serializers.IntegerField(read_only=True, help_text="Délai d'activation calculé (minutes).")
    lessons = CrisisLessonSerializer(
        many=True, read_only=True, help_text="Ajoutés par POST crisis-events/{id}/lessons/ (exercices)."
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = CrisisEvent
        fields = [
            "id",
            "prefecture",
            "kind",
            "title",
            "with_cip",
            "alert_received_at",
            "operational_at",
            "activation_minutes",
            "description",
            "lessons",
            "abilities",
        ]
        extra_kwargs = {"title": {"allow_blank": True}}


class PressReleaseSerializer(PrefectureScopedSerializer):
    number = bounds.IntegerField(
        required=False, allow_null=True, help_text="Numéro dans l'année ; absent : le suivant de l'année."
    )
    year = serializers.IntegerField(read_only=True, help_text="Année de diffusion (heure de Paris).")
    event = serializers.PrimaryKeyRelatedField(
        queryset=CrisisEvent.objects.none(), required=False, allow_null=True, help_text="Événement du journal."
    )
    issued_at = _moment("Diffusion (ISO 8601).")
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=PressRelease.Channel.choices),
        allow_empty=True,
        help_text="Canaux : website, social, press.",
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = PressRelease
        fields = [
            "id",
            "prefecture",
            "year",
            "number",
            "title",
            "event",
            "issued_at",
            "channels",
            "validated_by",
            "abilities",
        ]
        extra_kwargs = {"title": {"allow_blank": True}, "validated_by": {"allow_blank": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["event"].queryset = CrisisEvent.objects.for_user(request.user)
