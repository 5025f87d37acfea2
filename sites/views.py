"""Territory pages: prefectures, sites, their description and closures.

Objects are fetched through ``for_user`` (a foreign object is a 404); what the user may change is asked to
accounts.access (403 when they may see but not change); writes go through sites.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from qualipref.views import breadcrumb, paginate, redirect_if_saved
from sites import services
from sites.filters import SiteFilter
from sites.forms import ClosureForm, SiteForm
from sites.models import Prefecture, Site, SiteClosure

ACTIVE_SERVICES = Count("services", filter=Q(services__is_active=True))


def _crumbs_to_site(site, *, link_site=True):
    links = [
        ("Préfectures", reverse("prefecture_list")),
        (site.prefecture.name, reverse("prefecture_detail", kwargs={"pk": site.prefecture_id})),
    ]
    if link_site:
        links.append((site.name, reverse("site_detail", kwargs={"pk": site.pk})))
    return links


def _visible_site(request, pk):
    return get_object_or_404(Site.objects.for_user(request.user).select_related("prefecture__department"), pk=pk)


# --- prefectures ----------------------------------------------------------------------------------


def prefecture_list(request):
    prefectures = (
        Prefecture.objects.for_user(request.user)
        .select_related("department")
        .annotate(site_count=Count("sites"))
        .order_by("department_id")
    )
    return render(
        request,
        "sites/prefecture_list.html",
        {
            "title": "Préfectures",
            "page_obj": paginate(request, prefectures),
            "breadcrumb_data": breadcrumb("Préfectures"),
        },
    )


def prefecture_detail(request, pk):
    prefecture = get_object_or_404(Prefecture.objects.for_user(request.user).select_related("department"), pk=pk)
    sites = Site.objects.for_user(request.user).filter(prefecture=prefecture).annotate(service_count=ACTIVE_SERVICES)
    return render(
        request,
        "sites/prefecture_detail.html",
        {
            "title": prefecture.name,
            "prefecture": prefecture,
            "sites": sites,
            "can_manage": access.can_manage_prefecture(request.user, prefecture),
            "breadcrumb_data": breadcrumb(prefecture.name, ("Préfectures", reverse("prefecture_list"))),
        },
    )


# --- sites ----------------------------------------------------------------------------------------


def site_list(request):
    queryset = (
        Site.objects.for_user(request.user)
        .select_related("prefecture__department")
        .annotate(service_count=ACTIVE_SERVICES)
        .order_by("prefecture__department_id", "name")
    )
    filterset = SiteFilter(request.GET or None, queryset=queryset, request=request)
    return render(
        request,
        "sites/site_list.html",
        {
            "title": "Sites",
            "filter_form": filterset.form,
            "page_obj": paginate(request, filterset.qs),
            "breadcrumb_data": breadcrumb("Sites"),
        },
    )


def site_detail(request, pk):
    site = _visible_site(request, pk)
    today = timezone.localdate()
    closures = list(site.closures.order_by("start_on"))
    return render(
        request,
        "sites/site_detail.html",
        {
            "title": site.name,
            "site": site,
            "services": site.services.order_by("-is_active", "name"),
            "upcoming_closures": [closure for closure in closures if closure.end_on >= today],
            "past_closures": [closure for closure in closures if closure.end_on < today][-5:][::-1],
            "can_edit": access.can_edit_site(request.user, site),
            "can_manage_closures": access.can_manage_closures(request.user, site),
            "breadcrumb_data": breadcrumb(site.name, *_crumbs_to_site(site, link_site=False)),
        },
    )


def site_edit(request, pk):
    site = _visible_site(request, pk)
    if not access.can_edit_site(request.user, site):
        raise PermissionDenied("Vous ne pouvez pas modifier ce site.")
    name = site.name
    form = SiteForm(request.POST or None, instance=site)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.site_update(by=request.user, site=site, **form.cleaned_data),
        "Les informations du site ont été enregistrées.",
        reverse("site_detail", kwargs={"pk": site.pk}),
    )
    return response or render(
        request,
        "sites/site_form.html",
        {
            "title": f"Modifier « {name} »",
            "site": site,
            "form": form,
            "breadcrumb_data": breadcrumb("Modifier", *_crumbs_to_site(site)),
        },
    )


# --- closures -------------------------------------------------------------------------------------


def _site_for_closures(request, site_pk):
    site = _visible_site(request, site_pk)
    if not access.can_manage_closures(request.user, site):
        raise PermissionDenied("Vous ne pouvez pas gérer les fermetures de ce site.")
    return site


def closure_create(request, site_pk):
    site = _site_for_closures(request, site_pk)
    form = ClosureForm(request.POST or None)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.closure_create(by=request.user, site=site, **form.cleaned_data),
        lambda closure: f"Fermeture enregistrée : {closure}.",
        reverse("site_detail", kwargs={"pk": site.pk}),
    )
    return response or render(
        request,
        "sites/closure_form.html",
        {
            "title": f"Nouvelle fermeture — {site.name}",
            "site": site,
            "form": form,
            "breadcrumb_data": breadcrumb("Nouvelle fermeture", *_crumbs_to_site(site)),
        },
    )


@require_http_methods(["GET", "POST"])
def closure_delete(request, site_pk, pk):
    """GET asks for confirmation; POST deletes the closure (its days count again as working days)."""
    site = _site_for_closures(request, site_pk)
    closure = get_object_or_404(SiteClosure.objects.select_related("site"), pk=pk, site=site)
    if request.method == "POST":
        services.closure_delete(by=request.user, closure=closure)
        messages.success(request, "La fermeture a été supprimée.")
        return redirect("site_detail", pk=site.pk)
    return render(
        request,
        "sites/closure_delete.html",
        {
            "title": "Supprimer une fermeture",
            "site": site,
            "closure": closure,
            "breadcrumb_data": breadcrumb("Supprimer une fermeture", *_crumbs_to_site(site)),
        },
    )
