"""Pages of a prefecture's questionnaire versions (under /enquetes/questionnaires/): build a version from the
national one, add local questions, reorder them (buttons, keyboard-only), preview the questionnaire at phone width,
publish. Versions are fetched through ``for_user`` (a foreign one is a 404); changes are asked to accounts.access
(403) and refused by surveys.services.questionnaires when the version is answered (flashed in French)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from qualipref.views import breadcrumb, flash_outcome, redirect_if_saved
from surveys.forms import AnswerForm, LocalQuestionForm, VersionForm
from surveys.models import Questionnaire
from surveys.services import questionnaires as services

from .common import list_crumb


def _crumbs():
    return list_crumb(), ("Questionnaires", reverse("questionnaire_list"))


def _managed(request, pk):
    questionnaire = get_object_or_404(Questionnaire.objects.for_user(request.user).select_related("prefecture"), pk=pk)
    if not access.can_manage_questionnaire(request.user, questionnaire):
        raise PermissionDenied("Seul le responsable qualité de la préfecture modifie ses questionnaires.")
    return questionnaire


@require_http_methods(["GET", "POST"])
def questionnaire_create(request):
    if not access.may_adapt_questionnaires(request.user):
        raise PermissionDenied("Seul le responsable qualité d’une préfecture adapte le questionnaire.")
    form = VersionForm(request.POST or None, actor=request.user)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.version_create(by=request.user, **form.cleaned_data),
        lambda version: f"Version {version.version} créée : ajoutez vos questions locales, puis publiez-la.",
        lambda version: reverse("questionnaire_edit", kwargs={"pk": version.pk}),
    )
    return response or render(
        request,
        "surveys/campaign_form.html",
        {
            "title": "Adapter un questionnaire",
            "form": form,
            "cancel_url": reverse("questionnaire_list"),
            "breadcrumb_data": breadcrumb("Adapter un questionnaire", *_crumbs()),
        },
    )


@require_http_methods(["GET", "POST"])
def questionnaire_edit(request, pk):
    """The version's questions with their buttons, and the form adding a local question."""
    questionnaire = _managed(request, pk)
    form = LocalQuestionForm(request.POST or None)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.question_add(by=request.user, questionnaire=questionnaire, **form.service_fields()),
        lambda question: f"Question « {question.label} » ajoutée.",
        reverse("questionnaire_edit", kwargs={"pk": questionnaire.pk}) + "#questions",
    )
    if response:
        return response
    questions = list(questionnaire.questions.order_by("position").prefetch_related("options"))
    return render(
        request,
        "surveys/questionnaire_edit.html",
        {
            "title": f"Modifier « {questionnaire.title} » (version {questionnaire.version})",
            "questionnaire": questionnaire,
            "questions": questions,
            "answered": questionnaire.is_answered(),
            "form": form,
            "breadcrumb_data": breadcrumb("Modifier", *_crumbs(), (str(questionnaire), _detail_url(questionnaire))),
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail_url(questionnaire):
    return reverse("questionnaire_detail", kwargs={"pk": questionnaire.pk})


MOVES = {"up": -1, "down": 1}


@require_POST
def questionnaire_question(request, pk, question_pk):
    """Moves a question up or down, or removes it (``action``)."""
    questionnaire = _managed(request, pk)
    question = get_object_or_404(questionnaire.questions, pk=question_pk)
    action = request.POST.get("action", "")
    if action in MOVES:
        flash_outcome(
            request,
            lambda: services.question_move(by=request.user, question=question, direction=MOVES[action]),
            lambda moved: f"« {moved.label} » est désormais la question n° {moved.position}.",
        )
    elif action == "remove":
        flash_outcome(
            request,
            lambda: services.question_remove(by=request.user, question=question),
            f"Question « {question.label} » retirée.",
        )
    return redirect(reverse("questionnaire_edit", kwargs={"pk": questionnaire.pk}) + f"#question-{question.pk}")


@require_POST
def questionnaire_publish(request, pk):
    questionnaire = _managed(request, pk)
    done = flash_outcome(
        request,
        lambda: services.version_publish(by=request.user, questionnaire=questionnaire),
        "Version publiée : vos campagnes peuvent l’utiliser.",
    )
    return redirect("questionnaire_detail" if done else "questionnaire_edit", pk=questionnaire.pk)


@require_GET
def questionnaire_preview(request, pk):
    """The questionnaire as a visitor sees it on a phone (375 pixels wide); nothing is sent."""
    questionnaire = get_object_or_404(Questionnaire.objects.for_user(request.user), pk=pk)
    questions = list(questionnaire.questions.order_by("position").prefetch_related("options"))
    form = AnswerForm(campaign=None, site=None, questions=questions)
    return render(
        request,
        "surveys/questionnaire_preview.html",
        {
            "title": f"Aperçu sur téléphone – {questionnaire.title}",
            "questionnaire": questionnaire,
            "form": form,
            "question_fields": form.question_fields(),
            "breadcrumb_data": breadcrumb("Aperçu", *_crumbs(), (str(questionnaire), _detail_url(questionnaire))),
        },
    )
