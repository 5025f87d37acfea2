"""Serializers of ``correspondences/``: the fields of docs/api.md, the sender, their contact and the text of the
answer (``SENDER_FIELDS``) for the people who handle the item only."""

from rest_framework import serializers

from accounts import access
from complaints.correspondence import services
from complaints.correspondence.services import EMAIL_INVALID
from complaints.models import SENDER_FIELDS, Correspondence
from complaints.register.serializers import RegisterItemSerializer, RegisterItemWriteSerializer
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, request_user


class CorrespondenceSerializer(RegisterItemSerializer):
    """A letter, an e-mail, an elected official's request or a letter of observation. ``sender`` is present only
    for the people who handle it (its site's referents and agents, its prefecture's quality manager)."""

    remaining_working_days = serializers.SerializerMethodField(
        help_text="Jours ouvrés restants jusqu'à l'échéance (négatif : jours ouvrés de retard) ; null une fois répondu."
    )
    overdue = serializers.SerializerMethodField(help_text="Sans réponse et échéance passée.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Correspondence
        fields = [
            "id",
            "kind",
            "prefecture",
            "site",
            "service",
            "reference",
            "subject",
            "sender",
            "sender_email",
            "sender_address",
            "received_on",
            "delay_days",
            "due_on",
            "answered_on",
            "answer_delay",
            "answered_in_time",
            "assigned_to",
            "response",
            "remaining_working_days",
            "overdue",
            "import_batch",
            "anonymised_on",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields
        # absent for those who do not handle the item
        extra_kwargs = {name: {"required": False} for name in SENDER_FIELDS}

    def to_representation(self, item):
        data = super().to_representation(item)
        user = request_user(self)
        if user is None or not access.can_see_sender(user, item):
            for name in SENDER_FIELDS:
                data.pop(name, None)
        return data


class CorrespondenceWriteSerializer(RegisterItemWriteSerializer):
    """Fields a client may send; the service decides whether the change is allowed."""

    kind = serializers.CharField(help_text="letter, email, elected_official ou local_authority.")

    class Meta:
        model = Correspondence
        fields = list(services.FIELDS)
        # Blank texts and no date of answer are allowed: the service checks them.
        extra_kwargs = {name: {"required": False} for name in (*services.TEXT_FIELDS, "answered_on")}
        extra_kwargs["sender_email"]["error_messages"] = {"invalid": EMAIL_INVALID}  # the page's words


class CorrespondenceAnswerSerializer(serializers.Serializer):
    answered_on = serializers.DateField(help_text="Date de la réponse (AAAA-MM-JJ), ni avant la réception ni future.")
    response = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text="Facultatif : le texte de la réponse, envoyé par courriel à l'expéditeur d'un courriel qui a laissé "
        "son adresse, imprimable en lettre pour un courrier ; refusé s'il reste un passage à compléter du modèle.",
    )


class CorrespondenceImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Fichier CSV (séparateur « ; » ou « , », UTF-8), 30 Mo au plus.")
    prefecture = bounds.IdField(
        required=False, help_text="Préfecture des courriers (facultatif quand l'utilisateur n'en a qu'une)."
    )


class CorrespondenceImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Ligne du fichier (1 : la ligne des colonnes ; 0 : le fichier).")
    field = serializers.CharField(help_text="Colonne, telle que le fichier la nomme ; vide pour la ligne entière.")
    message = serializers.CharField()


class CorrespondenceImportReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="done (tout est importé) ou rejected (rien n'est importé).")
    file_name = serializers.CharField()
    rows = serializers.IntegerField(help_text="Lignes lues, sans la ligne des colonnes.")
    imported = serializers.IntegerField()
    error_count = serializers.IntegerField()
    rejected_rows = serializers.IntegerField()
    errors_truncated = serializers.BooleanField(help_text="Vrai quand le rapport ne liste que les 200 premières.")
    errors = CorrespondenceImportErrorSerializer(many=True)


def import_report_data(batch):
    report = batch.report or {}
    return {
        "id": batch.pk,
        "status": batch.status,
        "file_name": batch.file_name,
        "rows": batch.rows,
        "imported": batch.imported,
        "error_count": batch.error_count,
        "rejected_rows": report.get("rejected_rows", 0),
        "errors_truncated": report.get("errors_truncated", False),
        "errors": report.get("errors", []),
    }
