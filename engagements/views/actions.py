"""Action plan pages: the referent's list (filters in the URL, sorting, inline edits with htmx, bulk status
change, CSV/XLSX exports). One action's pages are in action_detail.py, the plans in action_plans.py.

Actions are fetched through ``for_user`` (a foreign action is a 404); what the user may change is asked to
accounts.access (403 when they may see but not change); writes go through engagements.services.actions.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from engagements import exports
from engagements.filters.actions import SORTS, ActionFilter, default_order
from engagements.forms.actions import DATE_CLEAR_FLAG, INLINE_FIELDS, BulkStatusForm, inline_changes
from engagements.models import Action
from engagements.services import actions as services
from engagements.views.common import editable_action, visible_actions
from qualipref.views import breadcrumb, error_dict, paginate
from sites.models import Prefecture

# Parameters of the list's URL that are not filters (« Modifier » without JavaScript opens one row).
NOT_FILTERS = ("page", "ordering", "modifier")
# Best first, in the inline select of a verification.
EFFECTIVENESS_CHOICES = sorted(Action.Effectiveness.choices, reverse=True)


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- the rows of the list (also re-rendered alone by the inline edits) ----------------------------


@dataclass
class Row:
    action: Action
    overdue: bool
    can_edit: bool = False
    statuses: list = field(default_factory=list)  # (value, label) the status select offers
    owners: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)  # field -> French message (inline edits)
    pending: dict = field(default_factory=dict)  # field -> value typed that was refused
    editing: bool = False  # the row shows its controls (« Modifier »)
    undo_history_id: int | None = None  # the status change its author may take back (« Annuler »)
    announce: str = ""  # what the live region says after an inline edit

    @property
    def status_input(self):
        """The extra input a pending status change needs: the reason of an abandon, the effectiveness."""
        status = self.pending.get("status")
        if status == Action.Status.ABANDONED:
            return "abandon_reason"
        if status == Action.Status.VERIFIED:
            return "effectiveness"
        return None

    @property
    def status_error(self):
        """The message of a refused status change (the status itself or the input it needed)."""
        for name in ("status", "abandon_reason", "effectiveness", "completed_on"):
            if self.errors.get(name):
                return self.errors[name]
        return ""

    @property
    def status_values(self):
        return [value for value, _ in self.statuses]

    @property
    def shown_status(self):
        return self.pending.get("status", self.action.status)


def build_rows(user, actions, *, errors=None, pending=None, controls=None):
    """Rows of the list: what the user may do with each action, computed without a query per row (one query
    for the people who may own the editable actions of the page). ``controls``: the pks of the actions whose row
    shows its controls (the statuses and owners it offers), every editable one when None (an inline edit's row);
    the list opens one row at most (« Modifier » without JavaScript), so the others need none."""
    today = timezone.localdate()
    rows = [Row(action=action, overdue=action.is_overdue(today)) for action in actions]
    editable = [row for row in rows if access.can_edit_action(user, row.action)]
    for row in editable:
        row.can_edit = True
    if controls is not None:
        editable = [row for row in editable if row.action.pk in controls]
    owner_rows = services.owner_rows({row.action.prefecture_id for row in editable}) if editable else {}
    for row in editable:
        action = row.action
        row.statuses = [(action.status, action.get_status_display())] + [
            (status.value, status.label) for status in services.allowed_statuses(user, action)
        ]
        owners = services.eligible_owners(owner_rows, prefecture_id=action.prefecture_id, site_id=action.site_id)
        if action.owner is not None and action.owner not in owners:
            owners.append(action.owner)
        row.owners = owners
    if rows and errors:
        rows[0].errors = errors
        rows[0].pending = pending or {}
    return rows


def _sort_links(request):
    """The column headers: the link that sorts by each column (then reverses it), and the current order."""
    current = request.GET.get("ordering", "")
    links = {}
    for name, (label, _) in SORTS.items():
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("modifier", None)
        direction = None
        if current == name:
            direction, params["ordering"] = "ascending", f"-{name}"
        elif current == f"-{name}":
            direction, params["ordering"] = "descending", name
        else:
            params["ordering"] = name
        links[name] = {"label": label, "url": f"?{params.urlencode()}", "direction": direction}
    return links


def _filterset(request):
    return ActionFilter(request.GET or None, queryset=default_order(visible_actions(request.user)), request=request)


QUICK_VIEWS = [
    ("Toutes", ""),
    ("Mes actions", "mine=true"),
    ("En retard", "overdue=true"),
    ("Échéance ce mois-ci", "due_this_month=true"),
    ("Ouvertes", "status=todo&status=in_progress"),
]


def _quick_views(request):
    """Bookmarkable views of the list; the current one is the one whose parameters are exactly those shown."""
    params = request.GET.copy()
    for name in NOT_FILTERS:
        params.pop(name, None)
    current = sorted((name, value) for name, values in params.lists() for value in values)
    views = []
    for label, query in QUICK_VIEWS:
        wanted = sorted(tuple(part.split("=")) for part in query.split("&") if part)
        views.append(
            {
                "label": label,
                "url": f"{reverse('action_list')}?{query}" if query else reverse("action_list"),
                "current": wanted == current,
            }
        )
    return views


def _querystring(request, **drop):
    params = request.GET.copy()
    for name in ("page", "modifier", *drop):
        params.pop(name, None)
    return params.urlencode()


@require_GET
def action_list(request):
    filterset = _filterset(request)
    page_obj = paginate(request, filterset.qs)
    editing = request.GET.get("modifier", "")
    rows = build_rows(request.user, page_obj.object_list, controls={int(editing)} if editing.isdigit() else set())
    for row in rows:  # « Modifier » without JavaScript: the list with that row's controls
        row.editing = row.can_edit and str(row.action.pk) == editing
    filtered = any(value for name, value in request.GET.items() if name not in NOT_FILTERS)
    show_prefecture = _show_prefecture(request.user)
    return render(
        request,
        "engagements/actions/action_list.html",
        {
            "title": "Plan d’action",
            "filterset": filterset,
            "filter_form": filterset.form,
            "page_obj": page_obj,
            "rows": rows,
            "any_editable": any(row.can_edit for row in rows),
            "filtered": filtered,
            "sorts": _sort_links(request),
            "querystring": _querystring(request),
            "bulk_form": BulkStatusForm(auto_id="bulk_%s"),
            "can_create": access.may_create_actions(request.user),
            "status_choices": Action.Status.choices,
            "selected_statuses": request.GET.getlist("status"),
            "quick_views": _quick_views(request),
            "more_filters_open": any(
                request.GET.get(name)
                for name in ("prefecture", "module", "engagement", "plan", "priority", "due_before")
            ),
            "show_prefecture": show_prefecture,
            "effectiveness_choices": EFFECTIVENESS_CHOICES,
            **_list_urls(request.get_full_path()),
            "breadcrumb_data": breadcrumb("Plan d’action"),
        },
    )


def _show_prefecture(user):
    return Prefecture.objects.for_user(user).count() > 1


def _list_urls(url):
    """The list's URL to come back to after a save (``next_url``, without the row being edited) and the start of
    a row's « Modifier » link without JavaScript (``edit_url`` + its pk)."""
    path, _, query = url.partition("?")
    params = QueryDict(query, mutable=True)
    params.pop("modifier", None)
    next_url = f"{path}?{params.urlencode()}" if params else path
    return {"next_url": next_url, "edit_url": f"{next_url}{'&' if params else '?'}modifier="}


def _render_row(request, row, *, status=200):
    context = {
        "row": row,
        "select_column": True,
        "show_prefecture": _show_prefecture(request.user),
        **_list_urls(request.htmx.current_url_abs_path or reverse("action_list")),
        "effectiveness_choices": EFFECTIVENESS_CHOICES,
    }
    return render(request, "engagements/actions/_action_row.html", context, status=status)


def _edit_row(request, action, *, errors=None, pending=None, status=200):
    (row,) = build_rows(request.user, [action], errors=errors, pending=pending)
    row.editing = True
    return _render_row(request, row, status=status)


@require_http_methods(["GET", "POST"])
def action_inline_update(request, pk):
    """The row of the list, edited in place.

    GET: the row with its controls (« Modifier »), or back to its reading (``?lecture=1``, « Annuler »).
    POST ``field=row``: the row's form, every field at once, saved only on an explicit « Enregistrer » (or
    Enter): answers the row to read, or the row still being edited with the French message of the refusal next
    to the field and what was typed (422); ``field=<name>``: one field alone (the forms without JavaScript).
    A due date is cleared only when asked for (« Sans échéance »): an empty date is refused, never saved."""
    action = editable_action(request, pk)
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{reverse('action_list')}?modifier={action.pk}#action-{action.pk}")
        if request.GET.get("lecture"):
            (row,) = build_rows(request.user, [action])
            return _render_row(request, row)
        return _edit_row(request, action)
    name = request.POST.get("field")
    if name == "row":
        names = INLINE_FIELDS
    elif name in INLINE_FIELDS:
        names = (name,)
    else:
        return HttpResponseBadRequest("Champ inconnu.")
    changes, errors = inline_changes(action=action, data=request.POST, names=names)
    old_status = action.get_status_display()
    if not errors and changes:
        try:
            services.action_update(by=request.user, action=action, **changes)
        except ValidationError as error:
            errors = error_dict(error)
    if not request.htmx:  # the same forms work without JavaScript
        if errors:
            messages.error(request, f"« {action.title} » n’a pas été modifiée : {' '.join(errors.values())}")
        else:
            messages.success(request, f"« {action.title} » a été modifiée.")
        return redirect(_safe_next(request, reverse("action_list")))
    if errors:
        pending = {
            key: request.POST.get(key, "") for key in (*names, "abandon_reason", "effectiveness", DATE_CLEAR_FLAG)
        }
        if "__all__" in errors:
            errors["status" if "status" in changes else names[0]] = errors.pop("__all__")
        return _edit_row(request, action, errors=errors, pending=pending, status=422)
    (row,) = build_rows(request.user, [action])
    if "status" in changes:
        undo = services.status_change_to_undo(by=request.user, action=action)
        row.undo_history_id = undo.history_id if undo is not None else None
        extra = f", avancement {action.progress} %" if action.status == Action.Status.DONE else ""
        row.announce = (
            f"Statut de « {action.title} » : {old_status} → {action.get_status_display()}{extra}. "
            "Enregistré ; le bouton « Annuler le changement de statut » le défait."
        )
    else:
        row.announce = "Modification enregistrée." if changes else "Aucune modification."
    return _render_row(request, row)


@require_POST
def action_status_undo(request, pk):
    """« Annuler le changement de statut »: the author of a status change takes it back (see the service)."""
    action = editable_action(request, pk)
    try:
        services.action_status_undo(by=request.user, action=action, history_id=request.POST.get("history_id", ""))
    except ValidationError as error:
        message = " ".join(error_dict(error).values())
        if not request.htmx:
            messages.error(request, message)
            return redirect(_safe_next(request, reverse("action_list")))
        (row,) = build_rows(request.user, [action])
        row.announce = message
        row.errors = {"status": message}
        return _render_row(request, row, status=422)
    action.refresh_from_db()
    announce = f"Changement de statut annulé : « {action.title} » est de nouveau « {action.get_status_display()} »."
    if not request.htmx:
        messages.success(request, announce)
        return redirect(_safe_next(request, reverse("action_list")))
    (row,) = build_rows(request.user, [action])
    row.announce = announce
    return _render_row(request, row)


@require_POST
def action_bulk_status(request):
    """Several actions to one status: all of them or none, with the reason of the refusal."""
    if not access.may_edit_actions(request.user):
        raise PermissionDenied("Vous ne pouvez pas modifier d’actions.")
    next_url = _safe_next(request, reverse("action_list"))
    form = BulkStatusForm(request.POST)
    ids = request.POST.getlist("actions")
    if not ids:
        messages.error(request, "Cochez au moins une action.")
        return redirect(next_url)
    if not form.is_valid():
        messages.error(request, "Choisissez le nouveau statut des actions cochées.")
        return redirect(next_url)
    try:
        changed = services.actions_bulk_status(by=request.user, action_ids=ids, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "Aucune action n’a été modifiée : " + " ".join(error.messages))
    else:
        label = Action.Status(form.cleaned_data["status"]).label
        count = len(changed)
        messages.success(
            request, f"{count} action{'s' if count > 1 else ''} passée{'s' if count > 1 else ''} à « {label} »."
        )
    return redirect(next_url)


# --- exports --------------------------------------------------------------------------------------


@require_GET
def action_export_csv(request):
    return exports.actions_csv_response(_filterset(request).qs)


@require_GET
def action_export_xlsx(request):
    return exports.actions_xlsx_response(_filterset(request).qs)
