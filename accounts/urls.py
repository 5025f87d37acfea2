from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts import forms, notification_views, token_views, views

urlpatterns = [
    # Sign-in, sign-out and passwords: Django's views with DSFR forms and French templates.
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            authentication_form=forms.LoginForm,
            redirect_authenticated_user=True,
            extra_context={"title": "Connexion"},
        ),
        name="login",
    ),
    # Public, so that signing out twice (two tabs) lands on the login page instead of looping through it.
    path("deconnexion/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
            extra_context={"title": "Mot de passe oublié"},
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(extra_context={"title": "Courriel envoyé"}),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialisation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm, extra_context={"title": "Nouveau mot de passe"}
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView.as_view(extra_context={"title": "Mot de passe réinitialisé"}),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/modifier/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm, extra_context={"title": "Changer de mot de passe"}
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(extra_context={"title": "Mot de passe changé"}),
        name="password_change_done",
    ),
    # Pages
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/jetons/", token_views.token_list, name="token_list"),
    path("mon-compte/jetons/<uuid:public_id>/revoquer/", token_views.token_revoke, name="token_revoke"),
    path("habilitations/", views.membership_list, name="membership_list"),
    path("habilitations/nouvelle/", views.membership_create, name="membership_create"),
    path("habilitations/<int:pk>/clore/", views.membership_end, name="membership_end"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/tout-lu/", notification_views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/lue/", notification_views.notification_read, name="notification_read"),
]
