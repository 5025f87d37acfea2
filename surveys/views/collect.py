"""Collecting answers from the staff side (mounted at /enquetes/): the keyboard-only grid of paper
questionnaires, the CSV import, the aggregated results of a past campaign, and the QR code and printable poster of
each site's public questionnaire."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from qualipref.views import breadcrumb, put_errors_on_form
from sites.models import Site
from surveys import qr
from surveys.forms import AggregatedForm, EntryForm, ImportForm, entry_hint
from surveys.models import AggregatedResult, Response
from surveys.models.questionnaires import SATISFIED_VALUES
from surveys.services import publication
from surveys.services import responses as services

from .common import (
    campaign_site_of,
    detail_crumb,
    entry_questions_of,
    list_crumb,
    managed_campaign,
    questions_of,
    visible_campaign,
)

RECENT_ENTRIES = 20


def _entry_campaign(request, pk):
    campaign = visible_campaign(request, pk)
    if campaign.is_aggregated or not access.may_enter_responses(request.user, campaign):
        raise PermissionDenied("Vous ne saisissez pas de questionnaires pour cette campagne.")
    return campaign


def _entry_sites(request, campaign):
    return list(
        access.entry_sites(Site.objects.filter(pk__in=campaign.site_ids), request.user, campaign).order_by("name")
    )


@require_http_methods(["GET", "POST"])
def campaign_entry(request, pk):
    """Paper questionnaires, one after the other, keyboard only: site and date stay from one to the next."""
    campaign = _entry_campaign(request, pk)
    sites = _entry_sites(request, campaign)
    services_ = list(campaign.services.filter(site__in=sites).select_related("site").order_by("site__name", "name"))
    questions = entry_questions_of(campaign)
    initial = {"answered_on": services.default_entry_date(campaign)}
    if request.GET.get("site", "").isdigit():
        initial["site"] = int(request.GET["site"])
    if request.GET.get("date"):
        with contextlib.suppress(ValueError):
            initial["answered_on"] = datetime.date.fromisoformat(request.GET["date"])
    form = EntryForm(
        request.POST or None, campaign=campaign, sites=sites, services=services_, questions=questions, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            answers, errors = {}, {}
            for question in questions:
                value, error = services.parse_local_cell(question, form.cleaned_data[f"q_{question.code}"])
                if error:
                    errors[f"q_{question.code}"] = error
                elif value != "absent":
                    answers[question.code] = value
            for name, message in errors.items():
                form.add_error(name, message)
            if not errors:
                try:
                    response = services.response_enter(
                        by=request.user,
                        campaign=campaign,
                        site=form.cleaned_data["site"],
                        service=form.cleaned_data.get("service"),
                        answered_on=form.cleaned_data["answered_on"],
                        answers=answers,
                        comment=form.cleaned_data["comment"],
                        comment_consent=form.cleaned_data["comment_consent"],
                        submission_key=form.cleaned_data["submission_key"],
                    )
                except ValidationError as error:
                    put_errors_on_form(form, error)
                else:
                    messages.success(
                        request, f"Questionnaire n° {response.pk} enregistré ({response.site.name}) : au suivant."
                    )
                    query = urlencode({"site": response.site_id, "date": response.answered_on.isoformat()})
                    return redirect(f"{reverse('campaign_entry', kwargs={'pk': campaign.pk})}?{query}")
        status = 400
    recent = (
        Response.objects.filter(campaign=campaign, entered_by=request.user)
        .select_related("site", "service")
        .prefetch_related("answers")
        .order_by("-created_at", "-pk")[:RECENT_ENTRIES]
    )
    rows = [{"response": response, "cells": _entered_cells(response, questions)} for response in recent]
    return render(
        request,
        "surveys/entry.html",
        {
            "title": f"Saisie des questionnaires papier – {campaign.title}",
            "campaign": campaign,
            "form": form,
            "questions": questions,
            "rows": rows,
            "entered_count": Response.objects.filter(campaign=campaign, entered_by=request.user).count(),
            "breadcrumb_data": breadcrumb("Saisie papier", list_crumb(), detail_crumb(campaign)),
        },
        status=status,
    )


def _entered_cells(response, questions):
    """A typed-in questionnaire as the grid's cells: 1 to 4, O / N, S, the numbers of the chosen options, the text."""
    rows = {}
    for answer in response.answers.all():
        rows.setdefault(answer.question_code, []).append(answer)
    cells = []
    for question in questions:
        answers = rows.get(question.code)
        if not answers:
            cells.append("")
        elif question.has_options:
            numbers = {option.code: number for number, option in enumerate(question.options.all(), start=1)}
            cells.append(
                " ".join(
                    str(numbers.get(answer.option, "?"))
                    for answer in sorted(answers, key=lambda a: numbers.get(a.option, 0))
                )
            )
        elif question.kind == question.Kind.FREE_TEXT:
            cells.append(answers[0].text)
        elif answers[0].value is None:
            cells.append("S")
        elif question.is_yes_no:
            cells.append("O" if answers[0].value in SATISFIED_VALUES else "N")
        else:
            cells.append(str(answers[0].value))
    return cells


@require_http_methods(["GET", "POST"])
def campaign_import(request, pk):
    """CSV import of paper questionnaires, with a report row by row (all the rows or none)."""
    campaign = _entry_campaign(request, pk)
    if request.GET.get("modele") is not None:
        response = HttpResponse(services.csv_template(campaign), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="questionnaires-campagne-{campaign.pk}.csv"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.responses_import_csv(
                by=request.user,
                campaign=campaign,
                file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
            status = 400
        else:
            if report.ok and not form.cleaned_data["dry_run"]:
                messages.success(request, f"{report.imported} questionnaire(s) importé(s).")
                return redirect("campaign_detail", pk=campaign.pk)
            if not report.ok:
                status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "surveys/import.html",
        {
            "title": f"Importer des questionnaires papier – {campaign.title}",
            "campaign": campaign,
            "form": form,
            "report": report,
            "questions": [(question, entry_hint(question)) for question in entry_questions_of(campaign)],
            "breadcrumb_data": breadcrumb("Import CSV", list_crumb(), detail_crumb(campaign)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def campaign_aggregated(request, pk):
    """The rates of a past campaign, site by site (or service by service)."""
    campaign = managed_campaign(request, pk)
    if not campaign.is_aggregated:
        messages.info(request, "Les résultats de cette campagne se calculent à partir de ses réponses.")
        return redirect("campaign_detail", pk=campaign.pk)
    sites = list(Site.objects.filter(pk__in=campaign.site_ids).order_by("name"))
    services_ = list(campaign.services.select_related("site").order_by("site__name", "name"))
    questions = questions_of(campaign)
    form = AggregatedForm(request.POST or None, sites=sites, services=services_, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                publication.aggregated_results_set(
                    by=request.user,
                    campaign=campaign,
                    site=form.cleaned_data["site"],
                    service=form.cleaned_data["service"],
                    answers=form.cleaned_data["answers"],
                    rates=form.rates(),
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(request, "Résultats enregistrés.")
                return redirect("campaign_aggregated", pk=campaign.pk)
        status = 400
    rows = {}
    for row in AggregatedResult.objects.filter(campaign=campaign).select_related("site", "service"):
        key = (row.site.name, row.service.name if row.service else "")
        rows.setdefault(key, {"site": row.site, "service": row.service, "answers": row.answers, "rates": {}})
        rows[key]["rates"][row.question_code] = row.rate
    table = [
        {**row, "cells": [row["rates"].get(question.code) for question in questions]} for _, row in sorted(rows.items())
    ]
    return render(
        request,
        "surveys/aggregated.html",
        {
            "title": f"Résultats agrégés – {campaign.title}",
            "campaign": campaign,
            "form": form,
            "questions": questions,
            "table": table,
            "breadcrumb_data": breadcrumb("Résultats agrégés", list_crumb(), detail_crumb(campaign)),
        },
        status=status,
    )


def _public_url(request, campaign, site):
    return request.build_absolute_uri(reverse("survey_answer", kwargs={"pk": campaign.pk, "site_pk": site.pk}))


@require_GET
def campaign_qr(request, pk, site_pk, fmt):
    """The QR code of a site's public questionnaire, as SVG or PNG (to download and print)."""
    if fmt not in ("svg", "png"):
        raise Http404("Format inconnu : svg ou png.")
    campaign = visible_campaign(request, pk)
    site = campaign_site_of(campaign, site_pk).site
    url = _public_url(request, campaign, site)
    if fmt == "svg":
        response = HttpResponse(qr.svg_bytes(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.png_bytes(url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="qr-enquete-{campaign.pk}-site-{site.pk}.{fmt}"'
    return response


@require_GET
def campaign_poster(request, pk, site_pk):
    """A printable A4 poster for the waiting room: the QR code of the site's questionnaire and its address."""
    campaign = visible_campaign(request, pk)
    site = campaign_site_of(campaign, site_pk).site
    url = _public_url(request, campaign, site)
    return render(
        request,
        "surveys/poster_qr.html",
        {
            "title": f"Affiche – {campaign.title} – {site.name}",
            "campaign": campaign,
            "site": site,
            "url": url,
            "qr_svg": mark_safe(qr.svg_inline(url, scale=12)),  # noqa: S308 - generated by segno from our own URL
            "today": timezone.localdate(),
        },
    )
