"""The pages of the programme: the calendar of a prefecture or a site (month and year views), the rules of the
quality manager, the private calendar address (iCalendar) and its feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts import access
from accounts.models import PREFECTURE_ROLES, SITE_ROLES
from qualipref.views import breadcrumb, redirect_if_saved
from sites.models import Prefecture, Site

from . import calendar, feeds, services
from .calendar import Actions
from .forms import ProgrammeRuleForm
from .models import PlannedItem, ProgrammeRule

# The feed has no session: a calendar client reads it every few minutes at most; guessing tokens is throttled.
FEED_RATE = "30/m"


def _require_programme_reader(request):
    if not access.may_use_programme(request.user):
        raise Http404("Aucun programme qualité à afficher.")


@require_GET
def programme_home(request):
    """Straight to the calendar of the user's prefecture (or site); national administrators choose a prefecture."""
    _require_programme_reader(request)
    scope = access.get_scope(request.user)
    prefecture_ids = scope.prefecture_ids(*PREFECTURE_ROLES)
    if not scope.national:
        if len(prefecture_ids) == 1:
            return redirect("programme_prefecture", pk=next(iter(prefecture_ids)))
        site_ids = scope.site_ids(*SITE_ROLES)
        if not prefecture_ids and len(site_ids) == 1:
            return redirect("programme_site", pk=next(iter(site_ids)))
    prefectures = Prefecture.objects.for_user(request.user).select_related("department").order_by("name")
    sites = (
        Site.objects.filter(pk__in=scope.site_ids(*SITE_ROLES)).order_by("name")
        if not scope.national
        else Site.objects.none()
    )
    title = "Programme qualité"
    return render(
        request,
        "planning/home.html",
        {"title": title, "prefectures": prefectures, "sites": sites, "breadcrumb_data": breadcrumb(title)},
    )


def _visible_prefecture(request, pk):
    _require_programme_reader(request)
    return get_object_or_404(Prefecture.objects.for_user(request.user), pk=pk)


def _visible_site(request, pk):
    _require_programme_reader(request)
    return get_object_or_404(Site.objects.for_user(request.user).select_related("prefecture"), pk=pk)


def _items(request, prefecture, site=None):
    items = PlannedItem.objects.for_user(request.user).filter(prefecture=prefecture)
    if site is not None:
        # A site's calendar: its own items and the prefecture's (COPIL, CLU, survey) that concern every site.
        items = items.filter(site__isnull=True) | items.filter(site=site)
    return items


def _context(request, prefecture, site, view):
    """What the month and year pages share: the headings, the links between views, the quality manager's links."""
    subject = site.name if site else prefecture.name
    crumbs = [("Programme qualité", reverse("programme_home"))]
    if site is not None:
        crumbs.append((prefecture.name, reverse("programme_prefecture", kwargs={"pk": prefecture.pk})))
    name = "programme_site" if site else "programme_prefecture"
    pk = site.pk if site else prefecture.pk
    return {
        "prefecture": prefecture,
        "site": site,
        "subject": subject,
        "view": view,
        "month_url": reverse(name, kwargs={"pk": pk}),
        "year_url": reverse(f"{name}_year", kwargs={"pk": pk}),
        "can_manage": access.can_manage_programme(request.user, prefecture),
        "crumbs": crumbs,
    }


def _month_page(request, prefecture, site=None):
    today = timezone.localdate()
    year, month = calendar.parse_month(request.GET.get("mois"), today)
    first, last = calendar.month_bounds(year, month)
    items = list(calendar.items_query(_items(request, prefecture, site).overlapping(first, last)))
    calendar.decorate(items, Actions(request.user, prefecture))
    days, spanning = calendar.month_view(items, year, month, today)
    context = _context(request, prefecture, site, "month")
    label = calendar.Month(year, month, []).label
    title = f"Programme qualité – {context['subject']} – {label}"
    previous, following = calendar.shift_month(year, month, -1), calendar.shift_month(year, month, 1)
    context.update(
        {
            "title": title,
            "period_label": label,
            "year": year,
            "days": days,
            "lead_blanks": range(days[0].date.weekday()),
            "weekdays": calendar.WEEKDAYS,
            "spanning": spanning,
            "items": items,
            "late_count": sum(item.is_late for item in items),
            "previous": {"param": f"{previous[0]}-{previous[1]:02d}", "label": calendar.Month(*previous, []).label},
            "following": {"param": f"{following[0]}-{following[1]:02d}", "label": calendar.Month(*following, []).label},
            "today_param": f"{today.year}-{today.month:02d}",
            "is_current": (year, month) == (today.year, today.month),
            "breadcrumb_data": breadcrumb(label, *context["crumbs"]),
        }
    )
    return render(request, "planning/month.html", context)


def _year_page(request, prefecture, site=None):
    today = timezone.localdate()
    year = calendar.parse_year(request.GET.get("annee"), today)
    items = list(calendar.items_query(_items(request, prefecture, site).filter(year=year)))
    calendar.decorate(items, Actions(request.user, prefecture))
    context = _context(request, prefecture, site, "year")
    title = f"Programme qualité {year} – {context['subject']}"
    context.update(
        {
            "title": title,
            "period_label": str(year),
            "year": year,
            "months": calendar.year_view(items, year),
            "items": items,
            "late_count": sum(item.is_late for item in items),
            "done_count": sum(item.status == PlannedItem.Status.DONE for item in items),
            "previous": {"param": year - 1, "label": str(year - 1)},
            "following": {"param": year + 1, "label": str(year + 1)},
            "today_param": today.year,
            "is_current": year == today.year,
            "breadcrumb_data": breadcrumb(str(year), *context["crumbs"]),
        }
    )
    return render(request, "planning/year.html", context)


@require_GET
def programme_prefecture(request, pk):
    return _month_page(request, _visible_prefecture(request, pk))


@require_GET
def programme_prefecture_year(request, pk):
    return _year_page(request, _visible_prefecture(request, pk))


@require_GET
def programme_site(request, pk):
    site = _visible_site(request, pk)
    return _month_page(request, site.prefecture, site)


@require_GET
def programme_site_year(request, pk):
    site = _visible_site(request, pk)
    return _year_page(request, site.prefecture, site)


# --- the rules ------------------------------------------------------------------------------------


def _rules_crumbs(prefecture):
    return (
        ("Programme qualité", reverse("programme_home")),
        (prefecture.name, reverse("programme_prefecture", kwargs={"pk": prefecture.pk})),
    )


@require_http_methods(["GET", "POST"])
def programme_rules(request, pk):
    """The rules of a prefecture's programme; its quality manager adds one with the form below the list."""
    prefecture = _visible_prefecture(request, pk)
    can_manage = access.can_manage_programme(request.user, prefecture)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie les règles de son programme.")
    form = ProgrammeRuleForm(request.POST or None, prefecture=prefecture, initial={"active": True})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.rule_save(by=request.user, prefecture=prefecture, **form.cleaned_data),
        lambda rule: f"Règle « {rule.label} » ajoutée ; le programme de l’année est à jour.",
        reverse("programme_rules", kwargs={"pk": prefecture.pk}),
    )
    if response:
        return response
    rules = ProgrammeRule.objects.filter(prefecture=prefecture).select_related("site").order_by("kind", "month", "pk")
    title = f"Règles du programme qualité – {prefecture.name}"
    return render(
        request,
        "planning/rules.html",
        {
            "title": title,
            "prefecture": prefecture,
            "rules": rules,
            "form": form if can_manage else None,
            "can_manage": can_manage,
            "breadcrumb_data": breadcrumb("Règles", *_rules_crumbs(prefecture)),
        },
    )


def _managed_rule(request, pk):
    _require_programme_reader(request)
    rule = get_object_or_404(ProgrammeRule.objects.for_user(request.user).select_related("prefecture", "site"), pk=pk)
    if not access.can_manage_programme(request.user, rule.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie les règles de son programme.")
    return rule


@require_http_methods(["GET", "POST"])
def programme_rule_edit(request, pk):
    rule = _managed_rule(request, pk)
    initial = {name: getattr(rule, name) for name in ("kind", "month", "end_month", "first_year", "note", "active")}
    initial["site"] = rule.site_id
    form = ProgrammeRuleForm(request.POST or None, prefecture=rule.prefecture, initial=initial)
    to = reverse("programme_rules", kwargs={"pk": rule.prefecture_id})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.rule_save(by=request.user, prefecture=rule.prefecture, rule=rule, **form.cleaned_data),
        lambda saved: f"Règle « {saved.label} » modifiée ; les éléments à venir du programme la suivent.",
        to,
    )
    return response or render(
        request,
        "planning/rule_form.html",
        {
            "title": f"Modifier la règle « {rule.label} »",
            "form": form,
            "rule": rule,
            "cancel_url": to,
            "breadcrumb_data": breadcrumb("Modifier une règle", *_rules_crumbs(rule.prefecture), ("Règles", to)),
        },
    )


@require_POST
def programme_rule_delete(request, pk):
    rule = _managed_rule(request, pk)
    label, prefecture_id = rule.label, rule.prefecture_id
    services.rule_delete(by=request.user, rule=rule)
    messages.success(request, f"Règle « {label} » supprimée ; ses éléments à venir sont retirés du programme.")
    return redirect("programme_rules", pk=prefecture_id)


# --- the private calendar address -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def programme_feed(request):
    """The user's private iCalendar address: shown once when generated, revocable."""
    _require_programme_reader(request)
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if feeds.feed_revoke(by=request.user):
                messages.success(request, "Adresse révoquée : les agendas abonnés ne reçoivent plus le programme.")
            return redirect("programme_feed")
        token = feeds.feed_issue(by=request.user)
    feed = getattr(request.user, "calendar_feed", None) if token is None else None
    title = "Programme qualité dans mon agenda"
    return render(
        request,
        "planning/feed.html",
        {
            "title": title,
            "feed_url": request.build_absolute_uri(reverse("programme_feed_ics", kwargs={"token": token}))
            if token
            else "",
            "feed": feed,
            "has_feed": token is not None or feed is not None,
            "national_feed": feeds.national_feed(request.user),
            "breadcrumb_data": breadcrumb("Mon agenda", ("Programme qualité", reverse("programme_home"))),
        },
    )


@login_not_required
@ratelimit(key="ip", rate=FEED_RATE, method="GET", block=False)
@require_GET
def programme_feed_ics(request, token):
    """The feed itself: no session, the token in the address; unknown or revoked: 404 (too many tries: 429)."""
    if getattr(request, "limited", False):
        return HttpResponse("Trop de demandes : réessayez dans une minute.", status=429, content_type="text/plain")
    user = feeds.feed_user(token)
    if user is None or not access.may_use_programme(user):
        raise Http404("Adresse d’agenda inconnue ou révoquée.")
    today = timezone.localdate()
    body = feeds.feed_calendar(
        user, feeds.feed_items(user, today), base_url=request.build_absolute_uri("/").rstrip("/"), today=today
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="programme-qualite.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
