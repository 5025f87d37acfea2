"""Forms of the people pages: sign-in, passwords, memberships. Writes go through accounts.services."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from qualipref.lib.forms import PeriodForm, QualiprefForm, date_input
from sites.models import Prefecture, Site

# --- sign-in and passwords ------------------------------------------------------------------------


class LoginForm(QualiprefForm, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé : contactez le responsable qualité de votre préfecture.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
        self._bound_fields_cache.clear()  # DsfrBaseForm built them before the labels changed


class PasswordResetForm(QualiprefForm, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique"
        self.fields["email"].help_text = "Format attendu : prenom.nom@interieur.gouv.fr"
        self._bound_fields_cache.clear()  # DsfrBaseForm built them before the labels changed


class SetPasswordForm(QualiprefForm, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(QualiprefForm, auth_forms.PasswordChangeForm):
    pass


# --- memberships ----------------------------------------------------------------------------------


class MembershipForm(PeriodForm):
    """Give an existing person a role on a prefecture or a site the actor manages."""

    username = forms.CharField(
        label="Identifiant de la personne",
        max_length=150,
        help_text="L’identifiant de connexion d’un utilisateur existant (par exemple : referent-arles).",
    )
    role = forms.ChoiceField(label="Rôle")
    prefecture = forms.ModelChoiceField(
        label="Préfecture",
        queryset=Prefecture.objects.none(),
        required=False,
        empty_label="— Aucune —",
        help_text="Pour les rôles de préfecture : responsable qualité, direction, auditeur.",
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        required=False,
        empty_label="— Aucun —",
        help_text="Pour les rôles de site : référent qualité, agent d’accueil.",
    )
    valid_from = forms.DateField(label="Valable à partir du", widget=date_input())
    valid_until = forms.DateField(
        label="Valable jusqu’au",
        widget=date_input(),
        required=False,
        help_text="Laisser vide pour une habilitation sans date de fin.",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        managed = access.manageable_prefectures(Prefecture.objects.all(), actor)
        self.fields["prefecture"].queryset = managed.select_related("department")
        self.fields["site"].queryset = (
            Site.objects.for_user(actor).filter(prefecture__in=managed).select_related("prefecture")
        )
        self.fields["role"].choices = [
            (value, label)
            for value, label in Role.choices
            if value != Role.NATIONAL_ADMIN or access.is_national_admin(actor)
        ]
        self.fields["valid_from"].initial = timezone.localdate()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(f"Aucun utilisateur actif n’a l’identifiant « {username} ».") from None

    period = ("valid_from", "valid_until", "La date de fin doit être postérieure ou égale à la date de début.")


# --- API tokens -----------------------------------------------------------------------------------


class ApiTokenForm(QualiprefForm):
    client = forms.CharField(
        label="Nom du client",
        max_length=100,
        help_text="Le script ou l'outil qui utilisera ce jeton, par exemple « export téléphonie ». Un jeton par "
        "client : en créer un nouveau pour le même nom révoque l'ancien.",
    )
