"""People pages: my account, memberships (habilitations). Sign-in views are Django's (see urls.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access, services
from accounts.filters import MembershipFilter
from accounts.forms import MembershipForm
from accounts.models import Membership
from qualipref.views import breadcrumb, paginate

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


def membership_create(request):
    _require_membership_manager(request.user)
    form = MembershipForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_create(
                by=request.user,
                user=data["username"],
                role=data["role"],
                prefecture=data["prefecture"],
                site=data["site"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Habilitation créée : {membership}.")
            return redirect("membership_list")
    return render(
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
        try:
            services.membership_end(by=request.user, membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Habilitation close : {membership}.")
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
