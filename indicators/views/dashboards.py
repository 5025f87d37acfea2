"""The drill-down dashboards: a prefecture's (from the national one) and a site's (from its prefecture's).

The landing page of each role stays ``accounts.views.dashboard`` (URL name ``dashboard``, the home of every user),
which builds the same dashboards through ``indicators.dashboards`` imported lazily. Prefectures and sites are
fetched through ``for_user``: a foreign one is a 404.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import access
from indicators.dashboards import prefecture as prefecture_dashboard
from indicators.dashboards import site as site_dashboard

from .boards import crumbs, visible_prefecture, visible_site


def _national_crumb(user):
    return ("Tableau de bord national", reverse("dashboard")) if access.is_national_admin(user) else None


@require_GET
def dashboard_prefecture(request, pk):
    prefecture = visible_prefecture(request, pk)
    return render(
        request,
        "indicators/dashboards/prefecture.html",
        {
            "title": f"Tableau de bord – {prefecture.name}",
            "d": prefecture_dashboard.build(prefecture, request.user),
            "breadcrumb_data": crumbs(prefecture.name, _national_crumb(request.user)),
        },
    )


@require_GET
def dashboard_site(request, pk):
    site = visible_site(request, pk)
    prefecture_link = None
    if access.can_view_prefecture(request.user, site.prefecture):
        prefecture_link = (site.prefecture.name, reverse("dashboard_prefecture", kwargs={"pk": site.prefecture_id}))
    return render(
        request,
        "indicators/dashboards/site.html",
        {
            "title": f"Tableau de bord – {site.name}",
            "d": site_dashboard.build(site),
            "breadcrumb_data": crumbs(site.name, _national_crumb(request.user), prefecture_link),
        },
    )
