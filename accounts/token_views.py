"""« Mes jetons d'API »: the signed-in user's own API tokens (accounts.tokens), listed, created and revoked.

A new token is shown once, in the answer to the form that created it (never stored in clear, never redirected
to a page that could show it again). Another user's token is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import tokens
from accounts.forms import ApiTokenForm
from qualipref.views import breadcrumb


@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            token, raw = tokens.token_create(user=request.user, client=form.cleaned_data["client"])
            created = {"client": token.client, "token": raw, "expiry": token.expiry}
            form = ApiTokenForm()
        else:
            status = 400
    return render(
        request,
        "accounts/tokens.html",
        {
            "title": "Mes jetons d'API",
            "tokens": tokens.tokens_of(request.user).order_by("client"),
            "form": form,
            "created": created,
            "lifetime_days": settings.QUALIPREF_API_TOKEN_DAYS,
            "breadcrumb_data": breadcrumb("Mes jetons d'API", ("Mon compte", reverse("account"))),
        },
        status=status,
    )


@require_POST
def token_revoke(request, public_id):
    token = get_object_or_404(tokens.tokens_of(request.user), public_id=public_id)
    tokens.token_revoke(by=request.user, token=token)
    messages.success(request, f"Le jeton « {token.client} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("token_list")
