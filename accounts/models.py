import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, value_set
from qualipref.lib.scoping import ScopedQuerySet
from sites.models import Prefecture, Site


class User(AbstractUser):
    """A person using Qualipref. What they may see and do comes from their memberships."""

    # Kept by accounts.notifications (recounted on every change of the user's inbox), so that the header shows
    # it without a query: the user row is read by every request anyway.
    unread_notifications = models.PositiveIntegerField("notifications non lues", default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A new password (set_password keeps the raw one until the save) or a deactivation ends every API token:
        # whoever learnt the old password, or kept a token of a departed user, is out. Wherever the change comes
        # from (the password pages, the reset link, the admin, a script).
        revoke = not self._state.adding and (self._password is not None or not self.is_active)
        super().save(*args, **kwargs)
        if revoke:
            ApiToken.objects.filter(user=self).delete()


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "Administrateur national"
    QUALITY_MANAGER = "quality_manager", "Responsable qualité de préfecture"
    SITE_REFERENT = "site_referent", "Référent qualité de site"
    AGENT = "agent", "Agent d'accueil"
    MANAGER = "manager", "Direction (lecture seule)"
    AUDITOR = "auditor", "Auditeur"


PREFECTURE_ROLES = (Role.QUALITY_MANAGER, Role.MANAGER)
SITE_ROLES = (Role.SITE_REFERENT, Role.AGENT)


class MembershipQuerySet(ScopedQuerySet):
    """``for_user``: the rule is accounts.access.scope_memberships, which reads the memberships (registered by
    accounts.apps, so that the models and the rules do not import each other)."""

    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)


class Membership(TimeStampedModel):
    """A user holds a role on a prefecture or a site (or nationally) for a period."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="utilisateur",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    prefecture = optional_fk(Prefecture, related_name="memberships", verbose_name="préfecture")
    site = optional_fk(Site, related_name="memberships", verbose_name="site")
    valid_from = models.DateField("valable à partir du", default=timezone.localdate)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    created_by = acting_user("créée par")

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "habilitation"
        verbose_name_plural = "habilitations"
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="membership_valid_until_after_valid_from",
            ),
            # The scope a role needs: national (none), a prefecture, or a site.
            models.CheckConstraint(
                condition=(
                    Q(
                        role=Role.NATIONAL_ADMIN,
                        prefecture__isnull=True,
                        site__isnull=True,
                    )
                    | Q(
                        role__in=PREFECTURE_ROLES,
                        prefecture__isnull=False,
                        site__isnull=True,
                    )
                    | Q(role__in=SITE_ROLES, prefecture__isnull=True, site__isnull=False)
                    | Q(role=Role.AUDITOR, site__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self):
        scope = self.site or self.prefecture or "national"
        return f"{self.user} – {self.get_role_display()} ({scope})"

    @property
    def scope_prefecture(self):
        """The prefecture this membership belongs to (a site's prefecture for site roles)."""
        return self.site.prefecture if self.site_id else self.prefecture

    def is_active(self, on=None):
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_until is None or self.valid_until >= on)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        """A user's own notifications: nobody reads another's inbox."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)


class Notification(TimeStampedModel):
    """An alert in a user's inbox (deadline of a complaint, a letter...), e-mailed once in the daily digest.

    ``key`` names the item and the event (``complaint:42:2026-03-20:90``): one notification per user and key, so
    that a job run twice notifies nobody twice. Written by accounts.notifications only.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name="destinataire"
    )
    kind = models.CharField("type", max_length=50, help_text="Par exemple complaint_deadline, correspondence_overdue.")
    key = models.CharField("clé", max_length=200, help_text="L'objet et l'événement : une seule alerte par clé.")
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", blank=True)
    url = models.CharField("lien", max_length=500, blank=True, help_text="Chemin de la page concernée.")
    due_on = models.DateField("échéance", null=True, blank=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key"),
        ]

    def __str__(self):
        return self.title

    is_read = value_set("read_at")


class ApiToken(AbstractAuthToken):
    """A token of the REST API for one client (a script, a tool) of a user (django-rest-knox): only its hash is
    stored, it expires (``QUALIPREF_API_TOKEN_DAYS``), its owner revokes it, and a new password revokes them all.
    One per client name: signing in again for the same client replaces it. Written by accounts.tokens only."""

    public_id = models.UUIDField("identifiant", default=uuid.uuid4, unique=True, editable=False)
    client = models.CharField("client", max_length=100, help_text="Le script ou l'outil qui utilise ce jeton.")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["client"]
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="api_token_one_per_client")]

    def __str__(self):
        return f"{self.client} ({self.user})"
