"""Pages of the crisis communication registers: the on-call roster with its gaps, the events and exercises log
(lessons turned into actions), the press releases' tracking table and its exports.

Objects are fetched through ``for_user`` (a foreign object is a 404); what the user may change is asked to
accounts.access (403 when they may see but not change); writes go through crisis.services.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import access
from crisis import exports, roster, services
from crisis.filters import CrisisEventFilter, OnCallShiftFilter, PressReleaseFilter
from crisis.forms import EventForm, LessonForm, PressReleaseForm, ShiftForm
from crisis.history import EVENT_HISTORY, PRESS_RELEASE_HISTORY, SHIFT_HISTORY
from crisis.models import ACTIVATION_COMMITMENT_MINUTES, CrisisEvent, CrisisLesson, OnCallShift, PressRelease
from engagements.models import Action
from engagements.views.action_sources import text_to_action_page
from qualipref.views import breadcrumb, flash_outcome, paginate, redirect_if_saved
from sites.models import Prefecture


def _may_write(user):
    return access.manageable_crisis_prefectures(Prefecture.objects.all(), user).exists()


def _form_page(request, form, **context):
    """The form page of a shift, an event, a lesson or a press release (crisis/form.html): ``context`` gives its
    title, submit (the button), cancel_url, breadcrumb_data, and delete_url and history when editing."""
    return render(request, "crisis/form.html", {"form": form, **context})


def _managed(request, queryset, pk, message):
    row = get_object_or_404(queryset.for_user(request.user).select_related("prefecture__department"), pk=pk)
    if not access.can_manage_crisis(request.user, row.prefecture):
        raise PermissionDenied(message)
    return row


# --- on-call roster -------------------------------------------------------------------------------

ROSTER_DENIED = "Seul le responsable qualité de la préfecture tient son astreinte."


def _crumbs_to_roster():
    return [("Astreinte de la cellule de crise", reverse("on_call_roster"))]


def _roster_prefecture(request, filterset):
    """The prefecture whose gaps the page shows: the one chosen, or the user's only one."""
    if filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("prefecture"):
        return filterset.form.cleaned_data["prefecture"]
    readable = list(access.readable_crisis_prefectures(Prefecture.objects.all(), request.user)[:2])
    return readable[0] if len(readable) == 1 else None


def on_call_roster(request):
    """The shifts from today on (or from the day chosen), and the hours of the coming weeks no shift covers."""
    today = timezone.localdate()
    params = request.GET.copy()
    params.setdefault("since", today.isoformat())
    queryset = (
        OnCallShift.objects.for_user(request.user)
        .select_related("person", "prefecture__department")
        .order_by("starts_at", "prefecture__department_id", "pk")
    )
    filterset = OnCallShiftFilter(params, queryset=queryset, request=request)
    page_obj = paginate(request, filterset.qs)
    for shift in page_obj.object_list:
        shift.editable = access.can_manage_crisis(request.user, shift.prefecture)
    prefecture = _roster_prefecture(request, filterset)
    start, end = roster.window(today)
    gaps = None
    if prefecture is not None:
        gaps = roster.gaps([prefecture.pk], max(start, timezone.now()), end)[prefecture.pk]
    return render(
        request,
        "crisis/roster.html",
        {
            "title": "Astreinte de la cellule de communication de crise",
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "prefecture": prefecture,
            "gaps": gaps,
            "horizon_days": roster.HORIZON_DAYS,
            "window_end": end,
            "can_create": _may_write(request.user),
            "breadcrumb_data": breadcrumb("Astreinte de la cellule de crise"),
        },
    )


def on_call_shift_create(request):
    if not _may_write(request.user):
        raise PermissionDenied(ROSTER_DENIED)
    initial = {}
    if request.GET.get("debut"):
        initial["starts_at"] = request.GET["debut"][:16]
    if request.GET.get("fin"):
        initial["ends_at"] = request.GET["fin"][:16]
    form = ShiftForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.shift_create(by=request.user, **form.cleaned_data),
        lambda shift: f"{shift} enregistrée.",
        "on_call_roster",
    )
    return response or _form_page(
        request,
        form,
        title="Nouvelle astreinte",
        submit="Enregistrer l’astreinte",
        cancel_url=reverse("on_call_roster"),
        breadcrumb_data=breadcrumb("Nouvelle astreinte", *_crumbs_to_roster()),
    )


def on_call_shift_edit(request, pk):
    shift = _managed(request, OnCallShift.objects.select_related("person"), pk, ROSTER_DENIED)
    initial = {field: getattr(shift, field) for field in services.SHIFT_FIELDS}
    form = ShiftForm(request.POST or None, actor=request.user, shift=shift, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.shift_update(by=request.user, shift=shift, **form.cleaned_data),
        "L’astreinte a été enregistrée.",
        "on_call_roster",
    )
    return response or _form_page(
        request,
        form,
        title="Modifier une astreinte",
        submit="Enregistrer l’astreinte",
        cancel_url=reverse("on_call_roster"),
        delete_url=reverse("on_call_shift_delete", kwargs={"pk": shift.pk}),
        history=SHIFT_HISTORY.of(shift),
        breadcrumb_data=breadcrumb("Modifier une astreinte", *_crumbs_to_roster()),
    )


def on_call_shift_delete(request, pk):
    """GET: the confirmation; POST: the shift leaves the roster (its history stays)."""
    shift = _managed(request, OnCallShift.objects.select_related("person"), pk, ROSTER_DENIED)
    if request.method == "POST":
        name = str(shift)
        flash_outcome(request, lambda: services.shift_delete(by=request.user, shift=shift), f"{name} supprimée.")
        return redirect("on_call_roster")
    return render(
        request,
        "crisis/shift_delete.html",
        {
            "title": "Supprimer une astreinte",
            "shift": shift,
            "breadcrumb_data": breadcrumb("Supprimer une astreinte", *_crumbs_to_roster()),
        },
    )


# --- events and exercises -------------------------------------------------------------------------

EVENTS_DENIED = "Seul le responsable qualité de la préfecture tient le journal de crise."


def _crumbs_to_events():
    return [("Événements et exercices", reverse("crisis_event_list"))]


def crisis_event_list(request):
    queryset = (
        CrisisEvent.objects.for_user(request.user)
        .select_related("prefecture__department")
        .annotate(
            lesson_count=Count("lessons"),
            action_count=Count("lessons", filter=Q(lessons__action__isnull=False)),
        )
        .order_by("-alert_received_at", "pk")
    )
    filterset = CrisisEventFilter(request.GET or None, queryset=queryset, request=request)
    return render(
        request,
        "crisis/event_list.html",
        {
            "title": "Événements et exercices de crise",
            "filter_form": filterset.form,
            "page_obj": paginate(request, filterset.qs),
            "commitment": ACTIVATION_COMMITMENT_MINUTES,
            "can_create": _may_write(request.user),
            "breadcrumb_data": breadcrumb("Événements et exercices"),
        },
    )


def crisis_event_create(request):
    if not _may_write(request.user):
        raise PermissionDenied(EVENTS_DENIED)
    initial = {"kind": request.GET.get("kind", CrisisEvent.Kind.EXERCISE)}
    form = EventForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.event_create(by=request.user, **form.cleaned_data),
        lambda event: (
            f"{event.get_kind_display()} « {event.title} » enregistré : "
            f"cellule opérationnelle en {event.activation_minutes} minutes."
        ),
        lambda event: reverse("crisis_event_detail", kwargs={"pk": event.pk}),
    )
    return response or _form_page(
        request,
        form,
        title="Nouvel événement ou exercice",
        submit="Enregistrer",
        cancel_url=reverse("crisis_event_list"),
        breadcrumb_data=breadcrumb("Nouvel événement ou exercice", *_crumbs_to_events()),
    )


def crisis_event_detail(request, pk):
    event = get_object_or_404(
        CrisisEvent.objects.for_user(request.user).select_related("prefecture__department"), pk=pk
    )
    visible_action = Exists(Action.objects.for_user(request.user).filter(pk=OuterRef("action_id")))
    lessons = event.lessons.select_related("action").annotate(action_visible=visible_action).order_by("pk")
    can_manage = access.can_manage_crisis(request.user, event.prefecture)
    is_exercise = event.kind == CrisisEvent.Kind.EXERCISE
    return render(
        request,
        "crisis/event_detail.html",
        {
            "title": str(event),
            "event": event,
            "lessons": list(lessons),
            "releases": list(event.press_releases.order_by("issued_at", "pk")),
            "can_manage": can_manage,
            "commitment": ACTIVATION_COMMITMENT_MINUTES,
            "lesson_form": LessonForm() if can_manage and is_exercise else None,
            "history": EVENT_HISTORY.of(event),
            "breadcrumb_data": breadcrumb(str(event), *_crumbs_to_events()),
        },
    )


def crisis_event_edit(request, pk):
    event = _managed(request, CrisisEvent.objects.all(), pk, EVENTS_DENIED)
    name = str(event)
    initial = {field: getattr(event, field) for field in services.EVENT_FIELDS}
    form = EventForm(request.POST or None, actor=request.user, event=event, initial=initial)
    detail_url = reverse("crisis_event_detail", kwargs={"pk": event.pk})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.event_update(by=request.user, event=event, **form.cleaned_data),
        "L’événement a été enregistré.",
        detail_url,
    )
    return response or _form_page(
        request,
        form,
        title=f"Modifier « {name} »",
        submit="Enregistrer",
        cancel_url=detail_url,
        breadcrumb_data=breadcrumb("Modifier", *_crumbs_to_events(), (name, detail_url)),
    )


def crisis_lesson_add(request, pk):
    """GET: the form alone; POST (also from the event's page): record the lesson."""
    event = _managed(request, CrisisEvent.objects.all(), pk, EVENTS_DENIED)
    form = LessonForm(request.POST or None)
    detail_url = reverse("crisis_event_detail", kwargs={"pk": event.pk})
    response = redirect_if_saved(
        request,
        form,
        lambda: services.lesson_add(by=request.user, event=event, **form.cleaned_data),
        "Enseignement ajouté.",
        detail_url + "#enseignements",
    )
    return response or _form_page(
        request,
        form,
        title="Nouvel enseignement",
        submit="Ajouter l’enseignement",
        cancel_url=detail_url,
        breadcrumb_data=breadcrumb("Nouvel enseignement", *_crumbs_to_events(), (str(event), detail_url)),
    )


def crisis_lesson_action(request, pk, lesson_pk):
    """« Créer l'action »: the lesson becomes an action of the prefecture's plan (source « exercice de crise »)."""
    event = _managed(request, CrisisEvent.objects.all(), pk, EVENTS_DENIED)
    lesson = get_object_or_404(CrisisLesson.objects.select_related("action"), pk=lesson_pk, event=event)
    detail_url = reverse("crisis_event_detail", kwargs={"pk": event.pk})
    return text_to_action_page(
        request,
        text=lesson,
        prefecture=event.prefecture,
        convert=lambda **fields: services.lesson_to_action(by=request.user, lesson=lesson, **fields),
        back_url=detail_url + "#enseignements",
        already="Cet enseignement a déjà donné lieu à une action.",
        crumbs=[*_crumbs_to_events(), (str(event), detail_url)],
        context={
            "parent": event,
            "text_title": "Enseignement",
            "of_text": "de l’enseignement",
            "origin": "exercice de crise",
            "this_text": "cet enseignement",
        },
    )


# --- press releases -------------------------------------------------------------------------------

RELEASES_DENIED = "Seul le responsable qualité de la préfecture tient le suivi des communiqués."


def _crumbs_to_releases():
    return [("Communiqués de crise", reverse("press_release_list"))]


def _release_filterset(request):
    queryset = (
        PressRelease.objects.for_user(request.user)
        .select_related("prefecture__department", "event")
        .order_by("-issued_at", "pk")
    )
    return PressReleaseFilter(request.GET or None, queryset=queryset, request=request)


def press_release_list(request):
    filterset = _release_filterset(request)
    page_obj = paginate(request, filterset.qs)
    for release in page_obj.object_list:
        release.editable = access.can_manage_crisis(request.user, release.prefecture)
    return render(
        request,
        "crisis/press_release_list.html",
        {
            "title": "Tableau de suivi des communiqués de crise",
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "counts": services.press_release_counts(filterset.qs),
            "query": request.GET.urlencode(),
            "can_create": _may_write(request.user),
            "breadcrumb_data": breadcrumb("Communiqués de crise"),
        },
    )


def press_release_create(request):
    if not _may_write(request.user):
        raise PermissionDenied(RELEASES_DENIED)
    initial = {"issued_at": timezone.localtime().replace(second=0, microsecond=0)}
    if request.GET.get("event", "").isdigit():
        initial["event"] = int(request.GET["event"])
    form = PressReleaseForm(request.POST or None, actor=request.user, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.press_release_create(by=request.user, **form.cleaned_data),
        lambda release: f"{release} enregistré.",
        "press_release_list",
    )
    return response or _form_page(
        request,
        form,
        title="Nouveau communiqué de crise",
        submit="Enregistrer le communiqué",
        cancel_url=reverse("press_release_list"),
        breadcrumb_data=breadcrumb("Nouveau communiqué", *_crumbs_to_releases()),
    )


def press_release_edit(request, pk):
    release = _managed(request, PressRelease.objects.select_related("event"), pk, RELEASES_DENIED)
    initial = {field: getattr(release, field) for field in services.PRESS_RELEASE_FIELDS}
    form = PressReleaseForm(request.POST or None, actor=request.user, release=release, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.press_release_update(by=request.user, release=release, **form.cleaned_data),
        "Le communiqué a été enregistré.",
        "press_release_list",
    )
    return response or _form_page(
        request,
        form,
        title=f"Modifier le communiqué n° {release.number}/{release.year}",
        submit="Enregistrer le communiqué",
        cancel_url=reverse("press_release_list"),
        history=PRESS_RELEASE_HISTORY.of(release),
        breadcrumb_data=breadcrumb("Modifier un communiqué", *_crumbs_to_releases()),
    )


@require_GET
def press_release_export_csv(request):
    return exports.press_releases_csv_response(_release_filterset(request).qs)


@require_GET
def press_release_export_xlsx(request):
    return exports.press_releases_xlsx_response(_release_filterset(request).qs)
