"""The indicator pages: the catalogue, and the boards of a site, a prefecture and the nation (values of the last
12 months, traffic lights against the targets, trends, staleness), an indicator of a site in detail.

Sites and prefectures are fetched through ``for_user`` (a foreign one is a 404). Each page costs a fixed number of
queries whatever the data volume (indicators.services.boards).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES
from engagements.models import Engagement
from indicators import periods
from indicators.models import Indicator, Measurement
from indicators.services import boards
from qualipref.views import breadcrumb
from sites.models import Prefecture, Site


def home_crumb():
    return ("Indicateurs", reverse("indicators_home"))


def crumbs(current, *links):
    """``breadcrumb_data`` without the links the user may not follow (None)."""
    return breadcrumb(current, *(link for link in links if link))


def last_month(request):
    """The last month shown (``?fin=AAAA-MM``), the current one by default; a wrong or future month is ignored."""
    try:
        return periods.parse(request.GET.get("fin", ""))
    except Exception:  # noqa: BLE001 - a hand-typed URL falls back to the current month
        return periods.current()


def navigation(request, shown):
    """Links to the 12 months before and after the ones shown (none after the current month)."""
    previous = periods.add_months(shown[-1], -len(shown))
    following = periods.add_months(shown[-1], len(shown))
    current = periods.current()
    return {
        "previous_url": f"?fin={periods.format_period(previous)}",
        "next_url": f"?fin={periods.format_period(min(following, current))}" if shown[-1] < current else None,
        "first_label": periods.label(shown[0]),
        "last_label": periods.label(shown[-1]),
    }


def visible_site(request, pk):
    return get_object_or_404(Site.objects.for_user(request.user).select_related("prefecture__department"), pk=pk)


def visible_prefecture(request, pk):
    return get_object_or_404(Prefecture.objects.for_user(request.user).select_related("department"), pk=pk)


@require_GET
def indicators_home(request):
    """Each role lands on the board of its scope: national, its prefecture, its site; the catalogue otherwise."""
    scope = access.get_scope(request.user)
    if access.can_view_national_indicators(request.user):
        return redirect("indicators_national")
    prefectures = sorted(scope.prefecture_ids(*PREFECTURE_ROLES))
    if len(prefectures) == 1:
        return redirect("indicators_prefecture", pk=prefectures[0])
    sites = sorted(scope.site_ids(*SITE_ROLES))
    if len(sites) == 1 and not prefectures:
        return redirect("indicators_site", pk=sites[0])
    return redirect("indicator_catalogue")


@require_GET
def indicator_catalogue(request):
    indicators = list(Indicator.objects.active())
    engagements = {}
    for code, engagement_code, title, referential in (
        Engagement.objects.exclude(target_indicator="")
        .order_by("referential__code", "code")
        .values_list("target_indicator", "code", "title", "referential__name")
    ):
        engagements.setdefault(code, []).append({"code": engagement_code, "title": title, "referential": referential})
    themes = {}
    for indicator in indicators:
        indicator.engagements = engagements.get(indicator.code, [])
        themes.setdefault(indicator.get_theme_display(), []).append(indicator)
    places = _places(request.user)
    return render(
        request,
        "indicators/catalogue.html",
        {
            "title": "Catalogue des indicateurs",
            "themes": list(themes.items()),
            "count": len(indicators),
            "can_manage": access.can_manage_indicators(request.user),
            "places": places,
            "breadcrumb_data": breadcrumb("Catalogue", home_crumb()),
        },
    )


def _places(user):
    """The boards the user may open, for the catalogue's shortcuts (two queries)."""
    return {
        "national": access.can_view_national_indicators(user),
        "prefectures": list(Prefecture.objects.for_user(user).select_related("department")[:20]),
        "sites": list(Site.objects.for_user(user).filter(is_active=True).select_related("prefecture")[:20]),
    }


@require_GET
def indicators_site(request, pk):
    site = visible_site(request, pk)
    board = boards.site_board(site, last=last_month(request))
    return render(
        request,
        "indicators/board.html",
        {
            "title": f"Indicateurs – {site.name}",
            "heading": site.name,
            "lead": f"{site.get_kind_display()} – {site.prefecture.name}",
            "board": board,
            "site": site,
            "can_enter": access.can_enter_measurement(request.user, site.prefecture_id, site.pk),
            "can_import": access.can_enter_measurement(request.user, site.prefecture_id, site.pk),
            "recent": _recent_changes(Measurement.history.filter(site_id=site.pk)),
            **navigation(request, board.months),
            "breadcrumb_data": crumbs(
                site.name,
                home_crumb(),
                (site.prefecture.name, reverse("indicators_prefecture", kwargs={"pk": site.prefecture_id}))
                if access.can_view_prefecture(request.user, site.prefecture)
                else None,
            ),
        },
    )


def _recent_changes(history, count=10):
    """The latest entries and imports (who, when, what), for the page of a site or a prefecture: one query."""
    return list(
        history.exclude(source=Indicator.Source.COMPUTED)
        .select_related("history_user", "indicator")
        .order_by("-history_date")[:count]
    )


@require_GET
def indicators_prefecture(request, pk):
    prefecture = visible_prefecture(request, pk)
    board = boards.prefecture_board(prefecture, last=last_month(request))
    sites = Site.objects.for_user(request.user).filter(prefecture=prefecture, is_active=True).order_by("name")
    return render(
        request,
        "indicators/board.html",
        {
            "title": f"Indicateurs – {prefecture.name}",
            "heading": prefecture.name,
            "lead": "Tous les sites de la préfecture : les taux sont les rapports des totaux des sites, les délais "
            "des moyennes pondérées par les effectifs.",
            "board": board,
            "prefecture": prefecture,
            "sites": sites,
            "can_enter": access.can_enter_measurement(request.user, prefecture.pk),
            "can_import": access.may_enter_measurements(request.user)
            and access.can_enter_measurement(request.user, prefecture.pk),
            "recent": _recent_changes(Measurement.history.filter(prefecture_id=prefecture.pk, site_id__isnull=True)),
            **navigation(request, board.months),
            "breadcrumb_data": crumbs(
                prefecture.name,
                home_crumb(),
                ("National", reverse("indicators_national"))
                if access.can_view_national_indicators(request.user)
                else None,
            ),
        },
    )


@require_GET
def indicators_national(request):
    if not access.can_view_national_indicators(request.user):
        raise PermissionDenied("Les indicateurs nationaux sont réservés aux administrateurs nationaux.")
    board = boards.national_board(last=last_month(request))
    prefectures = Prefecture.objects.select_related("department").order_by("department_id")
    return render(
        request,
        "indicators/board.html",
        {
            "title": "Indicateurs nationaux",
            "heading": "Indicateurs nationaux",
            "lead": "Toutes les préfectures : les taux sont les rapports des totaux nationaux, les délais des "
            "moyennes pondérées par les effectifs.",
            "board": board,
            "prefectures": prefectures,
            **navigation(request, board.months),
            "breadcrumb_data": breadcrumb("National", home_crumb()),
        },
    )


@require_GET
def indicator_site_detail(request, pk, code):
    """One indicator of a site: its trend chart against its target, its months and who entered what."""
    site = visible_site(request, pk)
    indicator = get_object_or_404(Indicator.objects.active(), code=code)
    board = boards.site_board(site, last=last_month(request), codes=[code])
    (row,) = board.rows
    place = (
        Q(site_id=site.pk)
        if indicator.level == Indicator.Level.SITE
        else Q(site_id__isnull=True, prefecture_id=site.prefecture_id)
    )
    history = list(
        Measurement.history.filter(place, indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("-history_date")[:30]
    )
    if indicator.level == Indicator.Level.PREFECTURE and not access.can_view_prefecture(request.user, site.prefecture):
        raise Http404  # pragma: no cover - a site's people always see its prefecture
    return render(
        request,
        "indicators/site_indicator.html",
        {
            "title": f"{indicator.short_name} – {site.name}",
            "site": site,
            "indicator": indicator,
            "row": row,
            "chart": row.chart(f"trend-{indicator.code}"),
            "engagements": Engagement.objects.filter(target_indicator=indicator.code)
            .select_related("referential")
            .order_by("referential__code", "code"),
            "history": history,
            "can_enter": indicator.source != Indicator.Source.COMPUTED
            and access.can_enter_measurement(
                request.user, site.prefecture_id, site.pk if indicator.level == Indicator.Level.SITE else None
            ),
            **navigation(request, board.months),
            "breadcrumb_data": breadcrumb(
                indicator.short_name, home_crumb(), (site.name, reverse("indicators_site", kwargs={"pk": site.pk}))
            ),
        },
    )
