"""Serializers of ``surveys/`` (campaigns), their responses and results, and ``questionnaires/``.

Writes are validated here for their shape only; surveys.services checks the rules and writes.
"""

from rest_framework import serializers

from accounts import access
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, ModelSerializer, UserScopedFields
from sites.models import Prefecture, Service, Site
from surveys.models import Campaign, Question, Questionnaire


class QuestionOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class QuestionSerializer(ModelSerializer):
    options = QuestionOptionSerializer(many=True, read_only=True, help_text="Les options d'une question à choix.")

    class Meta:
        model = Question
        fields = ["code", "position", "label", "text", "help_text", "kind", "is_local", "options"]
        extra_kwargs = {
            "kind": {
                "help_text": "scale : 1 à 4 ; yes_no : true (« Oui ») ou false (« Non ») ; single_choice : le code "
                "d'une option ; multiple_choice : une liste de codes d'options ; free_text : un texte."
            }
        }


class VersionCreateSerializer(serializers.Serializer):
    """``POST questionnaires/``: a prefecture's version, in preparation, from a national version or one of its own."""

    prefecture = bounds.IdField()
    based_on = bounds.IdField(help_text="La version dont les questions sont reprises.")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class LocalQuestionAddSerializer(serializers.Serializer):
    """``POST questionnaires/{id}/questions/``: a local question at the end of the version."""

    code = serializers.CharField(max_length=40)
    label = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        help_text="Les libellés des options d'une question à choix (au moins deux) ; leurs codes en sont tirés.",
    )
    help_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class QuestionMoveSerializer(serializers.Serializer):
    """``POST questionnaires/{id}/questions/{code}/move/``: one place up or down."""

    DIRECTIONS = {"up": -1, "down": 1}

    direction = serializers.ChoiceField(
        choices=[("up", "Vers le haut"), ("down", "Vers le bas")],
        error_messages={"invalid_choice": "« {input} » : indiquez « up » (vers le haut) ou « down » (vers le bas)."},
    )


class QuestionnaireSerializer(ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "code",
            "version",
            "audience",
            "title",
            "introduction",
            "published_on",
            "prefecture",
            "based_on",
            "questions",
            "abilities",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "published_on": {"help_text": "null : version d'une préfecture en préparation."},
            "prefecture": {"help_text": "null : version nationale ; sinon la préfecture qui l'a adaptée."},
        }


class CampaignSerializer(ModelSerializer):
    """A campaign (docs/api.md: ``surveys/``)."""

    sites = serializers.SerializerMethodField(help_text="Identifiants des sites de la campagne.")
    published_sites = serializers.SerializerMethodField(help_text="Sites dont les résultats sont publiés.")
    questionnaire_code = serializers.CharField(source="questionnaire.code", read_only=True)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "prefecture",
            "sites",
            "services",
            "questionnaire",
            "questionnaire_code",
            "kind",
            "opens_on",
            "closes_on",
            "channels",
            "target_responses",
            "target_rate",
            "status",
            "published_sites",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields

    def get_sites(self, campaign) -> list[int]:
        return sorted(campaign_site.site_id for campaign_site in campaign.campaign_sites.all())

    def get_published_sites(self, campaign) -> list[int]:
        return sorted(cs.site_id for cs in campaign.campaign_sites.all() if cs.published_at is not None)


class CampaignWriteSerializer(UserScopedFields, serializers.Serializer):
    """Fields a client may send; the service decides whether the change is allowed."""

    # Sites and prefectures outside the user's scope do not exist for them.
    user_scoped = {"prefecture": Prefecture, "sites": Site, "services": Service}

    prefecture = serializers.PrimaryKeyRelatedField(queryset=Prefecture.objects.all())
    questionnaire = serializers.PrimaryKeyRelatedField(queryset=Questionnaire.objects.all())
    title = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.ChoiceField(choices=Campaign.Kind.choices, required=False)
    sites = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), many=True)
    services = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), many=True, required=False)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    channels = serializers.ListField(child=serializers.CharField(), required=False)
    target_responses = bounds.IntegerField(required=False, allow_null=True)
    target_rate = bounds.IntegerField(required=False)
    status = serializers.ChoiceField(choices=Campaign.Status.choices, required=False, help_text="Ouvrir ou clore.")


class ResponseSubmitSerializer(serializers.Serializer):
    """``POST surveys/{id}/responses/``: one filled questionnaire."""

    site = bounds.IdField(help_text="Identifiant d'un site de la campagne.")
    service = bounds.IdField(required=False, allow_null=True)
    answers = serializers.JSONField(
        help_text="{code de question : 1 (très insatisfait) à 4 (très satisfait), ou null pour « sans avis »} ; une "
        "question oui / non (``kind`` : ``yes_no``) se répond par true (« Oui ») ou false (« Non »), ou null ; une "
        "question locale à choix unique par le code d'une option, à choix multiple par une liste de codes, libre par "
        "un texte (qui demande ``comment_consent``)."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    comment_consent = serializers.BooleanField(required=False, default=False)
    submission_key = serializers.UUIDField(
        required=False, allow_null=True, help_text="Facultatif : un envoi répété avec la même clé compte une fois."
    )
    kiosk_key = serializers.CharField(
        required=False,
        write_only=True,
        help_text="Facultatif : la clé de la borne de la campagne (son lien de borne). La réponse compte alors comme "
        "venue de la borne, sous la limite propre à la borne.",
    )


class ResponseCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id")
    site = serializers.IntegerField(source="site_id")
    service = serializers.IntegerField(source="service_id", allow_null=True)
    answers = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Valeurs enregistrées : 1 à 4 ; « Oui » vaut 4 et « Non » 1.",
    )
    yes_no = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text="Les réponses aux questions oui / non : true (« Oui »), false (« Non »), null (« sans avis »).",
    )
    choices = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Les options choisies aux questions locales à choix (codes).",
    )
    texts = serializers.DictField(
        child=serializers.CharField(), help_text="Les réponses libres aux questions locales (modérées avant usage)."
    )


class DimensionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    rate = serializers.FloatField(
        allow_null=True, help_text="Part des réponses 3 et 4 parmi les réponses exprimées (%)."
    )
    answers = serializers.IntegerField(allow_null=True, help_text="Réponses exprimées (1 à 4).")
    satisfied = serializers.IntegerField(allow_null=True)
    no_opinion = serializers.IntegerField(allow_null=True)
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True, help_text="Wilson 95 %.")
    small_sample = serializers.BooleanField(allow_null=True)
    target = serializers.IntegerField()
    below_target = serializers.BooleanField()
    previous_rate = serializers.FloatField(allow_null=True)
    kind = serializers.ChoiceField(
        choices=Question.Kind.choices, help_text="yes_no : le taux est la part des « Oui » parmi les oui et les non."
    )
    yes = serializers.IntegerField(allow_null=True, help_text="« Oui » d'une question oui / non (null sinon).")
    no = serializers.IntegerField(allow_null=True, help_text="« Non » d'une question oui / non (null sinon).")


class LocalShareSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Le code de l'option ; « 4 » à « 1 » (échelle), « 4 » et « 1 » (oui, non).")
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True, help_text="Part des réponses à la question (%).")


class LocalQuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    answered = serializers.IntegerField(help_text="Réponses qui répondent à la question.")
    shares = LocalShareSerializer(many=True, help_text="La part de chaque réponse ; vide pour un texte libre.")
    texts = serializers.ListField(
        child=serializers.CharField(),
        help_text="Les réponses libres publiables (modérées), les 50 plus récentes d'abord.",
    )


class ResultsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    site = serializers.IntegerField(allow_null=True)
    service = serializers.IntegerField(allow_null=True)
    previous_campaign = serializers.IntegerField(allow_null=True)
    responses = serializers.IntegerField(allow_null=True)
    dimensions = DimensionResultSerializer(many=True)
    local_questions = LocalQuestionResultSerializer(
        many=True,
        help_text="Les questions locales de la version de la préfecture (hors comparaison nationale), dans leur ordre.",
    )
