"""Entering indicators: the grid of a site (or of a prefecture's prefecture-wide indicators), months × indicators,
saved cell by cell with htmx (or whole, without JavaScript), and the imports of the exports.

Who may enter is asked to accounts.access (403 for who sees the place but may not enter; 404 for a place outside
the user's scope); every write goes through indicators.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from indicators import periods
from indicators.forms import ImportForm
from indicators.models import Indicator, Measurement, format_number
from indicators.services import boards, imports
from indicators.services import measurements as services
from indicators.services.batches import BatchRejected
from indicators.views.boards import crumbs, home_crumb, last_month, navigation, visible_prefecture, visible_site
from qualipref.lib import table_export

CELL_PREFIX = "cell:"


def input_value(value):
    """A stored value as the grid shows it in its input: « 8,5 », « 12 » (no thousands separator)."""
    return "" if value is None else format_number(value).replace("\u202f", "")


class Place:
    """Where the grid enters: a site (site indicators) or a prefecture (prefecture-wide indicators)."""

    def __init__(self, *, site=None, prefecture):
        self.site, self.prefecture = site, prefecture

    @property
    def name(self):
        return self.site.name if self.site else self.prefecture.name

    @property
    def grid_url(self):
        if self.site:
            return reverse("measurement_grid_site", kwargs={"pk": self.site.pk})
        return reverse("measurement_grid_prefecture", kwargs={"pk": self.prefecture.pk})

    @property
    def cell_url(self):
        if self.site:
            return reverse("measurement_cell_site", kwargs={"pk": self.site.pk})
        return reverse("measurement_cell_prefecture", kwargs={"pk": self.prefecture.pk})

    @property
    def board_url(self):
        if self.site:
            return reverse("indicators_site", kwargs={"pk": self.site.pk})
        return reverse("indicators_prefecture", kwargs={"pk": self.prefecture.pk})

    def board(self, request, codes=None, last=None):
        return boards.entry_board(
            site=self.site, prefecture=self.prefecture, last=last or last_month(request), codes=codes
        )


def _site_place(request, pk):
    site = visible_site(request, pk)
    if not access.can_enter_measurement(request.user, site.prefecture_id, site.pk):
        raise PermissionDenied("Vous pouvez consulter les indicateurs de ce site mais pas les saisir.")
    return Place(site=site, prefecture=site.prefecture)


def _prefecture_place(request, pk):
    prefecture = visible_prefecture(request, pk)
    if not access.can_enter_measurement(request.user, prefecture.pk):
        raise PermissionDenied("Seul le responsable qualité saisit les indicateurs de toute la préfecture.")
    return Place(prefecture=prefecture)


def _save_cell(user, place, indicator, period_text, raw):
    """Save (or clear) one cell; '' when saved, else the French message of the refusal."""
    try:
        period = periods.parse(period_text)
    except ValidationError as error:
        return " ".join(error.messages)
    raw = (raw or "").strip()
    try:
        if not raw:
            lookup = {"site": place.site} if place.site else {"site__isnull": True, "prefecture": place.prefecture}
            measurement = Measurement.objects.filter(indicator=indicator, period=period, **lookup).first()
            if measurement is not None:
                services.measurement_delete(by=user, measurement=measurement)
            return ""
        services.measurement_save(
            by=user, indicator=indicator, period=period, value=raw, site=place.site, prefecture=place.prefecture
        )
    except ValidationError as error:
        return " ".join(message for messages_ in _messages(error) for message in messages_)
    return ""


def _messages(error):
    if hasattr(error, "error_dict"):
        return list(error.message_dict.values())
    return [error.messages]


def _grid_context(request, place, board, *, errors=None, typed=None):
    errors, typed = errors or {}, typed or {}
    rows = []
    for row_index, row in enumerate(board.rows):
        cells = []
        for col_index, cell in enumerate(row.cells):
            key = (row.indicator.code, periods.format_period(cell.period))
            cells.append(
                {
                    "cell": cell,
                    "period": key[1],
                    "name": f"{CELL_PREFIX}{key[0]}:{key[1]}",
                    "value": typed.get(key, input_value(cell.value)),
                    "error": errors.get(key, ""),
                    "row_index": row_index,
                    "col_index": col_index,
                }
            )
        rows.append({"row": row, "cells": cells})
    return {
        "place": place,
        "board": board,
        "grid_rows": rows,
        "months": [
            {"period": period, "label": periods.short_label(period), "title": periods.label(period)}
            for period in board.months
        ],
        "error_count": len(errors),
        **navigation(request, board.months),
    }


def _grid(request, place):
    errors, typed = {}, {}
    if request.method == "POST":
        board = place.board(request)
        current = {
            (row.indicator.code, periods.format_period(cell.period)): input_value(cell.value)
            for row in board.rows
            for cell in row.cells
        }
        indicators = {row.indicator.code: row.indicator for row in board.rows}
        saved = 0
        for name, raw in request.POST.items():
            if not name.startswith(CELL_PREFIX):
                continue
            code, _, period_text = name.removeprefix(CELL_PREFIX).partition(":")
            key = (code, period_text)
            if key not in current or code not in indicators:
                continue  # a cell the grid does not show: ignored
            if raw.strip() == current[key]:
                continue
            error = _save_cell(request.user, place, indicators[code], period_text, raw)
            if error:
                errors[key], typed[key] = error, raw
            else:
                saved += 1
        if not errors:
            messages.success(
                request, f"{saved} valeur{'s' if saved > 1 else ''} enregistrée{'s' if saved > 1 else ''}."
            )
            return redirect(f"{place.grid_url}?fin={periods.format_period(board.months[-1])}")
        messages.error(
            request,
            f"{len(errors)} valeur{'s' if len(errors) > 1 else ''} refusée{'s' if len(errors) > 1 else ''} "
            f"(les autres sont enregistrées) : corrigez les cases signalées.",
        )
    board = place.board(request)
    context = _grid_context(request, place, board, errors=errors, typed=typed)
    return render(
        request,
        "indicators/grid.html",
        {
            "title": f"Saisie des indicateurs – {place.name}",
            **context,
            "breadcrumb_data": crumbs("Saisie", home_crumb(), (place.name, place.board_url)),
        },
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def measurement_grid_site(request, pk):
    return _grid(request, _site_place(request, pk))


@require_http_methods(["GET", "POST"])
def measurement_grid_prefecture(request, pk):
    return _grid(request, _prefecture_place(request, pk))


def _cell(request, place):
    """One cell of the grid, saved on change (htmx): answers the cell (with the message of a refusal, 422) and,
    out of band, the row's trend and traffic light."""
    code, period_text = request.POST.get("indicator", ""), request.POST.get("period", "")
    level = Indicator.Level.SITE if place.site else Indicator.Level.PREFECTURE
    indicator = Indicator.objects.active().manual().filter(code=code, level=level).first()
    if indicator is None:
        return HttpResponseBadRequest("Indicateur inconnu dans cette grille.")
    raw = request.POST.get(f"{CELL_PREFIX}{code}:{period_text}", request.POST.get("value", ""))
    error = _save_cell(request.user, place, indicator, period_text, raw)
    if not request.htmx:  # the grid works without JavaScript too
        if error:
            messages.error(request, f"{indicator.short_name}, {period_text} : {error}")
        return redirect(place.grid_url)
    board = place.board(request, last=_last_of(request))
    context = _grid_context(
        request, place, board, errors={(code, period_text): error} if error else {}, typed={(code, period_text): raw}
    )
    (grid_row,) = [item for item in context["grid_rows"] if item["row"].indicator.code == code]
    cell = next((c for c in grid_row["cells"] if c["period"] == period_text), None)
    if cell is None:
        return HttpResponseBadRequest(error or "Mois hors de cette grille.")
    return render(
        request,
        "indicators/_grid_cell_response.html",
        {**context, "grid_row": grid_row, "item": cell, "oob": True},
        status=422 if error else 200,
    )


def _last_of(request):
    """The last month of the grid the cell belongs to (sent by the grid), the current month by default."""
    try:
        return periods.parse(request.POST.get("fin", ""))
    except ValidationError:
        return None


@require_POST
def measurement_cell_site(request, pk):
    return _cell(request, _site_place(request, pk))


@require_POST
def measurement_cell_prefecture(request, pk):
    return _cell(request, _prefecture_place(request, pk))


# --- imports ---------------------------------------------------------------------------------------------------


def import_outcome(request, form, run):
    """(report, HTTP status) of an import page (indicators, footfall): on a valid POST, ``run()`` imports the file
    and returns its report. A rejected batch gives its report with the errors of its rows, a refused file an error
    on the form's ``file``: both answer 422, as does an invalid form."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 422
    try:
        return run(), 200
    except BatchRejected as rejected:
        return rejected.report, 422
    except ValidationError as error:
        form.add_error("file", error)
        return None, 422


@require_http_methods(["GET", "POST"])
def measurement_import(request):
    if not access.may_enter_measurements(request.user):
        raise PermissionDenied("Seuls le responsable qualité et les référents de site importent des indicateurs.")
    form = ImportForm(request.POST or None, request.FILES or None)
    report, status = import_outcome(
        request,
        form,
        lambda: imports.import_file(
            by=request.user, file=form.cleaned_data["file"], format_key=form.cleaned_data["format"]
        ),
    )
    return render(
        request,
        "indicators/import.html",
        {
            "title": "Importer des indicateurs",
            "form": form,
            "formats": imports.FORMATS.values(),
            "report": report,
            "sites": access.measurement_sites(visible_sites_queryset(request.user), request.user).select_related(
                "prefecture"
            )[:50],
            "breadcrumb_data": crumbs("Importer", home_crumb()),
        },
        status=status,
    )


def visible_sites_queryset(user):
    from sites.models import Site

    return Site.objects.for_user(user).filter(is_active=True).order_by("prefecture__department_id", "name")


@require_GET
def measurement_import_template(request, format_key):
    """A model file of an import: its columns and an example row (CSV, UTF-8, semicolons)."""
    fmt = imports.FORMATS.get(format_key)
    if fmt is None:
        raise Http404("Format d'import inconnu.")
    return table_export.csv_response(fmt.headers, fmt.example, f"modele-{fmt.key}")
