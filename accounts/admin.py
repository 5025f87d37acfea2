"""The national administrators' admin for people and memberships (the admin site is theirs only).

Memberships are written through accounts.services, like everywhere else: the form runs the service in a
savepoint that is rolled back to show its French messages next to the fields, then ``save_model`` runs it
for real.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from knox.models import AuthToken as KnoxAuthToken
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.models import ApiToken, Membership, Notification, User
from qualipref.lib.admin import AllowedWritesMixin, dry_run


class MembershipInline(AllowedWritesMixin, admin.TabularInline):
    """The user's memberships, read-only here: they are created and ended from the membership pages."""

    model = Membership
    fk_name = "user"
    fields = ["role", "prefecture", "site", "valid_from", "valid_until"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(User)
class QualiprefUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    inlines = [MembershipInline]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "prefecture", "site", "valid_from", "valid_until"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.instance.pk is None:
            dry_run(lambda: services.membership_create(by=self.actor, **self._service_fields()))
        else:
            dry_run(
                lambda: services.membership_update(
                    by=self.actor,
                    membership=Membership.objects.get(pk=self.instance.pk),
                    valid_from=cleaned.get("valid_from"),
                    valid_until=cleaned.get("valid_until"),
                )
            )
        return cleaned

    def _service_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def _post_clean(self):
        # When the service refused, its message is enough: skip the model's own (less readable) validation.
        if not self.errors:
            super()._post_clean()


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    form = MembershipAdminForm
    list_display = ["user", "role", "prefecture", "site", "valid_from", "valid_until", "created_by"]
    list_filter = ["role", "prefecture", ("valid_until", admin.EmptyFieldListFilter), "valid_from"]
    list_select_related = ["user", "prefecture", "site", "created_by"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request, obj=None):
        # Role and scope of an existing membership stay: end it and create another one instead.
        return ["user", "role", "prefecture", "site"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            services.membership_update(
                by=request.user,
                membership=Membership.objects.get(pk=obj.pk),
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
            )
        else:
            created = services.membership_create(by=request.user, **form._service_fields())
            obj.pk, obj.created_by = created.pk, created.created_by

    def has_delete_permission(self, request, obj=None):
        # Memberships are ended (valid_until), never deleted: their history tells who could do what.
        return False


@admin.register(Notification)
class NotificationAdmin(AllowedWritesMixin, admin.ModelAdmin):
    """Notifications are written by accounts.notifications: the admin looks them up (delivery problems)."""

    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "key"]
    list_select_related = ["recipient"]


# django-rest-knox registers its own token model, which accounts.ApiToken replaces (KNOX_TOKEN_MODEL).
if KnoxAuthToken in admin.site._registry:
    admin.site.unregister(KnoxAuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(AllowedWritesMixin, admin.ModelAdmin):
    """Who holds API tokens, for which client, until when: an administrator revokes one by deleting it. Only their
    hashes are stored; a token is created by its owner (« Mes jetons d'API »), never here."""

    allowed_writes = {"delete"}
    list_display = ["client", "user", "created", "expiry", "last_used_at"]
    search_fields = ["user__username", "client"]
    list_select_related = ["user"]
    fields = ["user", "client", "created", "expiry", "last_used_at"]
    readonly_fields = fields
