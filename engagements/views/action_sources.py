"""The « Créer l'action » page of a text that becomes an action of the prefecture's plan in one step: a meeting's
decision (engagements.views.meetings), an exercise's lesson (crisis.views). Written once; each caller fetches its
text (and checks the actor may manage it), names its service and its wording."""

from django.contrib import messages
from django.shortcuts import redirect, render

from engagements.forms.meetings import DecisionActionForm
from qualipref.views import breadcrumb, redirect_if_saved


def text_to_action_page(request, *, text, prefecture, convert, back_url, already, crumbs, context):
    """GET: the text and the form of what the action needs beyond it (plan, site, owner, due date); a valid POST
    calls ``convert(**cleaned_data)`` (the service, which returns the action) and goes back to ``back_url`` (the
    texts on their page), as does a text that already has its action (``already`` flashed).

    ``crumbs``: the breadcrumb's links before the page; ``context``: the page's wording
    (engagements/actions/text_to_action_form.html says which)."""
    if text.action_id is not None:
        messages.info(request, already)
        return redirect(back_url)
    form = DecisionActionForm(request.POST or None, prefecture=prefecture)
    response = redirect_if_saved(
        request,
        form,
        lambda: convert(**form.cleaned_data),
        lambda action: f"Action créée dans le plan « {action.plan} » : {action.title}",
        back_url,
    )
    return response or render(
        request,
        "engagements/actions/text_to_action_form.html",
        {
            "title": "Créer l’action",
            "text": text,
            "form": form,
            "has_plan": form.fields["plan"].queryset.exists(),
            "cancel_url": back_url,
            "breadcrumb_data": breadcrumb("Créer l’action", *crumbs),
            **context,
        },
    )
