from rest_framework import serializers

from accounts import access
from accounts.models import User
from engagements.models import ActionPlan, Meeting, MeetingDecision, Trainee, Training
from engagements.services import trainings as services
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from sites.models import Prefecture, Site


def scope_prefecture(serializer):
    """The ``prefecture`` of a record (a meeting, a crisis register's line) is one the requesting user sees (a
    prefecture outside their scope does not exist for them) and never changes after creation."""
    request = serializer.context.get("request")
    if request is not None:
        serializer.fields["prefecture"].queryset = Prefecture.objects.for_user(request.user)
    if serializer.instance is not None and not isinstance(serializer.instance, list | tuple):
        serializer.fields["prefecture"].read_only = True


# A text that becomes an action of the plan in one step (a meeting's decision, an exercise's lesson), with the id of
# that action; a subclass names its model (``Meta(TextWithActionSerializer.Meta)``) and declares ``action`` with
# ``created_action_field``. (A comment, not a docstring: the API schema would show it for every subclass.)
class TextWithActionSerializer(ModelSerializer):
    class Meta:
        fields = ["id", "text", "action"]


def created_action_field(of_text):
    """The ``action`` of a TextWithActionSerializer: ``of_text`` is « de la décision », « de l'enseignement »."""
    return serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=f"L'action du plan d'action créée à partir {of_text} (null sinon)."
    )


class MeetingDecisionSerializer(TextWithActionSerializer):
    action = created_action_field("de la décision")

    class Meta(TextWithActionSerializer.Meta):
        model = MeetingDecision


class MeetingSerializer(ModelSerializer):
    decisions = MeetingDecisionSerializer(
        many=True, read_only=True, help_text="Ajoutées par POST meetings/{id}/decisions/."
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Meeting
        fields = ["id", "prefecture", "kind", "held_on", "attendees", "minutes", "decisions", "abilities"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope_prefecture(self)


class DecisionCreateSerializer(serializers.Serializer):
    # Blank texts reach the service, which refuses them with its own message.
    text = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text="Texte de la décision.")


class DecisionToActionSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=ActionPlan.objects.none(),
        required=False,
        allow_null=True,
        help_text="Plan d'action de la préfecture ; par défaut celui du cycle en cours, sinon le plus récent.",
    )
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(),
        required=False,
        allow_null=True,
        help_text="Site concerné (null : toute la préfecture).",
    )
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Identifiant du pilote.",
    )
    due_on = serializers.DateField(required=False, allow_null=True, help_text="Échéance (AAAA-MM-JJ).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["plan"].queryset = ActionPlan.objects.for_user(request.user)
            self.fields["site"].queryset = Site.objects.for_user(request.user)


class TrainingSerializer(ModelSerializer):
    person = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text="Identifiant de la personne formée ; null pour une personne sans compte (voir ``trainee``).",
    )
    trainee = serializers.PrimaryKeyRelatedField(
        queryset=Trainee.objects.none(),
        required=False,
        allow_null=True,
        help_text="La personne sans compte formée (null pour un agent avec compte).",
    )
    person_name = serializers.CharField(source="person_label", read_only=True)
    session = serializers.SerializerMethodField(help_text="La session dont la présence a donné cette formation.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Training
        fields = [
            "id",
            "person",
            "person_name",
            "site",
            "course",
            "reception",
            "trained_on",
            "abilities",
            "trainee",
            "session",
        ]

    def get_session(self, training) -> int | None:
        enrolment = getattr(training, "enrolment", None)
        return enrolment.session_id if enrolment is not None else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Sites and people outside the user's scope do not exist for them.
            sites = Site.objects.for_user(request.user)
            self.fields["site"].queryset = sites
            self.fields["person"].queryset = services.training_people(request.user, sites=sites)
            self.fields["trainee"].queryset = Trainee.objects.for_user(request.user)

    def validate(self, attrs):
        if self.instance is None and "person" not in attrs and "trainee" not in attrs:
            raise serializers.ValidationError({"person": "Indiquez la personne formée (person ou trainee)."})
        return attrs


class AgentToTrainSerializer(serializers.Serializer):
    """A reception agent of a site (with an account, or a trainee) whose latest reception training is older than 4
    years, or missing (a row of engagements.services.trainings.people_to_train)."""

    person = serializers.CharField(source="username_", allow_null=True, help_text="Null pour une personne sans compte.")
    person_name = serializers.SerializerMethodField()
    site = serializers.IntegerField(source="site_id_")
    last_reception_training_on = serializers.DateField(allow_null=True)
    trainee = serializers.IntegerField(source="trainee_id_", allow_null=True, help_text="La personne sans compte.")
    planned = serializers.BooleanField(help_text="Inscrit(e) à une session d'accueil à venir.")

    def get_person_name(self, row) -> str:
        return f"{row['first_name_']} {row['last_name_']}".strip()

    def to_representation(self, row):
        data = super().to_representation(row)
        data["person"] = data["person"] or None
        return data


class AgentsNotTrainedQuerySerializer(serializers.Serializer):
    site = bounds.IdField(required=False, help_text="Un site.")
    prefecture = bounds.IdField(required=False, help_text="Les sites d'une préfecture.")
    on = serializers.DateField(required=False, help_text="À la date du (aujourd'hui par défaut).")
