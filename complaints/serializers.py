"""Serializers of ``complaints/``: the fields of docs/api.md, and the requester's personal data for handlers only.

Writes are validated here for their shape only; complaints.services checks the rules and writes.
"""

from rest_framework import serializers

from accounts import access
from complaints import services
from complaints.models import REQUESTER_FIELDS, Complaint, ReplyDelivery
from complaints.register.serializers import RegisterItemSerializer, RegisterItemWriteSerializer
from engagements.models import Engagement
from qualipref.lib.drf import AbilitiesField, request_user


class ComplaintSerializer(RegisterItemSerializer):
    """A complaint or suggestion. ``requester_*`` fields are present only for the people who handle it (its
    site's referents and agents, its prefecture's quality manager); ``response`` (the answer, which greets the
    requester by name) is null for the others."""

    assigned_to_name = serializers.SerializerMethodField()
    remaining_working_days = serializers.SerializerMethodField(
        help_text="Jours ouvrés restants jusqu'à l'échéance (négatif : jours ouvrés de retard) ; null une fois "
        "répondue."
    )
    overdue = serializers.SerializerMethodField(help_text="Ouverte et échéance passée.")
    response = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Texte de la réponse ; null pour qui ne voit pas les coordonnées du demandeur (il le nomme).",
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "kind",
            "prefecture",
            "site",
            "service",
            "channel",
            "received_on",
            "due_on",
            "answered_on",
            "status",
            "answered_in_time",
            "category",
            "engagement",
            "description",
            *REQUESTER_FIELDS,
            "assigned_to",
            "assigned_to_name",
            "response",
            "answer_delay",
            "remaining_working_days",
            "overdue",
            "closed_on",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"required": False} for name in REQUESTER_FIELDS}

    def get_assigned_to_name(self, complaint) -> str | None:
        user = complaint.assigned_to
        return (user.get_full_name() or user.username) if user is not None else None

    def to_representation(self, complaint):
        data = super().to_representation(complaint)
        user = request_user(self)
        if user is None or not access.can_see_requester(user, complaint):
            for name in REQUESTER_FIELDS:
                data.pop(name, None)
        if user is None or not access.can_see_response(user, complaint):
            # The answer names the requester: null for those who may not see them (the field stays in the shape).
            data["response"] = None
        return data


class ComplaintWriteSerializer(RegisterItemWriteSerializer):
    """Fields a client may send; the service decides whether the change is allowed."""

    # A plain string here: the enum is documented on the read side (ComplaintKindEnum), and one set of choices
    # named « kind » in two components would leave drf-spectacular without a good name for it. The service
    # refuses unknown values (« Nature inconnue »).
    kind = serializers.CharField(required=False, help_text="« complaint » (réclamation, par défaut) ou « suggestion ».")

    class Meta:
        model = Complaint
        fields = list(services.FIELDS)
        extra_kwargs = {
            "category": {"required": False},
            # Blank texts reach the service, which refuses them with its own message.
            "description": {"allow_blank": True},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if request_user(self) is not None:
            self.fields["engagement"].queryset = Engagement.objects.all()


class AnswerSerializer(serializers.Serializer):
    answered_on = serializers.DateField(help_text="Date de la réponse (AAAA-MM-JJ), ni avant la réception ni future.")
    response = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text="Texte de la réponse.")


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField(source="old_display")
    new = serializers.CharField(source="new_display")


class HistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    user = serializers.CharField(source="user_display")
    kind = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


class ReplyDeliverySerializer(serializers.ModelSerializer):
    """A sending of the answer to the requester of a complaint or the sender of a correspondence item. ``recipient``
    and ``error`` (the mail server's words may quote the address) are null for those who may not see that person
    (context ``can_see_requester``; the fields stay in the shape)."""

    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ReplyDelivery
        fields = ["id", "channel", "status", "recipient", "sent_by", "attempts", "error", "sent_at", "created_at"]
        read_only_fields = fields

    def to_representation(self, delivery):
        data = super().to_representation(delivery)
        if not self.context.get("can_see_requester"):
            data["recipient"] = data["error"] = None
        return data
