"""Questionnaires: versioned data with coded questions.

A national version (``prefecture`` empty) is shipped with Qualipref. A prefecture's quality manager builds a local
version from it (``based_on``): the national questions are kept (for the « users » questionnaire, the seven
dimension codes are the national comparison and cannot be removed), local questions (``is_local``) are added, the
order is edited, then the version is published (``published_on``; empty: in preparation). A version some response
already answers never changes: a new version is created instead (surveys.services.questionnaires).

A questionnaire is identified by a stable ``code`` (``users``, ``local_authorities``, ``partners``) and a
``version``; its questions by a stable ``code`` (``phone``, ``courtesy``...). Answers are stored by question code,
so that the results of two campaigns stay comparable even when they used two versions of the questionnaire.
Versions are never rewritten: campaigns point at the version they used. The shipped questionnaires are loaded by
the data migration 0002 (and by ``surveys.questionnaires.install_shipped`` after a flush).
"""

from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk
from sites.models import Prefecture

# The answers of a question: 1 (très insatisfait) to 4 (très satisfait); "sans avis" is stored as NULL.
SCALE = [
    (1, "Très insatisfait"),
    (2, "Plutôt insatisfait"),
    (3, "Plutôt satisfait"),
    (4, "Très satisfait"),
]
NO_OPINION_LABEL = "Sans avis"
SATISFIED_VALUES = (3, 4)
# A closed question (« Avez-vous été accueilli(e) avec courtoisie ? ») is answered « Oui » or « Non », stored at the
# two ends of the scale: the rate of its dimension (share of 3 and 4) is then the share of « Oui », computed like any
# satisfaction rate and comparable with the campaigns that asked it on the scale.
YES_VALUE = 4
NO_VALUE = 1
YES_NO = [(YES_VALUE, "Oui"), (NO_VALUE, "Non")]


class QuestionnaireQuerySet(models.QuerySet):
    def national(self):
        return self.filter(prefecture__isnull=True)

    def published(self):
        return self.filter(published_on__isnull=False)

    def latest_versions(self):
        """The most recent national version of each questionnaire code."""
        newer = Questionnaire.objects.filter(
            prefecture__isnull=True, code=models.OuterRef("code"), published_on__gt=models.OuterRef("published_on")
        )
        return self.national().exclude(models.Exists(newer))

    def for_user(self, user):
        from accounts import access

        return access.scope_questionnaires(self, user)


class Questionnaire(TimeStampedModel):
    class Audience(models.TextChoices):
        USERS = "users", "Usagers"
        LOCAL_AUTHORITIES = "local_authorities", "Collectivités territoriales et élus"
        PARTNERS = "partners", "Partenaires"

    code = models.CharField("code", max_length=30, help_text="Stable d'une version à l'autre : users, partners…")
    version = models.CharField("version", max_length=20)
    audience = models.CharField("public visé", max_length=20, choices=Audience.choices)
    title = models.CharField("titre", max_length=200)
    introduction = models.TextField("introduction", blank=True)
    prefecture = optional_fk(
        Prefecture,
        related_name="questionnaires",
        verbose_name="préfecture",
        help_text="Vide : version nationale, commune à toutes les préfectures.",
    )
    based_on = optional_fk("self", related_name="+", verbose_name="construite à partir de")
    published_on = models.DateField("publié le", null=True, blank=True, help_text="Vide : version en préparation.")
    created_by = acting_user("créée par")

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = "questionnaire"
        verbose_name_plural = "questionnaires"
        ordering = ["code", "-published_on"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_unique_code_version"),
            models.CheckConstraint(
                condition=Q(prefecture__isnull=False) | Q(published_on__isnull=False),
                name="questionnaire_national_is_published",
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    @property
    def is_national(self):
        return self.prefecture_id is None

    @property
    def is_published(self):
        return self.published_on is not None

    def is_answered(self):
        """Whether a response of one of its campaigns exists (then the version never changes)."""
        return self.campaigns.filter(responses__isnull=False).exists()


class Question(TimeStampedModel):
    """A question rated 1 to 4, or answered « Oui » / « Non » (its ``kind``), or « sans avis »; its code is the
    dimension of the results. A local question (added by a prefecture to its version) may also be a single or
    multiple choice among its options, or a free text (used, like a comment, only with its author's consent)."""

    class Kind(models.TextChoices):
        SCALE = "scale", "Échelle de satisfaction (1 à 4)"
        YES_NO = "yes_no", "Oui ou non"
        SINGLE_CHOICE = "single_choice", "Choix unique"
        MULTIPLE_CHOICE = "multiple_choice", "Choix multiple"
        FREE_TEXT = "free_text", "Texte libre"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="questions", verbose_name="questionnaire"
    )
    code = models.CharField("code", max_length=40, help_text="Stable d'une version à l'autre : phone, courtesy…")
    position = models.PositiveSmallIntegerField("rang")
    label = models.CharField("dimension", max_length=120, help_text="Intitulé court des résultats.")
    text = models.CharField("question posée", max_length=300)
    help_text = models.CharField("aide", max_length=300, blank=True)
    kind = models.CharField(
        "nature de la réponse",
        max_length=20,
        choices=Kind.choices,
        default=Kind.SCALE,
        help_text="Oui ou non : « Oui » est enregistré 4 et « Non » 1 ; le taux de la dimension est la part des "
        "« Oui ».",
    )
    is_local = models.BooleanField(
        "question locale", default=False, help_text="Ajoutée par la préfecture : hors de la comparaison nationale."
    )

    class Meta:
        verbose_name = "question"
        verbose_name_plural = "questions"
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
            models.UniqueConstraint(fields=["questionnaire", "position"], name="question_unique_position"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z][a-z0-9_]*$"), name="question_code_lowercase_identifier"
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.label}"

    @property
    def is_yes_no(self):
        return self.kind == self.Kind.YES_NO

    @property
    def is_rated(self):
        """Rated 1 to 4 (or « Oui » / « Non » stored 4 / 1): a dimension with a satisfaction rate."""
        return self.kind in RATED_KINDS

    @property
    def has_options(self):
        return self.kind in CHOICE_KINDS

    def numbered_options(self):
        """« 1 Titre de séjour · 2 Carte grise · … »: how the paper grid and the CSV file number a choice's options
        (read from ``options.all()``: prefetch them)."""
        return " · ".join(f"{number} {option.label}" for number, option in enumerate(self.options.all(), start=1))


RATED_KINDS = (Question.Kind.SCALE, Question.Kind.YES_NO)
CHOICE_KINDS = (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE)


class QuestionOption(TimeStampedModel):
    """An option of a choice question; answers store its code."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name="question")
    code = models.CharField("code", max_length=40)
    label = models.CharField("libellé", max_length=200)
    position = models.PositiveSmallIntegerField("rang")

    class Meta:
        verbose_name = "option d'une question"
        verbose_name_plural = "options des questions"
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="question_option_unique_code"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z][a-z0-9_]*$"), name="question_option_code_lowercase_identifier"
            ),
        ]

    def __str__(self):
        return self.label
