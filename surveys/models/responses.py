"""Responses and their answers, one row per question code.

``Answer`` repeats the campaign, site and service of its response: results are counted in the database by
grouping answers on these columns (``surveys.results``), without a join, whatever the number of responses.
"""

from django.db import models
from django.db.models import Q

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk
from sites.models import Prefecture, Service, Site

from .campaigns import Campaign


class ResponseQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return self.filter(campaign__in=access.scope_campaigns(Campaign.objects.all(), user))


class Response(TimeStampedModel):
    """One filled questionnaire (online, on the kiosk, or a paper one typed in by an agent)."""

    class Channel(models.TextChoices):
        WEB = "web", "En ligne"
        KIOSK = "kiosk", "Borne"
        PAPER = "paper", "Papier (saisi)"
        IMPORT = "import", "Papier (import CSV)"

    class CommentStatus(models.TextChoices):
        NONE = "none", "Sans commentaire"
        PENDING = "pending", "À modérer"
        APPROVED = "approved", "Publiable"
        REJECTED = "rejected", "Écarté"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses", verbose_name="campagne")
    # Denormalised from the campaign: lists are scoped without a join.
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="+", verbose_name="préfecture")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="survey_responses", verbose_name="site")
    service = optional_fk(Service, related_name="+", verbose_name="service")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    answered_on = models.DateField("date de la réponse")
    comment = models.TextField("commentaire", blank=True)
    comment_consent = models.BooleanField("accord pour l'usage du commentaire", default=False)
    comment_status = models.CharField(
        "modération du commentaire", max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE
    )
    moderated_by = acting_user("modéré par")
    submission_key = models.UUIDField(
        "clé d'envoi",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Donnée par le formulaire : un même envoi reçu deux fois n'est compté qu'une fois.",
    )
    entered_by = acting_user("saisi par", help_text="Vide pour une réponse du visiteur lui-même.")

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse à une enquête"
        verbose_name_plural = "réponses aux enquêtes"
        ordering = ["campaign", "-created_at"]
        indexes = [
            models.Index(fields=["campaign", "site", "service"], name="response_results_idx"),
            models.Index(fields=["campaign", "comment_status"], name="response_comments_idx"),
        ]
        constraints = [
            # A comment is used only with the consent of its author; none, nothing to moderate.
            models.CheckConstraint(
                condition=Q(comment="", comment_status="none")
                | (~Q(comment="") & Q(comment_consent=True) & ~Q(comment_status="none")),
                name="response_comment_needs_consent",
            ),
        ]

    def __str__(self):
        return f"Réponse n° {self.pk} – {self.site}"


class Answer(models.Model):
    """The answer to one question (by its code): 1 to 4, NULL for « sans avis »; an unanswered question has no
    row. Written with its response, never changed: no timestamps of its own (the response has them).

    A local choice question has one row per chosen option (``option``, ``value`` NULL); a local free-text question
    one row with its ``text``, used only with the consent given for the comment and moderated like it
    (``text_status``)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name="réponse")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", verbose_name="campagne")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    service = optional_fk(Service, related_name="+", verbose_name="service")
    question_code = models.CharField("code de la question", max_length=40)
    value = models.PositiveSmallIntegerField("réponse", null=True, blank=True, help_text="1 à 4 ; vide : sans avis.")
    option = models.CharField("option choisie", max_length=40, blank=True)
    text = models.TextField("réponse libre", blank=True)
    text_status = models.CharField(
        "modération de la réponse libre",
        max_length=10,
        choices=Response.CommentStatus.choices,
        default=Response.CommentStatus.NONE,
    )

    class Meta:
        verbose_name = "réponse à une question"
        verbose_name_plural = "réponses aux questions"
        indexes = [
            models.Index(fields=["campaign", "site", "question_code", "value"], name="answer_results_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=4), name="answer_value_1_to_4"
            ),
            models.UniqueConstraint(fields=["response", "question_code", "option"], name="answer_unique_question"),
            models.CheckConstraint(
                condition=Q(text="", text_status="none") | (~Q(text="") & ~Q(text_status="none")),
                name="answer_text_is_moderated",
            ),
        ]

    def __str__(self):
        if self.option:
            return f"{self.question_code} = {self.option}"
        if self.text:
            return f"{self.question_code} : {self.text[:40]}"
        return f"{self.question_code} = {self.value if self.value is not None else 'sans avis'}"
