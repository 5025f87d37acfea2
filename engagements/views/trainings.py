"""Pages of the training plan: the planned sessions (« plan de formation »), a session (enrolment, attendance),
the people without an account, and the reception agents to train (the 4-year rule).

Objects are fetched through ``for_user`` (a foreign object is a 404); what the user may change is asked to
accounts.access (403 when they may see but not change); writes go through engagements.services.trainings.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from engagements.filters.trainings import TraineeFilter, TrainingSessionFilter
from engagements.forms.meetings import AgentsFilterForm
from engagements.forms.trainings import AttendanceForm, EnrolForm, TraineeForm, TrainingSessionForm
from engagements.models import Enrolment, Trainee, TrainingKind, TrainingSession
from engagements.services import trainings as services
from qualipref.lib.history import FieldHistory
from qualipref.views import breadcrumb, flash_outcome, paginate, redirect_if_saved
from sites.models import Site

SESSION_HISTORY = FieldHistory(hidden=frozenset({"attendance_recorded_at"}))
TRAINEE_HISTORY = FieldHistory(hidden=frozenset({"anonymised_on"}))


def _crumbs():
    return [("Formations", reverse("training_list")), ("Plan de formation", reverse("training_session_list"))]


def _may_plan(user):
    return access.manageable_training_sites(Site.objects.all(), user).exists()


# --- sessions ----------------------------------------------------------------------------------------------


def training_session_list(request):
    """« Plan de formation »: the sessions the user sees, filterable by type (accueil, astreinte, CIP...)."""
    queryset = services.sessions_with_counts(
        TrainingSession.objects.for_user(request.user).select_related("site__prefecture").order_by("-starts_at", "-pk")
    )
    filterset = TrainingSessionFilter(request.GET or None, queryset=queryset, request=request)
    return render(
        request,
        "engagements/trainings/session_list.html",
        {
            "title": "Plan de formation",
            "filter_form": filterset.form,
            "page_obj": paginate(request, filterset.qs),
            "can_create": _may_plan(request.user),
            "breadcrumb_data": breadcrumb("Plan de formation", ("Formations", reverse("training_list"))),
        },
    )


def training_session_create(request):
    if not _may_plan(request.user):
        raise PermissionDenied("Seuls le responsable qualité et les référents de site planifient les sessions.")
    initial = {"kind": request.GET.get("kind") or TrainingKind.RECEPTION, "min_enrolled": 1}
    form = TrainingSessionForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.session_create(by=request.user, **form.service_values()),
        lambda session: f"Session planifiée : {session}.",
        lambda session: reverse("training_session_detail", kwargs={"pk": session.pk}),
    )
    return response or render(
        request,
        "engagements/trainings/session_form.html",
        {
            "title": "Nouvelle session de formation",
            "form": form,
            "cancel_url": reverse("training_session_list"),
            "breadcrumb_data": breadcrumb("Nouvelle session", *_crumbs()),
        },
    )


def _visible_session(request, pk):
    return get_object_or_404(TrainingSession.objects.for_user(request.user).select_related("site__prefecture"), pk=pk)


def _managed_session(request, pk):
    session = _visible_session(request, pk)
    if not access.can_manage_training_session(request.user, session):
        raise PermissionDenied("Vous ne pouvez pas modifier les sessions de ce site.")
    return session


def training_session_detail(request, pk):
    session = _visible_session(request, pk)
    can_manage = access.can_manage_training_session(request.user, session)
    enrolments = session.enrolments.select_related("user", "trainee__site", "training").order_by("pk")
    enrolment_list = list(enrolments)
    started = session.starts_at <= timezone.now()
    open_for_enrolment = can_manage and session.attendance_recorded_at is None
    enrol_form = None
    if open_for_enrolment and len(enrolment_list) < session.capacity:
        enrol_form = EnrolForm(session=session)
    attendance_form = None
    if can_manage and started and enrolment_list:
        attendance_form = AttendanceForm(
            enrolments=enrolments, initial={"present": [e.pk for e in enrolment_list if e.attended]}
        )
    return render(
        request,
        "engagements/trainings/session_detail.html",
        {
            "title": str(session),
            "session": session,
            "enrolments": enrolment_list,
            "missing": max(0, session.min_enrolled - len(enrolment_list)),
            "can_manage": can_manage,
            "can_unenrol": open_for_enrolment,
            "started": started,
            "enrol_form": enrol_form,
            "attendance_form": attendance_form,
            "history": SESSION_HISTORY.of(session),
            "breadcrumb_data": breadcrumb(str(session), *_crumbs()),
        },
    )


def training_session_edit(request, pk):
    session = _managed_session(request, pk)
    form = TrainingSessionForm(request.POST or None, actor=request.user, session=session)
    detail_url = reverse("training_session_detail", kwargs={"pk": session.pk})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.session_update(by=request.user, session=session, **form.service_values()),
        "La session a été enregistrée.",
        detail_url,
    )
    return response or render(
        request,
        "engagements/trainings/session_form.html",
        {
            "title": f"Modifier « {session} »",
            "form": form,
            "cancel_url": detail_url,
            "breadcrumb_data": breadcrumb("Modifier", *_crumbs(), (str(session), detail_url)),
        },
    )


def training_session_enrol(request, pk):
    """GET: the enrolment form alone; POST (also from the session's page): enrol the person."""
    session = _managed_session(request, pk)
    form = EnrolForm(request.POST or None, session=session)
    detail_url = reverse("training_session_detail", kwargs={"pk": session.pk})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.enrol(by=request.user, session=session, **form.cleaned_data),
        lambda enrolment: f"{enrolment.person_label} est inscrit(e) à la session.",
        detail_url + "#inscrits",
    )
    return response or render(
        request,
        "engagements/trainings/enrol_form.html",
        {
            "title": "Inscrire une personne",
            "session": session,
            "form": form,
            "cancel_url": detail_url,
            "breadcrumb_data": breadcrumb("Inscrire", *_crumbs(), (str(session), detail_url)),
        },
    )


@require_POST
def training_session_unenrol(request, pk, enrolment_pk):
    session = _managed_session(request, pk)
    enrolment = get_object_or_404(Enrolment.objects.select_related("user", "trainee"), pk=enrolment_pk, session=session)
    flash_outcome(
        request,
        lambda: services.unenrol(by=request.user, enrolment=enrolment),
        f"L’inscription de {enrolment.person_label} est annulée.",
    )
    return redirect(reverse("training_session_detail", kwargs={"pk": session.pk}) + "#inscrits")


def training_session_attendance(request, pk):
    """GET: the attendance form alone; POST: record who came (their training records follow)."""
    session = _managed_session(request, pk)
    enrolments = session.enrolments.select_related("user", "trainee").order_by("pk")
    form = AttendanceForm(
        request.POST or None, enrolments=enrolments, initial={"present": [e.pk for e in enrolments if e.attended]}
    )
    detail_url = reverse("training_session_detail", kwargs={"pk": session.pk})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.record_attendance(by=request.user, session=session, present=form.cleaned_data["present"]),
        "Présences enregistrées : les formations des présents sont enregistrées.",
        detail_url + "#presences",
    )
    return response or render(
        request,
        "engagements/trainings/attendance_form.html",
        {
            "title": "Relever les présences",
            "session": session,
            "form": form,
            "cancel_url": detail_url,
            "breadcrumb_data": breadcrumb("Présences", *_crumbs(), (str(session), detail_url)),
        },
    )


# --- people without an account -----------------------------------------------------------------------------


def _crumbs_to_trainees():
    return [("Formations", reverse("training_list")), ("Personnes sans compte", reverse("trainee_list"))]


def trainee_list(request):
    queryset = (
        Trainee.objects.for_user(request.user)
        .select_related("site__prefecture")
        .order_by("last_name", "first_name", "pk")
    )
    filterset = TraineeFilter(request.GET or None, queryset=queryset, request=request)
    page_obj = paginate(request, filterset.qs)
    for trainee in page_obj.object_list:
        trainee.editable = access.can_manage_trainee(request.user, trainee)
    return render(
        request,
        "engagements/trainings/trainee_list.html",
        {
            "title": "Personnes sans compte",
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "can_create": _may_plan(request.user),
            "breadcrumb_data": breadcrumb("Personnes sans compte", ("Formations", reverse("training_list"))),
        },
    )


def trainee_create(request):
    if not _may_plan(request.user):
        raise PermissionDenied("Seuls le responsable qualité et les référents de site enregistrent ces personnes.")
    initial = {"started_on": timezone.localdate(), "reception_agent": True}
    form = TraineeForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.trainee_create(by=request.user, **form.cleaned_data),
        lambda trainee: f"{trainee} est enregistré(e).",
        "trainee_list",
    )
    return response or render(
        request,
        "engagements/trainings/trainee_form.html",
        {
            "title": "Nouvelle personne sans compte",
            "form": form,
            "cancel_url": reverse("trainee_list"),
            "breadcrumb_data": breadcrumb("Nouvelle personne", *_crumbs_to_trainees()),
        },
    )


def trainee_edit(request, pk):
    trainee = get_object_or_404(Trainee.objects.for_user(request.user).select_related("site"), pk=pk)
    if not access.can_manage_trainee(request.user, trainee):
        raise PermissionDenied("Vous ne pouvez pas modifier les personnes de ce site.")
    initial = {name: getattr(trainee, name) for name in services.TRAINEE_FIELDS}
    form = TraineeForm(request.POST or None, actor=request.user, trainee=trainee, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.trainee_update(by=request.user, trainee=trainee, **form.cleaned_data),
        "La personne a été enregistrée.",
        "trainee_list",
    )
    return response or render(
        request,
        "engagements/trainings/trainee_form.html",
        {
            "title": f"Modifier « {trainee} »",
            "form": form,
            "trainee": trainee,
            "history": TRAINEE_HISTORY.of(trainee),
            "cancel_url": reverse("trainee_list"),
            "breadcrumb_data": breadcrumb("Modifier", *_crumbs_to_trainees()),
        },
    )


# --- the 4-year rule ------------------------------------------------------------------------------------------


def training_agents_not_trained(request):
    """« Agents d'accueil à former »: the reception agents (with or without an account) of the sites the user sees
    (or the one chosen) whose last reception training is older than 4 years, and their planned sessions. An agent
    (no role that reads others) sees their own row only."""
    today = timezone.localdate()
    form = AgentsFilterForm(request.GET or None, actor=request.user)
    sites = Site.objects.for_user(request.user)
    planned = None
    if form.is_valid():
        if form.cleaned_data["site"]:
            sites = sites.filter(pk=form.cleaned_data["site"].pk)
        if form.cleaned_data["prefecture"]:
            sites = sites.filter(prefecture=form.cleaned_data["prefecture"])
        planned = {"yes": True, "no": False}.get(form.cleaned_data.get("planned"))
    users = access.visible_agents_to_train(request.user)
    trainees = access.scope_trainees(Trainee.objects.all(), request.user)
    totals = services.reception_totals(sites=sites, users=users, trainees=trainees, on=today)
    rows = services.people_to_train(sites=sites, users=users, trainees=trainees, on=today, planned=planned)
    page_obj = paginate(request, rows)
    services.planned_sessions_of(page_obj.object_list, on=today)
    manageable = set(access.manageable_training_sites(Site.objects.all(), request.user).values_list("pk", flat=True))
    for row in page_obj.object_list:
        row["can_record"] = row["site_id_"] in manageable
    return render(
        request,
        "engagements/meetings/agents_not_trained.html",
        {
            "title": "Agents d’accueil à former (règle des 4 ans)",
            "filter_form": form,
            "page_obj": page_obj,
            "totals": totals,
            "cutoff": services.training_cutoff(today),
            "can_plan": bool(manageable),
            "breadcrumb_data": breadcrumb("Agents à former", ("Formations", reverse("training_list"))),
        },
    )
