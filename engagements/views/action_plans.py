"""Action plan pages: the list of a prefecture's plans, creation, copying the open actions to a new plan."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from engagements.forms.actions import (
    ActionPlanForm,
    CopyOpenActionsForm,
)
from engagements.models import ActionPlan
from engagements.services import actions as services
from engagements.views.common import list_crumb, managed_prefectures
from qualipref.views import breadcrumb, paginate, put_errors_on_form, redirect_if_saved

# --- plans ----------------------------------------------------------------------------------------


@require_GET
def action_plan_list(request):
    plans = (
        ActionPlan.objects.for_user(request.user)
        .select_related("prefecture__department", "labelling__referential")
        .with_action_counts()
        .order_by("prefecture__department_id", "-created_at", "-pk")
    )
    page_obj = paginate(request, plans)
    for plan in page_obj.object_list:
        plan.can_manage = access.can_manage_action_plans(request.user, plan.prefecture)
    return render(
        request,
        "engagements/actions/plan_list.html",
        {
            "title": "Plans d’action",
            "page_obj": page_obj,
            "can_create": bool(managed_prefectures(request.user)),
            "breadcrumb_data": breadcrumb("Plans d’action", list_crumb()),
        },
    )


@require_http_methods(["GET", "POST"])
def action_plan_create(request):
    if not managed_prefectures(request.user):
        raise PermissionDenied("Seul le responsable qualité d’une préfecture crée ses plans d’action.")
    form = ActionPlanForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.action_plan_create(by=request.user, **form.cleaned_data),
        lambda plan: f"Le plan d’action « {plan.title} » a été créé.",
        "action_plan_list",
    )
    return response or render(
        request,
        "engagements/actions/plan_form.html",
        {
            "title": "Nouveau plan d’action",
            "form": form,
            "breadcrumb_data": breadcrumb(
                "Nouveau plan d’action", list_crumb(), ("Plans d’action", reverse("action_plan_list"))
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def action_plan_copy(request, pk):
    """Carry the open actions of an earlier plan over to this one (a new labelling cycle)."""
    plan = get_object_or_404(ActionPlan.objects.for_user(request.user).select_related("prefecture"), pk=pk)
    if not access.can_manage_action_plans(request.user, plan.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture reprend des actions dans un plan.")
    form = CopyOpenActionsForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            copies = services.actions_copy_open_to_plan(
                by=request.user, from_plan=form.cleaned_data["from_plan"], to_plan=plan
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
        else:
            count = len(copies)
            if count:
                messages.success(
                    request, f"{count} action{'s' if count > 1 else ''} reprise{'s' if count > 1 else ''}."
                )
            else:
                messages.info(request, "Ce plan n’a aucune action ouverte à reprendre.")
            return redirect(f"{reverse('action_list')}?plan={plan.pk}")
    return render(
        request,
        "engagements/actions/plan_copy.html",
        {
            "title": f"Reprendre des actions dans « {plan.title} »",
            "plan": plan,
            "form": form,
            "breadcrumb_data": breadcrumb(
                "Reprendre des actions", list_crumb(), ("Plans d’action", reverse("action_plan_list"))
            ),
        },
    )
