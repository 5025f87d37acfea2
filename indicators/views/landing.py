"""The landing page of every signed-in user (URL name ``dashboard``, /comptes/tableau-de-bord/): the dashboard of
their role (``access.home_dashboard``). It lives with the dashboards because it shows them: indicators read every
app, and no app imports indicators (its address stays under /comptes/: see qualipref/urls.py)."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

from accounts import access
from accounts.models import SITE_ROLES, Membership, User
from audits.services.dashboards import auditor_audits
from indicators.dashboards import national as national_dashboard
from indicators.dashboards import prefecture as prefecture_dashboard
from indicators.dashboards import site as site_dashboard
from indicators.services import dashboard_pdf
from sites.models import Prefecture, Service, Site, SiteClosure


def dashboard(request):
    """The landing page of each role (access.home_dashboard)."""
    user = request.user
    kind = access.home_dashboard(user)
    context = {"kind": kind, "title": _DASHBOARD_TITLES[kind]}
    context.update(_DASHBOARDS.get(kind, lambda user: {})(user))
    return render(request, "indicators/landing.html", context)


def _national_dashboard(user):
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
        "national_body": national_dashboard.body_html(),
        "national_pdf": dashboard_pdf.current(),
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
        context["prefecture_body"] = prefecture_dashboard.body_html(prefectures[0], user)
        context["dashboard_pdf"] = dashboard_pdf.current(dashboard_pdf.of_prefecture(prefectures[0], user))
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
        context["site_body"] = site_dashboard.body_html(context["sites"][0])
        context["dashboard_pdf"] = dashboard_pdf.current(dashboard_pdf.of_site(context["sites"][0]))
    return context


def _auditor_dashboard(user):
    """« Mes audits »: the audits assigned to the auditor, those whose access window is open first."""
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
