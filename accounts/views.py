"""People pages: my account, memberships (habilitations). Sign-in views are Django's (see urls.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access, services
from accounts.filters import MembershipFilter
from accounts.forms import MembershipForm
from accounts.models import Membership
from qualipref.views import breadcrumb, flash_outcome, paginate, redirect_if_saved

# --- my account -----------------------------------------------------------------------------------


def account(request):
    memberships = request.user.memberships.select_related("prefecture", "site__prefecture").order_by("-valid_from")
    return render(
        request,
        "accounts/account.html",
        {
            "title": "Mon compte",
            "memberships": memberships,
            "today": timezone.localdate(),
            "breadcrumb_data": breadcrumb("Mon compte"),
        },
    )


# --- memberships ----------------------------------------------------------------------------------


def _require_membership_manager(user):
    if not access.can_manage_memberships(user):
        raise PermissionDenied("La gestion des habilitations est réservée aux responsables qualité.")


def membership_list(request):
    _require_membership_manager(request.user)
    today = timezone.localdate()
    memberships = Membership.objects.for_user(request.user).select_related(
        "user", "prefecture", "site__prefecture", "created_by"
    )
    data = request.GET.copy()
    data.setdefault("status", "active")  # the page opens on the memberships in force
    filterset = MembershipFilter(data, queryset=memberships, request=request)
    form = filterset.form
    page = paginate(request, filterset.qs.order_by("user__username", "role", "-valid_from", "pk"))
    for membership in page:
        membership.can_end = membership.is_active(today) and access.can_edit_membership(request.user, membership)
    return render(
        request,
        "accounts/membership_list.html",
        {
            "title": "Habilitations",
            "form": form,
            "page_obj": page,
            "today": today,
            "breadcrumb_data": breadcrumb("Habilitations"),
        },
    )


def _membership_fields(form):
    """The form's data as the service takes it: the person (``username``, cleaned into a user) is ``user``."""
    fields = dict(form.cleaned_data)
    fields["user"] = fields.pop("username")
    return fields


def membership_create(request):
    _require_membership_manager(request.user)
    form = MembershipForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.membership_create(by=request.user, **_membership_fields(form)),
        lambda membership: f"Habilitation créée : {membership}.",
        "membership_list",
        denied_on=None,
    )
    return response or render(
        request,
        "accounts/membership_form.html",
        {
            "title": "Nouvelle habilitation",
            "form": form,
            "breadcrumb_data": breadcrumb("Nouvelle habilitation", ("Habilitations", reverse("membership_list"))),
        },
    )


@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    """GET asks for confirmation; POST ends the membership (yesterday: it stops today)."""
    membership = get_object_or_404(
        Membership.objects.for_user(request.user).select_related("user", "prefecture", "site__prefecture"), pk=pk
    )
    if not access.can_edit_membership(request.user, membership):
        raise PermissionDenied("Vous ne pouvez pas clore cette habilitation.")
    today = timezone.localdate()
    if request.method == "POST":
        if not membership.is_active(today):
            messages.info(request, "Cette habilitation n’est pas en cours : rien n’a été modifié.")
            return redirect("membership_list")
        flash_outcome(
            request,
            lambda: services.membership_end(by=request.user, membership=membership),
            f"Habilitation close : {membership}.",
        )
        return redirect("membership_list")
    return render(
        request,
        "accounts/membership_end.html",
        {
            "title": "Clore une habilitation",
            "membership": membership,
            "is_active": membership.is_active(today),
            "breadcrumb_data": breadcrumb("Clore une habilitation", ("Habilitations", reverse("membership_list"))),
        },
    )
