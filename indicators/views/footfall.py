"""Footfall (heures d'affluence): the weekday × hour heatmap of a site or a service, the import of the hourly export
of the queue-management system, and the public page of each site's peak hours (no login, rate-limited)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from accounts import access
from indicators.forms import FootfallImportForm, HeatmapForm
from indicators.services import footfall
from indicators.views.boards import crumbs, home_crumb, visible_site
from indicators.views.entry import import_outcome
from qualipref.lib import table_export
from sites.models import Site

# Per visitor's address: plenty for people, too few for a robot crawling every site.
PUBLIC_RATE = "60/m"


@require_GET
def footfall_heatmap(request, pk):
    site = visible_site(request, pk)
    form = HeatmapForm(request.GET or None, site=site)
    service, weeks = None, footfall.DEFAULT_WEEKS
    if form.is_valid():
        service = form.cleaned_data["service"]
        weeks = form.cleaned_data["weeks"] or footfall.DEFAULT_WEEKS
    heatmap = footfall.heatmap(site=site, service=service, weeks=weeks)
    return render(
        request,
        "indicators/footfall.html",
        {
            "title": f"Heures d'affluence – {site.name}",
            "site": site,
            "form": form,
            "service": service,
            "weeks": weeks,
            "heatmap": heatmap,
            "levels": range(1, footfall.LEVELS + 1),
            "can_import": access.can_import_footfall(request.user, site),
            "breadcrumb_data": crumbs(
                "Heures d'affluence", home_crumb(), (site.name, reverse("indicators_site", kwargs={"pk": site.pk}))
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def footfall_import(request):
    if not access.may_enter_measurements(request.user):
        raise PermissionDenied("Seuls le responsable qualité et les référents de site importent la fréquentation.")
    form = FootfallImportForm(request.POST or None, request.FILES or None)
    report, status = import_outcome(
        request, form, lambda: footfall.import_footfall(by=request.user, file=form.cleaned_data["file"])
    )
    return render(
        request,
        "indicators/footfall_import.html",
        {
            "title": "Importer la fréquentation horaire",
            "form": form,
            "report": report,
            "columns": footfall.COLUMNS,
            "breadcrumb_data": crumbs("Importer la fréquentation", home_crumb()),
        },
        status=status,
    )


@require_GET
def footfall_import_template(request):
    headers = [column.label for column in footfall.COLUMNS]
    return table_export.csv_response(headers, footfall.EXAMPLE, "modele-frequentation")


# --- public pages ----------------------------------------------------------------------------------------------


def _rate_limited(request):
    return render(request, "indicators/public/rate_limited.html", {"title": "Trop de demandes"}, status=429)


@login_not_required
@ratelimit(key="ip", rate=PUBLIC_RATE, method="GET", block=False)
@require_GET
def public_footfall_index(request):
    """The sites whose peak hours are published: active sites, by département."""
    if getattr(request, "limited", False):
        return _rate_limited(request)
    sites = Site.objects.active().select_related("prefecture__department").order_by("prefecture__department_id", "name")
    return render(request, "indicators/public/index.html", {"title": "Heures d'affluence", "sites": sites})


@login_not_required
@ratelimit(key="ip", rate=PUBLIC_RATE, method="GET", block=False)
@require_GET
def public_footfall_site(request, pk):
    """A site's peak hours for its visitors: levels only (no figures), and the period they come from."""
    if getattr(request, "limited", False):
        return _rate_limited(request)
    site = get_object_or_404(Site.objects.active().select_related("prefecture__department"), pk=pk)
    return render(
        request,
        "indicators/public/site.html",
        {"title": f"Heures d'affluence – {site.name}", "site": site, "peaks": footfall.peak_hours(site=site)},
    )
