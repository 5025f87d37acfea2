"""Questionnaires: versioned data with coded questions.

A questionnaire is identified by a stable ``code`` (``users``, ``local_authorities``, ``partners``) and a
``version``; its questions by a stable ``code`` (``phone``, ``courtesy``...). Answers are stored by question code,
so that the results of two campaigns stay comparable even when they used two versions of the questionnaire.
Versions are never rewritten: campaigns point at the version they used. The shipped questionnaires are loaded by
the data migration 0002 (and by ``surveys.questionnaires.install_shipped`` after a flush).
"""

from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel

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
    def latest_versions(self):
        """The most recent version of each questionnaire code."""
        newer = Questionnaire.objects.filter(
            code=models.OuterRef("code"), published_on__gt=models.OuterRef("published_on")
        )
        return self.exclude(models.Exists(newer))


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
    published_on = models.DateField("publié le")

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = "questionnaire"
        verbose_name_plural = "questionnaires"
        ordering = ["code", "-published_on"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_unique_code_version"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class Question(TimeStampedModel):
    """A question rated 1 to 4, or answered « Oui » / « Non » (its ``kind``), or « sans avis »; its code is the
    dimension of the results."""

    class Kind(models.TextChoices):
        SCALE = "scale", "Échelle de satisfaction (1 à 4)"
        YES_NO = "yes_no", "Oui ou non"

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
        max_length=10,
        choices=Kind.choices,
        default=Kind.SCALE,
        help_text="Oui ou non : « Oui » est enregistré 4 et « Non » 1 ; le taux de la dimension est la part des "
        "« Oui ».",
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
