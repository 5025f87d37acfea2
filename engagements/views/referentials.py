"""Référentiels in the UI: the versions of each label, then a version's modules and engagements.

National reference data: every signed-in user reads them (the admin and ``import_referential`` write them).
Each page costs a fixed number of queries, whatever the number of modules and engagements.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts import access
from engagements.models import Engagement, Module, Referential
from qualipref.views import breadcrumb


def referential_list(request):
    referentials = Referential.objects.annotate(
        module_count=Count("modules", distinct=True),
        mandatory_count=Count("modules", filter=Q(modules__mandatory=True), distinct=True),
        engagement_count=Count("engagements", distinct=True),
    ).order_by("name", "code", "-published_on", "-pk")
    return render(
        request,
        "engagements/referentials/referential_list.html",
        {
            "title": "Référentiels qualité",
            "referentials": referentials,
            "can_manage": access.can_manage_referentials(request.user),
            "breadcrumb_data": breadcrumb("Référentiels"),
        },
    )


def referential_detail(request, pk):
    engagements = Engagement.objects.order_by("number")
    referential = get_object_or_404(
        Referential.objects.prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.order_by("number").prefetch_related(
                    Prefetch("engagements", queryset=engagements)
                ),
            )
        ),
        pk=pk,
    )
    modules = list(referential.modules.all())
    all_engagements = [engagement for module in modules for engagement in module.engagements.all()]
    versions = Referential.objects.filter(code=referential.code).order_by("-published_on", "-pk")
    return render(
        request,
        "engagements/referentials/referential_detail.html",
        {
            "title": str(referential),
            "referential": referential,
            "modules": modules,
            "versions": versions,
            "engagement_count": len(all_engagements),
            "reconstructed_count": sum(engagement.reconstructed for engagement in all_engagements),
            "target_count": sum(engagement.has_target for engagement in all_engagements),
            "can_manage": access.can_manage_referentials(request.user),
            "breadcrumb_data": breadcrumb(str(referential), ("Référentiels", reverse("referential_list"))),
        },
    )
