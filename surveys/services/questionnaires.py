"""Writes on questionnaire versions: a prefecture's quality manager builds a local version from a national one, adds
local questions (with their options), reorders and removes them, publishes the version, and creates a new version
from one that is already answered.

Every function is keyword-only, takes its actor (``by``), asks accounts.access, raises ``PermissionDenied`` or
``ValidationError`` (French messages, by field) and writes in one transaction.

Rules kept here: a national version never changes; a version some response answers never changes (« créez une
nouvelle version »); the seven dimension questions of a « users » questionnaire (surveys.questionnaires.
USER_DIMENSIONS) are the national comparison and cannot be removed; a choice question has at least two options,
with distinct codes; question codes are distinct within a version.
"""

import re
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import access
from surveys.models import Question, Questionnaire, QuestionOption
from surveys.models.questionnaires import CHOICE_KINDS
from surveys.questionnaires import USER_DIMENSIONS

Kind = Question.Kind
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_MESSAGE = "Le code s'écrit en minuscules sans accents, chiffres et « _ », en commençant par une lettre."
ANSWERED_MESSAGE = (
    "Cette version a déjà reçu des réponses : elle ne peut plus changer, pour que ses résultats restent ceux de "
    "ses questions. Créez une nouvelle version à partir d'elle."
)
# Kinds a local question may take (all of them).
LOCAL_KINDS = tuple(Kind.values)
QUESTION_FIELDS = ("code", "label", "text", "help_text", "kind")


def _check_manager(by, questionnaire=None, prefecture=None):
    if questionnaire is not None:
        if questionnaire.is_national:
            raise ValidationError("Une version nationale ne se modifie pas : créez la version de votre préfecture.")
        if not access.can_manage_questionnaire(by, questionnaire):
            raise PermissionDenied("Vous ne modifiez pas les questionnaires de cette préfecture.")
    elif not access.can_manage_questionnaires(by, prefecture):
        raise PermissionDenied("Vous ne créez pas de questionnaire pour cette préfecture.")


def check_editable(questionnaire):
    """Refuses (French message) a change to a version already answered."""
    if questionnaire.is_answered():
        raise ValidationError(ANSWERED_MESSAGE)


def _locked(questionnaire):
    """The version, locked for the change (two managers editing at once keep distinct positions)."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _next_version(prefecture, code):
    department = prefecture.department_id
    year = timezone.localdate().year
    existing = set(Questionnaire.objects.filter(code=code).values_list("version", flat=True))
    number = 1
    while f"{department}-{year}-{number}" in existing:
        number += 1
    return f"{department}-{year}-{number}"


def _copy_questions(source, target):
    questions = list(source.questions.order_by("position").prefetch_related("options"))
    created = Question.objects.bulk_create(
        Question(
            questionnaire=target,
            code=question.code,
            position=position,
            label=question.label,
            text=question.text,
            help_text=question.help_text,
            kind=question.kind,
            is_local=question.is_local,
        )
        for position, question in enumerate(questions, start=1)
    )
    QuestionOption.objects.bulk_create(
        QuestionOption(question=new, code=option.code, label=option.label, position=option.position)
        for old, new in zip(questions, created, strict=True)
        for option in old.options.all()
    )


@transaction.atomic
def version_create(*, by, prefecture, based_on, title="") -> Questionnaire:
    """A local version of ``prefecture``, in preparation, with the questions of ``based_on`` (a national version,
    or one of the prefecture's own versions: « créer une nouvelle version »)."""
    _check_manager(by, prefecture=prefecture)
    if based_on.prefecture_id not in (None, prefecture.pk):
        raise ValidationError({"based_on": "Partez de la version nationale ou d'une version de votre préfecture."})
    questionnaire = Questionnaire.objects.create(
        prefecture=prefecture,
        based_on=based_on,
        code=based_on.code,
        version=_next_version(prefecture, based_on.code),
        audience=based_on.audience,
        title=(title or "").strip() or based_on.title,
        introduction=based_on.introduction,
        published_on=None,
        created_by=by,
    )
    _copy_questions(based_on, questionnaire)
    return questionnaire


def _clean_options(kind, options, errors):
    """Options as [(code, label)], from a list of labels or of (code, label) pairs; codes derived from labels when
    missing."""
    if kind not in CHOICE_KINDS:
        if options:
            errors["options"] = "Seule une question à choix a des options."
        return []
    cleaned, seen = [], set()
    for item in options or []:
        code, label = item if isinstance(item, (list, tuple)) else ("", item)
        label = str(label or "").strip()
        code = str(code or "").strip() or _slug(label)
        if not label:
            continue
        if not CODE_PATTERN.match(code):
            errors["options"] = f"Option « {label} » : {CODE_MESSAGE}"
            return []
        if code in seen:
            errors["options"] = f"Deux options ont le même code « {code} » : donnez-leur des libellés distincts."
            return []
        seen.add(code)
        cleaned.append((code, label[:200]))
    if len(cleaned) < 2:
        errors["options"] = "Une question à choix propose au moins deux options (une par ligne)."
    return cleaned


def _slug(label):
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40]
    if text and not text[0].isalpha():
        text = f"o_{text}"[:40]
    return text


@transaction.atomic
def question_add(*, by, questionnaire, code, label, text, kind, options=(), help_text="") -> Question:
    """A local question at the end of the version (choice questions with their options, one per line)."""
    _check_manager(by, questionnaire)
    questionnaire = _locked(questionnaire)
    check_editable(questionnaire)
    errors = {}
    code = (code or "").strip()
    if not code:
        errors["code"] = "Indiquez un code (par exemple « parking »)."
    elif not CODE_PATTERN.match(code) or len(code) > 40:
        errors["code"] = CODE_MESSAGE
    elif questionnaire.questions.filter(code=code).exists():
        errors["code"] = f"Le code « {code} » est déjà celui d'une question de cette version."
    label, text = (label or "").strip(), (text or "").strip()
    if not label:
        errors["label"] = "Indiquez l'intitulé court de la question (pour les résultats)."
    if not text:
        errors["text"] = "Indiquez la question posée."
    if kind not in LOCAL_KINDS:
        errors["kind"] = "Choisissez la nature de la réponse."
    cleaned_options = _clean_options(kind, list(options or []), errors)
    if errors:
        raise ValidationError(errors)
    position = (questionnaire.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    question = Question(
        questionnaire=questionnaire,
        code=code,
        position=position,
        label=label[:120],
        text=text[:300],
        help_text=(help_text or "").strip()[:300],
        kind=kind,
        is_local=True,
    )
    question.full_clean(validate_constraints=False)
    question.save()
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, code=option_code, label=option_label, position=position)
        for position, (option_code, option_label) in enumerate(cleaned_options, start=1)
    )
    return question


@transaction.atomic
def question_remove(*, by, question) -> None:
    questionnaire = question.questionnaire
    _check_manager(by, questionnaire)
    questionnaire = _locked(questionnaire)
    check_editable(questionnaire)
    if questionnaire.code == "users" and question.code in USER_DIMENSIONS:
        raise ValidationError(
            f"« {question.label} » est l'une des sept questions de la comparaison nationale : elle reste dans le "
            "questionnaire des usagers."
        )
    question.delete()
    _renumber(questionnaire, list(questionnaire.questions.order_by("position")))


def _renumber(questionnaire, questions):
    """Writes positions 1..n in the given order, in two passes (the unique position constraint holds at every
    statement)."""
    offset = len(questions) + 1000
    for index, question in enumerate(questions, start=1):
        Question.objects.filter(pk=question.pk).update(position=offset + index)
    for index, question in enumerate(questions, start=1):
        Question.objects.filter(pk=question.pk).update(position=index)


@transaction.atomic
def question_move(*, by, question, direction) -> Question:
    """Moves a question one place up (``direction`` -1) or down (+1)."""
    questionnaire = question.questionnaire
    _check_manager(by, questionnaire)
    questionnaire = _locked(questionnaire)
    check_editable(questionnaire)
    if direction not in (-1, 1):
        raise ValidationError("Déplacement inconnu : vers le haut ou vers le bas.")
    questions = list(questionnaire.questions.order_by("position"))
    index = next(i for i, item in enumerate(questions) if item.pk == question.pk)
    target = index + direction
    if not 0 <= target < len(questions):
        raise ValidationError(
            "Cette question est déjà la première." if direction < 0 else "Cette question est déjà la dernière."
        )
    questions[index], questions[target] = questions[target], questions[index]
    _renumber(questionnaire, questions)
    question.refresh_from_db()
    return question


@transaction.atomic
def version_publish(*, by, questionnaire) -> Questionnaire:
    """Publishes the version: its campaigns may then use it."""
    _check_manager(by, questionnaire)
    given, questionnaire = questionnaire, _locked(questionnaire)
    if questionnaire.is_published:
        raise ValidationError("Cette version est déjà publiée.")
    if questionnaire.code == "users":
        missing = set(USER_DIMENSIONS) - set(questionnaire.questions.values_list("code", flat=True))
        if missing:
            raise ValidationError(
                f"Il manque des questions de la comparaison nationale : {', '.join(sorted(missing))}."
            )
    for question in questionnaire.questions.filter(kind__in=CHOICE_KINDS).prefetch_related("options"):
        if len(question.options.all()) < 2:
            raise ValidationError(f"« {question.label} » : une question à choix propose au moins deux options.")
    questionnaire.published_on = timezone.localdate()
    questionnaire.save(update_fields=["published_on", "updated_at"])
    given.published_on = questionnaire.published_on
    return questionnaire
