"""The library of good practices: strengths of the audits that national administrators published, searchable
by module and engagement (their stable codes, whatever the version of the référentiel)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from audits.filters import GoodPracticeFilter
from audits.models import GoodPractice
from audits.services import findings as services
from engagements.models import Engagement, Module
from qualipref.views import breadcrumb, paginate


def _codes(model):
    """(code, label) of the modules or engagements that have a published practice, one per stable code."""
    field = "module" if model is Module else "engagement"
    rows = (
        model.objects.filter(good_practices__isnull=False)
        .order_by("code", "-referential__published_on")
        .values_list("code", "title")
        .distinct()
    )
    choices = {}
    for code, title in rows:
        choices.setdefault(code, f"{code} – {title}")
    return [("", "Tous" if field == "module" else "Tous les engagements"), *sorted(choices.items())]


@require_GET
def good_practice_list(request):
    if not access.can_view_good_practices(request.user):
        raise PermissionDenied("La bibliothèque des bonnes pratiques est réservée aux utilisateurs habilités.")
    practices = GoodPractice.objects.select_related(
        "prefecture", "site", "module", "engagement", "finding__audit"
    ).order_by("-published_on", "-pk")
    filterset = GoodPracticeFilter(request.GET or None, queryset=practices, request=request)
    page_obj = paginate(request, filterset.qs)
    return render(
        request,
        "audits/good_practice_list.html",
        {
            "title": "Bonnes pratiques",
            "filterset": filterset,
            "page_obj": page_obj,
            "module_choices": _codes(Module),
            "engagement_choices": _codes(Engagement),
            "query": request.GET.get("q", ""),
            "module": request.GET.get("module", ""),
            "engagement": request.GET.get("engagement", ""),
            "can_publish": access.can_publish_good_practices(request.user),
            "breadcrumb_data": breadcrumb("Bonnes pratiques"),
        },
    )


@require_http_methods(["GET", "POST"])
def good_practice_withdraw(request, pk):
    if not access.can_view_good_practices(request.user):
        raise PermissionDenied("La bibliothèque des bonnes pratiques est réservée aux utilisateurs habilités.")
    practice = get_object_or_404(GoodPractice.objects.select_related("prefecture"), pk=pk)
    if not access.can_publish_good_practices(request.user):
        raise PermissionDenied("Seuls les administrateurs nationaux retirent des bonnes pratiques.")
    if request.method == "POST":
        services.good_practice_withdraw(by=request.user, practice=practice)
        messages.success(request, f"« {practice.title} » est retirée de la bibliothèque.")
        return redirect("good_practice_list")
    return render(
        request,
        "audits/good_practice_withdraw.html",
        {
            "title": "Retirer une bonne pratique",
            "practice": practice,
            "breadcrumb_data": breadcrumb("Retirer", ("Bonnes pratiques", reverse("good_practice_list"))),
        },
    )
