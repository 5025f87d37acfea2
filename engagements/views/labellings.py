"""Labelling pages: a prefecture's timeline of cycles, the forms of its steps, the national overview.

Cycles are read through ``for_user`` (a foreign prefecture or cycle is a 404); who may move a cycle forward
is asked to accounts.access (403 for those who see it but may not); writes go through
engagements.services.labellings. Each page costs a fixed number of queries whatever the number of cycles,
steps or prefectures.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import PREFECTURE_ROLES
from engagements.forms.labellings import (
    LabellingMigrateForm,
    LabellingOverviewFilter,
    LabellingStartForm,
    LabellingStepForm,
    ReferentialChoiceForm,
)
from engagements.models import Labelling, LabellingStep, Referential
from engagements.services import labellings as services
from qualipref.views import breadcrumb, file_response, redirect_if_saved
from sites.models import Prefecture

Kind = LabellingStep.Kind

STEP_BUTTONS = {
    Kind.INTERNAL_EVALUATION: "Enregistrer l'évaluation interne",
    Kind.PLAN_REVISION: "Enregistrer la révision du plan d'action",
    Kind.LABELLING_AUDIT: "Enregistrer l'audit de labellisation",
    Kind.DECISION: "Enregistrer la décision",
    Kind.FOLLOW_UP_AUDIT: "Enregistrer un audit de suivi",
    Kind.RENEWAL_AUDIT: "Enregistrer l'audit de renouvellement",
    Kind.END: "Clore le cycle",
}
STEP_DONE = {
    Kind.INTERNAL_EVALUATION: "Évaluation interne enregistrée",
    Kind.PLAN_REVISION: "Révision du plan d'action enregistrée",
    Kind.LABELLING_AUDIT: "Audit de labellisation enregistré",
    Kind.DECISION: "Décision enregistrée",
    Kind.FOLLOW_UP_AUDIT: "Audit de suivi enregistré",
    Kind.RENEWAL_AUDIT: "Audit de renouvellement enregistré",
    Kind.END: "Cycle clos",
}

# The stages of the DSFR stepper shown for a running cycle, and where each status stands.
STAGES = (
    "Préparation",
    "Évaluation interne",
    "Révision du plan d'action",
    "Audit de labellisation",
    "Décision et pérennisation",
    "Renouvellement",
)
STAGE_OF_STATUS = {
    Labelling.Status.PREPARATION: 1,
    Labelling.Status.INTERNAL_EVALUATION: 2,
    Labelling.Status.PLAN_REVISION: 3,
    Labelling.Status.LABELLING_AUDIT: 4,
    Labelling.Status.GRANTED: 5,
    Labelling.Status.REFUSED: 5,
    Labelling.Status.RENEWAL: 6,
}


def _stepper(labelling):
    stage = STAGE_OF_STATUS.get(labelling.status)
    if stage is None:
        return None
    return {
        "current": stage,
        "count": len(STAGES),
        "title": labelling.get_status_display(),
        "next": STAGES[stage] if stage < len(STAGES) else "",
    }


def _timeline_url(prefecture_pk):
    return reverse("labelling_timeline", kwargs={"prefecture_pk": prefecture_pk})


def _crumbs(prefecture):
    return [
        ("Préfectures", reverse("prefecture_list")),
        (prefecture.name, reverse("prefecture_detail", kwargs={"pk": prefecture.pk})),
        ("Labellisation", _timeline_url(prefecture.pk)),
    ]


def _visible_prefecture(request, pk):
    return get_object_or_404(Prefecture.objects.for_user(request.user).select_related("department"), pk=pk)


def _managed_labelling(request, pk):
    """A cycle the user sees (404 otherwise) and may move forward (403 otherwise)."""
    labelling = get_object_or_404(
        Labelling.objects.for_user(request.user).select_related("prefecture", "referential"), pk=pk
    )
    if not access.can_manage_labellings(request.user, labelling.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture fait avancer ses cycles de labellisation.")
    return labelling


# --- where the menu leads -------------------------------------------------------------------------


def labelling_home(request):
    """National administrators land on the overview, the others on their prefecture's timeline."""
    if access.can_view_labelling_overview(request.user):
        return redirect("labelling_overview")
    scope = access.get_scope(request.user)
    prefecture_ids = scope.prefecture_ids(*PREFECTURE_ROLES) | scope.site_prefectures
    if not prefecture_ids:
        raise PermissionDenied("Aucune préfecture ne fait partie de votre périmètre.")
    first = Prefecture.objects.filter(pk__in=prefecture_ids).order_by("department_id").values_list("pk", flat=True)
    return redirect(_timeline_url(first[0]))


# --- a prefecture's timeline ----------------------------------------------------------------------


def labelling_timeline(request, prefecture_pk):
    prefecture = _visible_prefecture(request, prefecture_pk)
    steps = LabellingStep.objects.select_related("recorded_by", "source_type").order_by("happened_on", "created_at")
    labellings = list(
        Labelling.objects.for_user(request.user)
        .filter(prefecture=prefecture)
        .select_related("referential", "previous__referential")
        .prefetch_related("modules", "sites", Prefetch("steps", queryset=steps))
        .order_by("-started_on", "-created_at")
    )
    can_manage = access.can_manage_labellings(request.user, prefecture)
    cycles = []
    for labelling in labellings:
        allowed = services.allowed_steps(labelling) if can_manage else []
        cycles.append(
            {
                "labelling": labelling,
                "steps": list(labelling.steps.all()),  # in the order they happened
                "buttons": [(step, STEP_BUTTONS[step]) for step in allowed],
                "can_migrate": can_manage and labelling.is_running,
                "stepper": _stepper(labelling),
            }
        )
    return render(
        request,
        "engagements/labellings/timeline.html",
        {
            "title": f"Labellisation — {prefecture.name}",
            "prefecture": prefecture,
            "cycles": cycles,
            "can_start": can_manage and not any(labelling.is_running for labelling in labellings),
            "can_view_overview": access.can_view_labelling_overview(request.user),
            "breadcrumb_data": breadcrumb("Labellisation", *_crumbs(prefecture)[:2]),
        },
    )


def labelling_evidence(request, pk):
    """Download a step's evidence; only for those who see the cycle (media files are not public)."""
    step = get_object_or_404(
        LabellingStep.objects.filter(labelling__in=Labelling.objects.for_user(request.user)), pk=pk
    )
    if not step.evidence:
        raise Http404("Pas de justificatif pour cette étape.")
    return file_response(step.evidence, step.evidence.name.rsplit("/", 1)[-1])


# --- forms ----------------------------------------------------------------------------------------


def _chosen_referential(request, *, exclude=None):
    """The référentiel picked in the first form (GET ?referential=), else the latest published one."""
    chooser = ReferentialChoiceForm(request.GET or None, exclude=exclude)
    if request.GET and chooser.is_valid():
        referential = chooser.cleaned_data["referential"]
    else:
        referential = chooser.fields["referential"].queryset.order_by("-published_on").first()
        chooser = ReferentialChoiceForm(initial={"referential": referential}, exclude=exclude)
    if referential is None:
        raise Http404("Aucun référentiel disponible.")
    return chooser, referential


def _posted_referential(request, default):
    pk = request.POST.get("referential", "")
    return (Referential.objects.filter(pk=pk).first() if pk.isdigit() else None) or default


def _perimeter_data(form):
    data = dict(form.cleaned_data)
    data["modules"] = list(data["modules"])
    data["sites"] = list(data["sites"])
    return data


def _perimeter_page(request, prefecture, *, form_for, save, message, heading, submit, current, exclude=None, **context):
    """The page that opens a cycle on a perimeter (« Démarrer un cycle », « Changer de référentiel »): the référentiel
    is picked first (GET), ``form_for(referential)`` asks the modules and sites, ``save(**perimeter)`` opens the
    cycle, then back to the prefecture's timeline with ``message``."""
    chooser, referential = _chosen_referential(request, exclude=exclude)
    if request.method == "POST":
        referential = _posted_referential(request, referential)
    form = form_for(referential)
    response = redirect_if_saved(
        request, form, lambda: save(**_perimeter_data(form)), message, _timeline_url(prefecture.pk)
    )
    return response or render(
        request,
        "engagements/labellings/perimeter_form.html",
        {
            "title": f"{heading} — {prefecture.name}",
            "heading": heading,
            "prefecture": prefecture,
            "chooser": chooser,
            "form": form,
            "submit": submit,
            "breadcrumb_data": breadcrumb(current, *_crumbs(prefecture)),
            **context,
        },
    )


def labelling_start(request, prefecture_pk):
    prefecture = _visible_prefecture(request, prefecture_pk)
    if not access.can_manage_labellings(request.user, prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture démarre ses cycles de labellisation.")
    return _perimeter_page(
        request,
        prefecture,
        form_for=lambda referential: LabellingStartForm(
            request.POST or None, request.FILES or None, prefecture=prefecture, referential=referential
        ),
        save=lambda **perimeter: services.labelling_start(by=request.user, prefecture=prefecture, **perimeter),
        message=lambda labelling: f"Cycle {labelling.referential} démarré : étape « Préparation ».",
        heading="Démarrer un cycle de labellisation",
        submit="Démarrer le cycle",
        current="Nouveau cycle",
        running=Labelling.objects.current().filter(prefecture=prefecture).select_related("referential").first(),
    )


def labelling_migrate(request, pk):
    labelling = _managed_labelling(request, pk)
    prefecture = labelling.prefecture
    if not labelling.is_running:
        messages.warning(request, "Ce cycle est clos : démarrez un nouveau cycle.")
        return redirect(_timeline_url(prefecture.pk))
    return _perimeter_page(
        request,
        prefecture,
        form_for=lambda referential: LabellingMigrateForm(
            request.POST or None, request.FILES or None, labelling=labelling, referential=referential
        ),
        save=lambda **perimeter: services.labelling_migrate(by=request.user, labelling=labelling, **perimeter),
        message=lambda new: f"Le cycle {labelling.referential} est clos ; le cycle {new.referential} a démarré.",
        heading="Changer de référentiel",
        submit="Clore le cycle actuel et démarrer le nouveau",
        current="Changer de référentiel",
        exclude=labelling.referential,
        migrating=labelling,
    )


def labelling_transition(request, pk, step):
    if step not in STEP_BUTTONS:
        raise Http404("Étape inconnue.")
    labelling = _managed_labelling(request, pk)
    prefecture = labelling.prefecture
    if step not in services.allowed_steps(labelling):
        messages.warning(
            request, f"Cette étape n'est pas possible : le cycle est à l'étape « {labelling.get_status_display()} »."
        )
        return redirect(_timeline_url(prefecture.pk))
    form = LabellingStepForm(request.POST or None, request.FILES or None, labelling=labelling, step=step)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.labelling_transition(by=request.user, labelling=labelling, step=step, **form.cleaned_data),
        lambda moved: f"{STEP_DONE[step]} : le cycle est à l'étape « {moved.get_status_display()} ».",
        _timeline_url(prefecture.pk),
    )
    return response or render(
        request,
        "engagements/labellings/step_form.html",
        {
            "title": f"{STEP_BUTTONS[step]} — {prefecture.name}",
            "heading": STEP_BUTTONS[step],
            "labelling": labelling,
            "prefecture": prefecture,
            "form": form,
            "breadcrumb_data": breadcrumb(Kind(step).label, *_crumbs(prefecture)),
        },
    )


# --- the national overview ------------------------------------------------------------------------


def labelling_overview(request):
    """Every prefecture with the label of its running cycle, late follow-ups, progress to the targets."""
    if not access.can_view_labelling_overview(request.user):
        raise PermissionDenied("La vue nationale des labels est réservée aux administrateurs nationaux.")
    today = timezone.localdate()
    filterset = LabellingOverviewFilter(
        request.GET or None, queryset=Prefecture.objects.select_related("department").order_by("department_id")
    )
    prefectures = list(filterset.qs)
    running = {
        labelling.prefecture_id: labelling
        for labelling in Labelling.objects.current()
        .filter(prefecture__in=[prefecture.pk for prefecture in prefectures])
        .select_related("referential", "previous__referential")
    }
    rows = [(prefecture, running.get(prefecture.pk)) for prefecture in prefectures]
    by_label = (
        Labelling.objects.current()
        .values("referential__code", "referential__name")
        .annotate(count=Count("pk"))
        .order_by("referential__name")
    )
    return render(
        request,
        "engagements/labellings/overview.html",
        {
            "title": "Labels des préfectures",
            "filter_form": filterset.form,
            "rows": rows,
            "late_count": sum(1 for _, labelling in rows if labelling and labelling.is_late),
            "by_label": by_label,
            "progress": services.national_progress(on=today),
            "breadcrumb_data": breadcrumb("Labels des préfectures"),
        },
    )
