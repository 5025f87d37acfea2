"""Pages of the quality meetings (COPIL, CLU) and of the staff training records.

Objects are fetched through ``for_user`` (a foreign object is a 404); what the user may change is asked to
accounts.access (403 when they may see but not change); writes go through engagements.services.meetings.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from accounts import access
from engagements.filters.meetings import MeetingFilter, TrainingFilter
from engagements.forms.meetings import DecisionForm, MeetingForm, TrainingForm
from engagements.models import Action, Meeting, MeetingDecision, Training
from engagements.services import meetings as services
from engagements.services import trainings
from engagements.views.action_sources import text_to_action_page
from qualipref.lib.history import FieldHistory
from qualipref.views import breadcrumb, paginate, redirect_if_saved
from sites.models import Prefecture, Site

# --- meetings -------------------------------------------------------------------------------------


def _crumbs_to_meetings():
    return [("Réunions qualité", reverse("meeting_list"))]


def _visible_meeting(request, pk):
    return get_object_or_404(Meeting.objects.for_user(request.user).select_related("prefecture__department"), pk=pk)


def _managed_meeting(request, pk):
    meeting = _visible_meeting(request, pk)
    if not access.can_manage_meetings(request.user, meeting.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses réunions qualité.")
    return meeting


def meeting_list(request):
    queryset = (
        Meeting.objects.for_user(request.user)
        .select_related("prefecture__department")
        .annotate(
            decision_count=Count("decisions"),
            action_count=Count("decisions", filter=Q(decisions__action__isnull=False)),
        )
        .order_by("-held_on", "prefecture__department_id", "pk")
    )
    filterset = MeetingFilter(request.GET or None, queryset=queryset, request=request)
    can_create = access.manageable_meeting_prefectures(Prefecture.objects.all(), request.user).exists()
    return render(
        request,
        "engagements/meetings/meeting_list.html",
        {
            "title": "Réunions qualité",
            "filter_form": filterset.form,
            "page_obj": paginate(request, filterset.qs),
            "can_create": can_create,
            "breadcrumb_data": breadcrumb("Réunions qualité"),
        },
    )


def meeting_create(request):
    if not access.manageable_meeting_prefectures(Prefecture.objects.all(), request.user).exists():
        raise PermissionDenied("Seul le responsable qualité d'une préfecture enregistre ses réunions qualité.")
    initial = {"kind": request.GET.get("kind", Meeting.Kind.COPIL), "held_on": timezone.localdate()}
    form = MeetingForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.meeting_create(by=request.user, **form.cleaned_data),
        lambda meeting: f"{meeting} enregistré.",
        lambda meeting: reverse("meeting_detail", kwargs={"pk": meeting.pk}),
    )
    return response or render(
        request,
        "engagements/meetings/meeting_form.html",
        {
            "title": "Nouvelle réunion qualité",
            "form": form,
            "cancel_url": reverse("meeting_list"),
            "breadcrumb_data": breadcrumb("Nouvelle réunion", *_crumbs_to_meetings()),
        },
    )


def meeting_detail(request, pk):
    meeting = _visible_meeting(request, pk)
    # Whether the user may open each decision's action (an agent sees the actions of their own site only).
    visible_action = Exists(Action.objects.for_user(request.user).filter(pk=OuterRef("action_id")))
    decisions = meeting.decisions.select_related("action").annotate(action_visible=visible_action).order_by("pk")
    can_manage = access.can_manage_meetings(request.user, meeting.prefecture)
    return render(
        request,
        "engagements/meetings/meeting_detail.html",
        {
            "title": str(meeting),
            "meeting": meeting,
            "decisions": list(decisions),
            "can_manage": can_manage,
            "decision_form": DecisionForm() if can_manage else None,
            "breadcrumb_data": breadcrumb(str(meeting), *_crumbs_to_meetings()),
        },
    )


def meeting_edit(request, pk):
    meeting = _managed_meeting(request, pk)
    name = str(meeting)
    initial = {field: getattr(meeting, field) for field in services.MEETING_FIELDS}
    form = MeetingForm(request.POST or None, actor=request.user, meeting=meeting, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.meeting_update(by=request.user, meeting=meeting, **form.cleaned_data),
        "La réunion a été enregistrée.",
        reverse("meeting_detail", kwargs={"pk": meeting.pk}),
    )
    return response or render(
        request,
        "engagements/meetings/meeting_form.html",
        {
            "title": f"Modifier « {name} »",
            "form": form,
            "meeting": meeting,
            "cancel_url": reverse("meeting_detail", kwargs={"pk": meeting.pk}),
            "breadcrumb_data": breadcrumb(
                "Modifier", *_crumbs_to_meetings(), (name, reverse("meeting_detail", kwargs={"pk": meeting.pk}))
            ),
        },
    )


def meeting_decision_add(request, pk):
    """GET: the form alone; POST (also from the meeting's page): record the decision."""
    meeting = _managed_meeting(request, pk)
    form = DecisionForm(request.POST or None)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.decision_add(by=request.user, meeting=meeting, **form.cleaned_data),
        "Décision ajoutée.",
        reverse("meeting_detail", kwargs={"pk": meeting.pk}) + "#decisions",
    )
    return response or render(
        request,
        "engagements/meetings/decision_form.html",
        {
            "title": "Nouvelle décision",
            "meeting": meeting,
            "form": form,
            "breadcrumb_data": breadcrumb(
                "Nouvelle décision",
                *_crumbs_to_meetings(),
                (str(meeting), reverse("meeting_detail", kwargs={"pk": meeting.pk})),
            ),
        },
    )


def meeting_decision_action(request, pk, decision_pk):
    """« Créer l'action »: the decision becomes an action of the prefecture's plan."""
    meeting = _managed_meeting(request, pk)
    decision = get_object_or_404(MeetingDecision.objects.select_related("action"), pk=decision_pk, meeting=meeting)
    detail_url = reverse("meeting_detail", kwargs={"pk": meeting.pk})
    return text_to_action_page(
        request,
        text=decision,
        prefecture=meeting.prefecture,
        convert=lambda **fields: services.decision_to_action(by=request.user, decision=decision, **fields),
        back_url=detail_url + "#decisions",
        already="Cette décision a déjà donné lieu à une action.",
        crumbs=[*_crumbs_to_meetings(), (str(meeting), detail_url)],
        context={
            "parent": meeting,
            "text_title": "Décision",
            "of_text": "de la décision",
            "origin": "comité local des usagers" if meeting.kind == Meeting.Kind.CLU else "COPIL qualité",
            "this_text": "cette décision",
        },
    )


# --- trainings ------------------------------------------------------------------------------------


def _crumbs_to_trainings():
    return [("Formations", reverse("training_list"))]


def _may_record_trainings(user):
    return access.manageable_training_sites(Site.objects.all(), user).exists()


def training_list(request):
    queryset = (
        Training.objects.for_user(request.user)
        .select_related("person", "trainee", "site__prefecture")
        .order_by("-trained_on", "site__name", "person__last_name", "pk")
    )
    filterset = TrainingFilter(request.GET or None, queryset=queryset, request=request)
    page_obj = paginate(request, filterset.qs)
    for training in page_obj.object_list:
        training.editable = access.can_manage_trainings(request.user, training.site)
    return render(
        request,
        "engagements/meetings/training_list.html",
        {
            "title": "Formations des agents",
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "can_create": _may_record_trainings(request.user),
            "breadcrumb_data": breadcrumb("Formations"),
        },
    )


def training_create(request):
    if not _may_record_trainings(request.user):
        raise PermissionDenied("Seuls le responsable qualité et les référents de site enregistrent les formations.")
    initial = {"trained_on": timezone.localdate(), "reception": True}
    for name in ("site", "person", "trainee"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    form = TrainingForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: trainings.training_create(by=request.user, **form.cleaned_data),
        lambda training: f"Formation enregistrée : {training}.",
        "training_list",
    )
    return response or render(
        request,
        "engagements/meetings/training_form.html",
        {
            "title": "Nouvelle formation",
            "form": form,
            "breadcrumb_data": breadcrumb("Nouvelle formation", *_crumbs_to_trainings()),
        },
    )


def training_edit(request, pk):
    training = get_object_or_404(
        Training.objects.for_user(request.user).select_related("person", "trainee", "site"), pk=pk
    )
    if not access.can_manage_trainings(request.user, training.site):
        raise PermissionDenied("Vous ne pouvez pas modifier les formations de ce site.")
    initial = {field: getattr(training, field) for field in trainings.TRAINING_FIELDS}
    form = TrainingForm(request.POST or None, actor=request.user, training=training, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: trainings.training_update(by=request.user, training=training, **form.cleaned_data),
        "La formation a été enregistrée.",
        "training_list",
    )
    return response or render(
        request,
        "engagements/meetings/training_form.html",
        {
            "title": "Modifier une formation",
            "form": form,
            "training": training,
            "history": FieldHistory().of(training),
            "breadcrumb_data": breadcrumb("Modifier une formation", *_crumbs_to_trainings()),
        },
    )
