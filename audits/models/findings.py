from django.conf import settings
from django.db import models
from django.db.models import Q

from engagements.models import Action, Engagement, Module
from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, timestamped_history, value_in, value_set
from sites.models import Prefecture, Site

from .audits import Audit


class FindingQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return self.filter(audit__in=access.scope_audits(Audit.objects.all(), user))

    def readable_by(self, user):
        """Lists: those of the audits the user may read now (``AuditQuerySet.readable_by``)."""
        return self.filter(audit__in=Audit.objects.readable_by(user))

    def nonconformities(self):
        return self.filter(category__in=Finding.NONCONFORMITIES)

    def open_nonconformities(self):
        return self.nonconformities().filter(closed_on__isnull=True)


class Finding(TimeStampedModel):
    """What an audit found on a site (and often an engagement): a strength, an improvement, a sensitive point, a
    minor or major non-conformity. The prefecture answers non-conformities and sensitive points; a
    non-conformity closes when its actions are done and a later audit verified them (``audits.services.findings``).
    """

    class Category(models.TextChoices):
        STRENGTH = "strength", "Point fort"
        IMPROVEMENT = "improvement", "Piste de progrès"
        SENSITIVE_POINT = "sensitive_point", "Point sensible"
        MINOR_NONCONFORMITY = "minor_nonconformity", "Non-conformité mineure"
        MAJOR_NONCONFORMITY = "major_nonconformity", "Non-conformité majeure"

    class CauseCategory(models.TextChoices):
        """The families of causes of a non-conformity (the « 5 M » of the cause analysis)."""

        PERSONNEL = "personnel", "Personnel"
        METHODS = "methods", "Méthodes"
        EQUIPMENT = "equipment", "Matériel"
        ENVIRONMENT = "environment", "Milieu"
        COMMUNICATION = "communication", "Communication"

    NONCONFORMITIES = (Category.MINOR_NONCONFORMITY, Category.MAJOR_NONCONFORMITY)
    WHYS_MAX = 5  # « 5 pourquoi »
    # « réponse argumentée » of the prefecture: to non-conformities and sensitive points.
    ANSWERABLE = (Category.SENSITIVE_POINT, Category.MINOR_NONCONFORMITY, Category.MAJOR_NONCONFORMITY)
    # Plural labels of the counts (« 20 points forts, 3 pistes de progrès... »).
    PLURALS = {
        Category.STRENGTH: ("point fort", "points forts"),
        Category.IMPROVEMENT: ("piste de progrès", "pistes de progrès"),
        Category.SENSITIVE_POINT: ("point sensible", "points sensibles"),
        Category.MINOR_NONCONFORMITY: ("non-conformité mineure", "non-conformités mineures"),
        Category.MAJOR_NONCONFORMITY: ("non-conformité majeure", "non-conformités majeures"),
    }

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings", verbose_name="audit")
    category = models.CharField("catégorie", max_length=20, choices=Category.choices)
    site = optional_fk(
        Site,
        related_name="findings",
        verbose_name="site",
        help_text="Vide : constat général, sur l'ensemble des sites audités.",
    )
    module = optional_fk(Module, related_name="findings", verbose_name="module")
    engagement = optional_fk(Engagement, related_name="findings", verbose_name="engagement")
    text = models.TextField("constat")
    # The prefecture's argued response (réponse argumentée) with its revised calendar.
    response = models.TextField("réponse argumentée", blank=True)
    response_due_on = models.DateField("échéance révisée", null=True, blank=True)
    responded_on = models.DateField("réponse du", null=True, blank=True)
    responded_by = acting_user("réponse de")
    # Closure of a non-conformity (its actions done, their effectiveness verified by a later audit).
    closed_on = models.DateField("levée le", null=True, blank=True)
    closed_by = acting_user("levée par")
    verified_in = optional_fk(Audit, related_name="verified_findings", verbose_name="efficacité vérifiée lors de")
    closure_note = models.TextField("constat de levée", blank=True)
    # Cause analysis of a non-conformity: its families of causes (``CauseCategory`` values) and the « 5 pourquoi »
    # (up to five answers, each the cause of the previous one) or a free analysis.
    cause_categories = models.JSONField("catégories de causes", default=list, blank=True)
    cause_whys = models.JSONField("5 pourquoi", default=list, blank=True)
    cause_analysis = models.TextField("analyse des causes", blank=True)
    analysed_on = models.DateField("analyse du", null=True, blank=True)
    analysed_by = acting_user("analyse de")
    # The immediate correction (what was done at once to contain the gap), distinct from the corrective actions.
    correction = models.TextField("correction immédiate", blank=True)
    corrected_on = models.DateField("corrigé le", null=True, blank=True)
    # The last effectiveness check of the corrective actions (at closure): not effective, the non-conformity stays
    # (or becomes again) open and needs new actions.
    effective = models.BooleanField("actions efficaces", null=True, blank=True)
    effectiveness_checked_on = models.DateField("efficacité vérifiée le", null=True, blank=True)
    effectiveness_checked_by = acting_user("efficacité vérifiée par")
    effectiveness_evidence = models.FileField("preuve de l'efficacité", upload_to="audits/findings/%Y/", blank=True)
    effectiveness_evidence_name = models.CharField("nom du fichier de preuve", max_length=200, blank=True)
    effectiveness_evidence_text = models.TextField("éléments de preuve", blank=True)
    effectiveness_comment = models.TextField("commentaire de la vérification", blank=True)
    actions = models.ManyToManyField(
        Action, through="FindingAction", related_name="findings", blank=True, verbose_name="actions correctives"
    )
    created_by = acting_user("saisi par")

    objects = FindingQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "constat d'audit"
        verbose_name_plural = "constats d'audit"
        ordering = ["audit", "site__name", "category", "pk"]
        indexes = [
            models.Index(fields=["audit", "site", "category"], name="finding_audit_site_idx"),
            # The order of the API's list (tests/test_query_plans.py).
            models.Index(fields=["audit", "id"], name="finding_audit_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(response="")
                | Q(category__in=["sensitive_point", "minor_nonconformity", "major_nonconformity"]),
                name="finding_response_only_where_expected",
            ),
            models.CheckConstraint(
                condition=Q(response="") | Q(responded_on__isnull=False), name="finding_response_has_date"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(category__in=["minor_nonconformity", "major_nonconformity"], verified_in__isnull=False),
                name="finding_closure_needs_nonconformity_and_verification",
            ),
            models.CheckConstraint(
                condition=Q(verified_in__isnull=True) | ~Q(verified_in=models.F("audit")),
                name="finding_verified_by_another_audit",
            ),
            models.CheckConstraint(
                condition=Q(effective__isnull=True) | Q(effectiveness_checked_on__isnull=False),
                name="finding_effectiveness_has_date",
            ),
            models.CheckConstraint(
                condition=Q(effective__isnull=True) | Q(category__in=["minor_nonconformity", "major_nonconformity"]),
                name="finding_effectiveness_only_nonconformity",
            ),
        ]

    def __str__(self):
        where = self.site.name if self.site_id else "ensemble des sites"
        return f"{self.get_category_display()} – {where} : {self.text[:60]}"

    is_nonconformity = value_in("category", NONCONFORMITIES)
    is_answerable = value_in("category", ANSWERABLE)
    is_closed = value_set("closed_on")
    is_analysed = value_set("analysed_on")

    def cause_category_labels(self):
        labels = dict(self.CauseCategory.choices)
        return [labels[value] for value in self.CauseCategory.values if value in (self.cause_categories or [])]

    @property
    def found_ineffective(self):
        """The last effectiveness check found the actions not effective: new actions are needed."""
        return self.effective is False


class FindingAction(TimeStampedModel):
    """The link between a finding and a corrective action of the action plan (both ways: ``finding.actions``,
    ``action.findings``); an action created from a finding also points back to it (``action.source_object``)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="action_links", verbose_name="constat")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="finding_links", verbose_name="action")
    linked_by = acting_user("lien créé par")

    class Meta:
        verbose_name = "action corrective d'un constat"
        verbose_name_plural = "actions correctives des constats"
        ordering = ["finding", "pk"]
        constraints = [models.UniqueConstraint(fields=["finding", "action"], name="finding_action_unique")]

    def __str__(self):
        return f"{self.finding_id} → {self.action}"


class GoodPracticeQuerySet(models.QuerySet):
    def search(self, text):
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(text__icontains=text))


class GoodPractice(TimeStampedModel):
    """A strength published by a national administrator in the library of good practices, across prefectures."""

    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="good_practice", verbose_name="point fort d'origine"
    )
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="good_practices", verbose_name="préfecture"
    )
    site = optional_fk(Site, related_name="good_practices", verbose_name="site")
    module = optional_fk(Module, related_name="good_practices", verbose_name="module")
    engagement = optional_fk(Engagement, related_name="good_practices", verbose_name="engagement")
    title = models.CharField("intitulé", max_length=200)
    text = models.TextField("description")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="publiée par"
    )
    published_on = models.DateField("publiée le")

    objects = GoodPracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "bonne pratique"
        verbose_name_plural = "bonnes pratiques"
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title
