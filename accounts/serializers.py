from rest_framework import serializers

from accounts import access
from accounts.models import ApiToken, Membership, Notification, Role, User
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from sites.models import Prefecture, Site


class MembershipSerializer(ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    prefecture = serializers.PrimaryKeyRelatedField(queryset=Prefecture.objects.none(), required=False, allow_null=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    active = serializers.SerializerMethodField()
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "role",
            "role_label",
            "prefecture",
            "site",
            "valid_from",
            "valid_until",
            "active",
            "abilities",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only what the user manages can be chosen: anything else is "does not exist".
            user = request.user
            self.fields["prefecture"].queryset = access.manageable_prefectures(Prefecture.objects.all(), user)
            self.fields["site"].queryset = Site.objects.filter(
                prefecture__in=access.manageable_prefectures(Prefecture.objects.all(), user)
            )
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in ("user", "role", "prefecture", "site"):
                self.fields[name].read_only = True

    def get_active(self, membership) -> bool:
        return membership.is_active()


class MeSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()
    dashboard = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "roles", "dashboard", "memberships"]
        read_only_fields = ["id", "username", "roles", "dashboard", "memberships"]

    def get_roles(self, user) -> list[str]:
        return sorted(access.roles_of(user))

    def get_dashboard(self, user) -> str:
        return access.home_dashboard(user)

    def get_memberships(self, user) -> list[dict]:
        memberships = Membership.objects.active().filter(user=user).select_related("prefecture", "site")
        return [
            {
                "id": m.pk,
                "role": m.role,
                "role_label": m.get_role_display(),
                "prefecture": m.prefecture_id,
                "site": m.site_id,
                "valid_from": m.valid_from,
                "valid_until": m.valid_until,
            }
            for m in memberships
        ]


class NotificationSerializer(ModelSerializer):
    """A notification of the requesting user's inbox (docs/api.md: id, kind, message, due_on, read)."""

    message = serializers.CharField(source="title", read_only=True, help_text="Le titre de la notification.")
    read = serializers.SerializerMethodField(help_text="Vrai une fois lue (dans l'application ou par l'API).")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "body", "url", "due_on", "read", "read_at", "created_at", "abilities"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


# --- API tokens (accounts.tokens) ------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    """``POST auth/token/``: credentials, and the name of the client the token is for."""

    username = serializers.CharField(label="identifiant", write_only=True)
    password = serializers.CharField(
        label="mot de passe", style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )
    client = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Nom du script ou de l'outil (« api » par défaut). Un jeton par client : en redemander un pour le "
        "même client révoque le précédent.",
    )


class ApiTokenSerializer(ModelSerializer):
    """A token as its owner sees it in the list: never the token itself, which is shown once at its creation."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Date d'expiration.")
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = ApiToken
        fields = ["id", "client", "created", "expiry", "last_used_at"]
        extra_kwargs = {"client": {"required": False}}


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Le jeton, montré cette seule fois.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
