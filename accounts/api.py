from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import notifications, services, tokens
from accounts.filters import MembershipFilter, NotificationFilter
from accounts.models import ApiToken, Membership, Notification
from accounts.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenSerializer,
    MembershipSerializer,
    MeSerializer,
    NotificationSerializer,
    TokenRequestSerializer,
)
from qualipref.lib import bounds
from qualipref.lib.drf import ReadWriteViewSet


class TokenView(generics.GenericAPIView):
    """``POST {"username", "password", "client"?}`` returns ``{"token", "expiry", "client", ...}``: a new token for
    that client (the previous one of the same client is revoked), valid ``API_TOKEN_DAYS`` days. Locked accounts
    are told so (django-axes)."""

    serializer_class = TokenRequestSerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # the credentials are in the body

    @extend_schema(request=TokenRequestSerializer, responses={200: ApiTokenCreatedSerializer}, auth=[])
    def post(self, request, *args, **kwargs):
        params = self.get_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                raise PermissionDenied(
                    f"Trop de tentatives de connexion : compte verrouillé pour {cooloff} minutes depuis cette adresse."
                )
            raise ValidationError({"non_field_errors": ["Impossible de se connecter avec les identifiants fournis."]})
        token, raw = tokens.token_create(user=user, client=data.get("client", tokens.DEFAULT_CLIENT))
        # As a sign-in on the pages: last_login, and django-axes forgets the failures of this username and address.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token.token = raw
        return Response(ApiTokenCreatedSerializer(token).data)


class ApiTokenViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The requesting user's own API tokens (nobody else's): list (never the tokens themselves), create one for a
    named client (the token is in the answer, and only there), revoke one (``DELETE``)."""

    queryset = ApiToken.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ApiTokenSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return tokens.tokens_of(self.request.user).order_by("client", "created")

    @extend_schema(request=ApiTokenSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        params = self.get_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        token, raw = tokens.token_create(user=request.user, client=params.validated_data.get("client"))
        token.token = raw
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        tokens.token_revoke(by=self.request.user, token=instance)


class MeView(generics.RetrieveUpdateAPIView):
    """The requesting user: identity, roles and active memberships."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user


class MembershipEndSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Dernier jour de validité (hier par défaut).")


class MembershipViewSet(ReadWriteViewSet):
    """Memberships: the user's own, and those of the prefectures they manage (who holds which role where)."""

    queryset = Membership.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        return (
            Membership.objects.for_user(self.request.user)
            .select_related("user", "prefecture", "site__prefecture")
            .order_by("user__username", "role", "pk")  # a person may hold a role at several sites: pk settles ties
        )

    def perform_create(self, serializer):
        serializer.instance = services.membership_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        instance = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.membership_update(
            by=self.request.user,
            membership=instance,
            valid_from=data.get("valid_from", instance.valid_from),
            valid_until=data.get("valid_until", instance.valid_until),
        )

    @extend_schema(request=MembershipEndSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the membership (it stays in the history)."""
        membership = self.get_object()
        params = MembershipEndSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        membership = services.membership_end(by=request.user, membership=membership, on=params.validated_data.get("on"))
        return Response(self.get_serializer(membership).data)


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=bounds.IdField(), required=False, help_text="Les notifications à marquer (toutes sinon)."
    )


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The requesting user's own notifications (nobody else's), newest first. Filters: ``read`` (true/false),
    ``kind``. ``POST notifications/{id}/read/`` marks one read, ``POST notifications/read-all/`` some (``ids``) or
    all."""

    queryset = Notification.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notifications.mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=NotificationReadSerializer,
        responses={200: inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        params = NotificationReadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        ids = params.validated_data.get("ids")
        if ids is None:
            marked = notifications.mark_all_read(user=request.user)
        else:
            marked = notifications.mark_read(user=request.user, ids=ids)
        return Response({"marked": marked})
