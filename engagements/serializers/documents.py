"""Quality documents and their versions in the API (docs/api.md: add fields, never rename them).

Writes are validated here for their shape only; engagements.services.documents checks the rules and writes. The
choices of a write are those the requesting user may see: an id outside their scope is refused like an unknown one.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from accounts.models import User
from engagements.models import DocumentVersion, Engagement, QualityDocument
from engagements.models.documents import ReviewStatus
from qualipref.lib.drf import AbilitiesField, ModelSerializer, request_user
from sites.models import Prefecture, Site


def download_url(serializer, version):
    """The absolute URL of a version's file (through the API's permission-checked action), or its link."""
    if not version.file:
        return version.url
    path = reverse("api:document-version-download", kwargs={"pk": version.pk})
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class CurrentVersionSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="Le fichier (téléchargement contrôlé) ou le lien.")

    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "dated", "approved_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, version):
        return download_url(self, version)


class QualityDocumentSerializer(ModelSerializer):
    prefecture = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.none(),
        allow_null=True,
        help_text="Préfecture du registre ; null : document national (écrit par les administrateurs nationaux).",
    )
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), help_text="Identifiant du responsable du document."
    )
    sites = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Site.objects.none(), required=False, help_text="Sites concernés (vide : tous)."
    )
    engagements = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Engagement.objects.all(), required=False, help_text="Engagements servis."
    )
    current_version = CurrentVersionSerializer(read_only=True, allow_null=True, help_text="Version approuvée.")
    review_status = serializers.SerializerMethodField(
        help_text="no_version (sans version approuvée), up_to_date (à jour), due (à réviser), late (en retard)."
    )
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = QualityDocument
        fields = [
            "id",
            "prefecture",
            "reference",
            "title",
            "kind",
            "owner",
            "sites",
            "engagements",
            "intranet_url",
            "review_months",
            "current_version",
            "review_due_on",
            "review_status",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = ["review_due_on", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["prefecture"].queryset = Prefecture.objects.for_user(user)
            self.fields["sites"].child_relation.queryset = Site.objects.for_user(user)
            self.fields["owner"].queryset = User.objects.filter(is_active=True)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["prefecture"].read_only = True

    @extend_schema_field(serializers.ChoiceField(choices=ReviewStatus.choices))
    def get_review_status(self, document):
        return document.review_status().value


class DocumentVersionSerializer(ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=QualityDocument.objects.none())
    file = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Fichier PDF, ODT, DOCX ou XLSX (multipart/form-data), 10 Mo au plus ; ou ``url``.",
    )
    url = serializers.CharField(required=False, allow_blank=True, default="", help_text="Lien, si pas de fichier.")
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    archived_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download_url = serializers.SerializerMethodField(help_text="Le fichier (téléchargement contrôlé) ou le lien.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document",
            "number",
            "dated",
            "file",
            "url",
            "changes",
            "status",
            "file_name",
            "size",
            "content_type",
            "author",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "archived_by",
            "archived_at",
            "download_url",
            "created_at",
            "abilities",
        ]
        read_only_fields = [
            "status",
            "file_name",
            "size",
            "content_type",
            "submitted_at",
            "approved_at",
            "archived_at",
            "created_at",
        ]
        extra_kwargs = {"changes": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["document"].queryset = QualityDocument.objects.for_user(user)

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, version):
        return download_url(self, version)
