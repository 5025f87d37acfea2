"""People pages: dashboard, my account, memberships (habilitations). Sign-in views are Django's (see urls.py)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access, services
from accounts.forms import MembershipFilterForm, MembershipForm
from accounts.models import SITE_ROLES, Membership, User
from qualipref.views import breadcrumb, paginate
from sites.models import Prefecture, Service, Site, SiteClosure

# --- dashboard ------------------------------------------------------------------------------------


def dashboard(request):
    """The landing page of each role (access.home_dashboard). Later issues replace the content."""
    user = request.user
    kind = access.home_dashboard(user)
    context = {"kind": kind, "title": _DASHBOARD_TITLES[kind]}
    context.update(_DASHBOARDS.get(kind, lambda user: {})(user))
    return render(request, "accounts/dashboard.html", context)


def _national_dashboard(user):
    from indicators.dashboards import national  # indicators build on every app: imported when used

    prefecture_count = Prefecture.objects.count()
    # While only some prefectures have their sites entered (a deployment under way, the demo), the page says which:
    # the others have their labelling history only, and their figures are not comparable.
    with_sites = list(
        Prefecture.objects.filter(pk__in=Site.objects.values("prefecture_id")).order_by("department_id")[:11]
    )
    return {
        "prefecture_count": prefecture_count,
        "prefectures_with_sites": with_sites if 0 < len(with_sites) < prefecture_count else None,
        "site_count": Site.objects.count(),
        "user_count": User.objects.filter(is_active=True).count(),
        "national_dashboard": national.build(),
    }


def _prefecture_dashboard(user):
    sites = (
        Site.objects.for_user(user)
        .select_related("prefecture")
        .annotate(service_count=Count("services", filter=Q(services__is_active=True)))
    )
    prefectures = list(
        Prefecture.objects.for_user(user)
        .select_related("department")
        .prefetch_related(Prefetch("sites", queryset=sites, to_attr="visible_sites"))
    )
    ids = [prefecture.pk for prefecture in prefectures]
    team = dict(
        Membership.objects.active()
        .filter(Q(prefecture_id__in=ids) | Q(site__prefecture_id__in=ids))
        .annotate(scope=Coalesce("prefecture_id", "site__prefecture_id"))
        .order_by()
        .values("scope")
        .annotate(count=Count("pk"))
        .values_list("scope", "count")
    )
    for prefecture in prefectures:
        prefecture.team_count = team.get(prefecture.pk, 0)
    context = {"prefectures": prefectures}
    if len(prefectures) == 1:  # the usual case: its dashboard in full; several: links to each one's dashboard
        from indicators.dashboards import prefecture  # indicators build on every app: imported when used

        context["prefecture_dashboard"] = prefecture.build(prefectures[0], user)
    return context


def _site_dashboard(user):
    today = timezone.localdate()
    own_ids = access.get_scope(user).site_ids(*SITE_ROLES)
    sites = (
        Site.objects.for_user(user)
        .filter(pk__in=own_ids)
        .select_related("prefecture")
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.filter(is_active=True), to_attr="active_services"),
            Prefetch(
                "closures",
                queryset=SiteClosure.objects.filter(end_on__gte=today, end_on__lte=today + datetime.timedelta(days=90)),
                to_attr="upcoming_closures",
            ),
        )
    )
    context = {"sites": list(sites)}
    if len(context["sites"]) == 1:  # the usual case: its dashboard in full; several: links to each one's dashboard
        from indicators.dashboards import site  # indicators build on every app: imported when used

        context["site_dashboard"] = site.build(context["sites"][0])
    return context


def _auditor_dashboard(user):
    """« Mes audits »: the audits assigned to the auditor, those whose access window is open first."""
    from audits.services.dashboards import auditor_audits  # audits build on accounts: imported when used

    return {"audits": auditor_audits(user)}


_DASHBOARDS = {
    "national": _national_dashboard,
    "prefecture": _prefecture_dashboard,
    "site": _site_dashboard,
    "auditor": _auditor_dashboard,
}
_DASHBOARD_TITLES = {
    "national": "Tableau de bord national",
    "prefecture": "Tableau de bord",
    "site": "Tableau de bord de mon site",
    "auditor": "Mes audits",
    "none": "Tableau de bord",
}


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
    form = MembershipFilterForm(request.GET or None)
    status = "active"
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or "active"
        if form.cleaned_data["role"]:
            memberships = memberships.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["username"]:
            memberships = memberships.filter(user__username__icontains=form.cleaned_data["username"])
    if status == "active":
        memberships = memberships.active(today)
    elif status == "upcoming":
        memberships = memberships.filter(valid_from__gt=today)
    elif status == "ended":
        memberships = memberships.filter(valid_until__lt=today)
    page = paginate(request, memberships.order_by("user__username", "role", "-valid_from", "pk"))
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
