"""``inbound-messages/``: the messages read from the prefectures' mailboxes, as the triage sees them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from complaints.models import InboundAttachment, InboundMessage, ItemKind
from qualipref.lib.drf import AbilitiesField


class InboundAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundAttachment
        fields = ["id", "name", "size", "content_type"]


class RefusedAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class InboundMessageSerializer(serializers.ModelSerializer):
    """A message, its sender and text (personal data: only those who triage it or handle its item get here)."""

    attachments = InboundAttachmentSerializer(many=True, read_only=True)
    refused_attachments = serializers.SerializerMethodField()
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = InboundMessage
        fields = [
            "id",
            "prefecture",
            "status",
            "reason",
            "received_at",
            "sender_name",
            "sender_email",
            "recipients",
            "subject",
            "body",
            "complaint",
            "correspondence",
            "attachments",
            "refused_attachments",
            "handled_by",
            "handled_at",
            "abilities",
        ]
        read_only_fields = fields

    @extend_schema_field(RefusedAttachmentSerializer(many=True))
    def get_refused_attachments(self, message):
        return RefusedAttachmentSerializer(message.refused_attachments or [], many=True).data


class InboundFileSerializer(serializers.Serializer):
    """What a waiting message becomes: a complaint or an e-mail item of a site of its prefecture."""

    site = serializers.IntegerField(help_text="Un site de la préfecture du courriel.")
    kind = serializers.ChoiceField(choices=ItemKind.choices, default=ItemKind.COMPLAINT)
