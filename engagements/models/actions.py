from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.utils import timezone

from qualipref.lib.models import TimeStampedModel, acting_user, optional_fk, rank_first, timestamped_history, value_in
from sites.models import Prefecture, Site

from .labellings import Labelling
from .referentials import Engagement, Module


class ActionPlanQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_by_prefecture(self, user)

    def with_action_counts(self, today=None):
        """Each plan with ``actions_count``, ``open_count`` and ``overdue_count`` (open and due before ``today``):
        counted per plan by subqueries that PostgreSQL runs for the rows of the page only (after its LIMIT), each
        read from the index ``action_plan_counts_idx`` alone, instead of grouping every action of every plan in
        scope before paging (and again for the paginator's count). The lists of plans (page and API) stay as fast
        with 50,000 actions as with 5,000 (issue 14)."""
        today = today or timezone.localdate()
        open_actions = Q(status__in=Action.OPEN_STATUSES)

        def count(condition=None):
            # COUNT(*) without GROUP BY: one row (0 for a plan without action), from the index alone.
            actions = Action.objects.filter(condition or Q(), plan=OuterRef("pk")).order_by()
            count_all = Func(template="COUNT(*)", output_field=models.IntegerField())
            return Subquery(actions.annotate(count=count_all).values("count"))

        return self.annotate(
            actions_count=count(),
            open_count=count(open_actions),
            overdue_count=count(open_actions & Q(due_on__lt=today)),
        )


class ActionPlan(TimeStampedModel):
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="action_plans", verbose_name="préfecture"
    )
    labelling = optional_fk(Labelling, related_name="action_plans", verbose_name="cycle de labellisation")
    title = models.CharField("intitulé", max_length=200)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "plan d'action"
        verbose_name_plural = "plans d'action"
        ordering = ["prefecture", "-created_at"]

    def __str__(self):
        return self.title


# The default order of the lists of actions (engagements.filters.actions.default_order): open actions first
# (Action.OPEN_STATUSES), soonest due first (no due date last), then by number. Action's indexes serve it with
# OPEN_FIRST_INDEXED: an ascending index puts NULL last on PostgreSQL, and SQLite refuses NULLS LAST in an index.
OPEN_RANK = rank_first(Q(status__in=["todo", "in_progress"]))
OPEN_FIRST = (OPEN_RANK, F("due_on").asc(nulls_last=True), F("id").asc())
OPEN_FIRST_INDEXED = (OPEN_RANK, F("due_on"), F("id"))


class ActionQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_actions(self, user)

    def open(self):
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, on=None):
        return self.open().filter(due_on__lt=on or timezone.localdate())

    def from_source(self, source_object):
        """The actions born from this record (a complaint, a campaign, a finding...: ``source_object``)."""
        return self.filter(source_type=ContentType.objects.get_for_model(source_object), source_id=source_object.pk)


class Action(TimeStampedModel):
    class Source(models.TextChoices):
        AUDIT_FINDING = "audit_finding", "Constat d'audit"
        SURVEY = "survey", "Enquête de satisfaction"
        COMPLAINT = "complaint", "Réclamation ou suggestion"
        CLU = "clu", "Comité local des usagers"
        SELF_ASSESSMENT = "self_assessment", "Autoévaluation"
        COPIL = "copil", "COPIL qualité"
        CRISIS_EXERCISE = "crisis_exercise", "Exercice de crise"
        OTHER = "other", "Autre"

    class Status(models.TextChoices):
        TODO = "todo", "À lancer"
        IN_PROGRESS = "in_progress", "En cours"
        DONE = "done", "Réalisée"
        VERIFIED = "verified", "Vérifiée efficace"
        ABANDONED = "abandoned", "Abandonnée"

    class Priority(models.TextChoices):
        LOW = "low", "Basse"
        NORMAL = "normal", "Normale"
        HIGH = "high", "Haute"

    class Effectiveness(models.IntegerChoices):
        NOT_EFFECTIVE = 1, "Inefficace"
        PARTLY = 2, "Partiellement efficace"
        EFFECTIVE = 3, "Efficace"

    OPEN_STATUSES = (Status.TODO, Status.IN_PROGRESS)

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions", verbose_name="plan d'action")
    # Denormalised from the plan: every list is scoped by prefecture without a join.
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="actions", verbose_name="préfecture"
    )
    site = optional_fk(Site, related_name="actions", verbose_name="site")
    module = optional_fk(Module, related_name="actions", verbose_name="module")
    engagement = optional_fk(Engagement, related_name="actions", verbose_name="engagement")
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    source = models.CharField("origine", max_length=20, choices=Source.choices, default=Source.OTHER)
    source_type = optional_fk(ContentType, related_name="+", verbose_name="type d'origine")
    source_id = models.PositiveBigIntegerField("identifiant de l'origine", null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    owner = optional_fk(settings.AUTH_USER_MODEL, related_name="owned_actions", verbose_name="pilote")
    due_on = models.DateField("échéance", null=True, blank=True)
    priority = models.CharField("priorité", max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.TODO)
    abandon_reason = models.TextField("motif d'abandon", blank=True)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    completed_on = models.DateField("réalisée le", null=True, blank=True)
    effectiveness = models.PositiveSmallIntegerField(
        "efficacité constatée", choices=Effectiveness.choices, null=True, blank=True
    )
    verified_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+", verbose_name="efficacité vérifiée par")
    verified_on = models.DateField("efficacité vérifiée le", null=True, blank=True)
    created_by = acting_user("créée par")

    objects = ActionQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["prefecture", "status", "due_on"], name="action_list_idx"),
            models.Index(fields=["source_type", "source_id"], name="action_source_idx"),
            # The lists' default order, national and for a prefecture (tests/test_query_plans.py).
            models.Index(*OPEN_FIRST_INDEXED, name="action_open_first_idx"),
            models.Index(F("prefecture"), *OPEN_FIRST_INDEXED, name="action_pref_open_first_idx"),
            # What is overdue, counted per prefecture or site by every dashboard (indicators.dashboards.common):
            # the open actions (OPEN_STATUSES) only, read from the index alone.
            models.Index(
                fields=["prefecture", "site", "due_on"],
                condition=Q(status__in=["todo", "in_progress"]),
                name="action_open_due_idx",
            ),
            # The counts of each plan of a page of plans (ActionPlanQuerySet.with_action_counts), index only.
            models.Index(fields=["plan", "status", "due_on"], name="action_plan_counts_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status="abandoned") | ~Q(abandon_reason=""), name="action_abandon_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["done", "verified"]) | Q(completed_on__isnull=False),
                name="action_done_has_completion_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(effectiveness__isnull=False, verified_on__isnull=False),
                name="action_verified_has_check",
            ),
        ]

    def __str__(self):
        return self.title

    is_open = value_in("status", OPEN_STATUSES)

    def is_overdue(self, on=None):
        return self.is_open and self.due_on is not None and self.due_on < (on or timezone.localdate())


class ActionComment(TimeStampedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments", verbose_name="action")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    text = models.TextField("commentaire")

    class Meta:
        verbose_name = "commentaire d'action"
        verbose_name_plural = "commentaires d'action"
        ordering = ["action", "created_at"]

    def __str__(self):
        return f"{self.author} : {self.text[:40]}"


class ActionEvidence(TimeStampedModel):
    """A file proving an action was done (type and size checked by the service before saving)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence", verbose_name="action")
    file = models.FileField("fichier", upload_to="actions/%Y/%m/")
    name = models.CharField("nom du fichier", max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    content_type = models.CharField("type de fichier", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déposé par"
    )

    class Meta:
        verbose_name = "justificatif d'action"
        verbose_name_plural = "justificatifs d'action"
        ordering = ["action", "created_at"]

    def __str__(self):
        return self.name


class TextWithAction(TimeStampedModel):
    """A text that becomes an action of the plan in one step (a meeting's decision, an exercise's lesson:
    engagements.views.action_sources). A subclass declares its ``text`` (its verbose name) and
    ``action = created_action(related_name)``."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.text[:60]


def created_action(related_name):
    """The action a TextWithAction became (one at most); the text stays, unlinked, if the action is deleted."""
    return models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name="action créée",
    )
