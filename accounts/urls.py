from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts import forms, notification_views, token_views, views
from qualipref.lib.urls import page


def _auth_page(route, view, name, title, **options):
    """One of Django's authentication views (sign-in, passwords), with its French title and its DSFR form."""
    return path(route, view.as_view(extra_context={"title": title}, **options), name=name)


urlpatterns = [
    # Sign-in, sign-out and passwords: Django's views with DSFR forms and French templates.
    _auth_page(
        "connexion/",
        auth_views.LoginView,
        "login",
        "Connexion",
        authentication_form=forms.LoginForm,
        redirect_authenticated_user=True,
    ),
    # Public, so that signing out twice (two tabs) lands on the login page instead of looping through it.
    path("deconnexion/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    _auth_page(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView,
        "password_reset",
        "Mot de passe oublié",
        form_class=forms.PasswordResetForm,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        html_email_template_name="registration/password_reset_email.html",
    ),
    _auth_page(
        "mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView, "password_reset_done", "Courriel envoyé"
    ),
    _auth_page(
        "mot-de-passe/reinitialisation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView,
        "password_reset_confirm",
        "Nouveau mot de passe",
        form_class=forms.SetPasswordForm,
    ),
    _auth_page(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView,
        "password_reset_complete",
        "Mot de passe réinitialisé",
    ),
    _auth_page(
        "mot-de-passe/modifier/",
        auth_views.PasswordChangeView,
        "password_change",
        "Changer de mot de passe",
        form_class=forms.PasswordChangeForm,
    ),
    _auth_page(
        "mot-de-passe/modifie/", auth_views.PasswordChangeDoneView, "password_change_done", "Mot de passe changé"
    ),
    # Pages
    page("mon-compte/", views.account),
    page("mon-compte/jetons/", token_views.token_list),
    page("mon-compte/jetons/<uuid:public_id>/revoquer/", token_views.token_revoke),
    page("habilitations/", views.membership_list),
    page("habilitations/nouvelle/", views.membership_create),
    page("habilitations/<int:pk>/clore/", views.membership_end),
    page("notifications/", notification_views.notification_list),
    page("notifications/tout-lu/", notification_views.notification_read_all),
    page("notifications/<int:pk>/", notification_views.notification_open),
    page("notifications/<int:pk>/lue/", notification_views.notification_read),
]
