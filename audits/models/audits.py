import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.utils import timezone

from engagements.models import Labelling, Module
from qualipref.lib.dates import short_date, short_datetime
from qualipref.lib.models import ProducedPdf, TimeStampedModel, acting_user, count_of, timestamped_history, value_in
from sites.models import Prefecture, Site

REPORT_DELAY_DAYS = (
    15  # « rapport écrit sous 15 jours » after the last day of the audit (docs/domaine.md, § Audits et constats)
)


class AuditQuerySet(models.QuerySet):
    def for_user(self, user):
        """Audits the user may see: see ``accounts.access.scope_audits`` (auditors: those assigned to them)."""
        from accounts import access

        return access.scope_audits(self, user)

    def readable_by(self, user, on=None):
        """What lists show: ``for_user`` less an auditor's audits outside their access window (nothing of them shows,
        not even in a count); fetching one by id goes through ``for_user`` so that it is a 403, not a 404."""
        from accounts import access

        return access.scope_audits(self, user, open_windows_only=True, on=on)

    def report_pending(self):
        """Audits whose written report has not been delivered yet."""
        return self.filter(status__in=Audit.REPORT_PENDING_STATUSES)

    def late_reports(self, on=None):
        """ALERTS JOB — audits whose report is past due (``report_due_on`` before ``on``, today by default) and
        not delivered yet. Left for the alerts job of the notifications issue: it reads this queryset, sends its
        reminders, and needs nothing else from this app (``report_due_on`` is stored by the services)."""
        return self.report_pending().filter(report_due_on__lt=on or timezone.localdate())

    def with_decision(self):
        return self.filter(kind__in=Audit.DECISION_KINDS)

    def with_counts(self, *, sites=False):
        """``<category>_count``: each audit's findings of each category (and with ``sites``, ``site_count``: its
        sites), each a subquery (qualipref.lib.models.count_of): a list counts for the rows of its page only, and
        its order comes from an index (no GROUP BY over the scope)."""
        finding = Audit.findings.rel.related_model  # Finding, whose module imports this one
        counts = {
            f"{category}_count": count_of(finding.objects.filter(audit=OuterRef("pk"), category=category))
            for category in finding.Category.values
        }
        if sites:
            counts["site_count"] = count_of(Audit.sites.through.objects.filter(audit=OuterRef("pk")))
        return self.annotate(**counts)


class Audit(TimeStampedModel):
    """An audit of a prefecture's labelling cycle: its scope (sites, modules), its auditors, its grid, its findings.

    Statuses, dates and the decision are written by ``audits.services.audits``, never by forms.
    """

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", "Autoévaluation"
        INTERNAL = "internal", "Audit interne"
        MYSTERY = "mystery", "Enquête mystère"
        LABELLING = "labelling", "Audit de labellisation"
        FOLLOW_UP = "follow_up", "Audit de suivi"
        RENEWAL = "renewal", "Audit de renouvellement"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planifié"
        IN_PROGRESS = "in_progress", "En cours"
        WRITING = "writing", "Rapport en rédaction"
        DELIVERED = "delivered", "Rapport remis"
        RESPONDED = "responded", "Réponse de la préfecture"
        CLOSED = "closed", "Clos"

    Decision = Labelling.Decision

    # Labelling and renewal audits end with the body's decision, which moves the labelling cycle forward.
    DECISION_KINDS = (Kind.LABELLING, Kind.RENEWAL)
    # The grid, the findings and the mystery visits change until the report is delivered.
    EDITABLE_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.WRITING)
    REPORT_PENDING_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.WRITING)
    # The prefecture answers once it has the report.
    RESPONSE_STATUSES = (Status.DELIVERED, Status.RESPONDED)
    # Its report delivered: the non-conformities are analysed from then on, the audit's closure included (they
    # stay open after it, until a later audit verifies their actions).
    REPORT_DELIVERED_STATUSES = (Status.DELIVERED, Status.RESPONDED, Status.CLOSED)
    HELD_STATUSES = (Status.IN_PROGRESS, Status.WRITING, Status.DELIVERED, Status.RESPONDED, Status.CLOSED)

    labelling = models.ForeignKey(
        Labelling, on_delete=models.PROTECT, related_name="audits", verbose_name="cycle de labellisation"
    )
    # Denormalised from the cycle: lists are scoped by prefecture without a join.
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="audits", verbose_name="préfecture"
    )
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    body = models.CharField(
        "organisme", max_length=120, help_text="Par exemple : AFNOR Certification, auditeur interne du ministère."
    )
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_audits", blank=True, verbose_name="auditeurs"
    )
    access_from = models.DateField("accès des auditeurs à partir du", null=True, blank=True)
    access_until = models.DateField("accès des auditeurs jusqu'au", null=True, blank=True)
    start_on = models.DateField("premier jour d'audit")
    end_on = models.DateField("dernier jour d'audit")
    report_due_on = models.DateField("rapport attendu au plus tard le")
    sites = models.ManyToManyField(Site, related_name="audits", verbose_name="sites audités")
    modules = models.ManyToManyField(Module, related_name="audits", verbose_name="modules audités")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PLANNED)
    report_delivered_on = models.DateField("rapport remis le", null=True, blank=True)
    responded_on = models.DateField("réponse de la préfecture le", null=True, blank=True)
    closed_on = models.DateField("clos le", null=True, blank=True)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)
    decision_on = models.DateField("date de la décision", null=True, blank=True)
    summary = models.TextField("synthèse", blank=True)
    created_by = acting_user("créé par")

    objects = AuditQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "audit"
        verbose_name_plural = "audits"
        ordering = ["-start_on", "-pk"]
        indexes = [
            models.Index(fields=["prefecture", "status", "report_due_on"], name="audit_list_idx"),
            # The lists' order (Meta.ordering), national and for a prefecture (tests/test_query_plans.py).
            models.Index(fields=["-start_on", "-id"], name="audit_newest_idx"),
            models.Index(fields=["prefecture", "-start_on", "-id"], name="audit_pref_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gte=models.F("start_on")), name="audit_ends_after_start"),
            models.CheckConstraint(
                condition=Q(access_from__isnull=True)
                | Q(access_until__isnull=True)
                | Q(access_until__gte=models.F("access_from")),
                name="audit_access_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(report_due_on__gte=models.F("end_on")), name="audit_report_due_after_end"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(kind__in=["labelling", "renewal"]),
                name="audit_decision_only_labelling_or_renewal",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision_on__isnull=False), name="audit_decision_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["delivered", "responded", "closed"]) | Q(report_delivered_on__isnull=False),
                name="audit_delivered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="responded") | Q(responded_on__isnull=False), name="audit_responded_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False), name="audit_closed_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {short_date(self.start_on)} – {self.prefecture}"

    @property
    def title(self):
        """« Audit de labellisation du 14/09/2015 au 18/09/2015 »."""
        if self.start_on == self.end_on:
            return f"{self.get_kind_display()} du {short_date(self.start_on)}"
        return f"{self.get_kind_display()} du {short_date(self.start_on)} au {short_date(self.end_on)}"

    @staticmethod
    def compute_report_due_on(end_on):
        return end_on + datetime.timedelta(days=REPORT_DELAY_DAYS)

    @property
    def response_due_on(self):
        """When the prefecture's argued response to the findings is expected (settings.QUALIPREF_FINDING_RESPONSE_DAYS
        after the report's delivery; the documents leave the delay to the audit body), None before the delivery."""
        if self.report_delivered_on is None:
            return None
        return self.report_delivered_on + datetime.timedelta(days=settings.QUALIPREF_FINDING_RESPONSE_DAYS)

    takes_decision = value_in("kind", DECISION_KINDS)
    is_editable = value_in("status", EDITABLE_STATUSES)
    is_held = value_in("status", HELD_STATUSES)

    def is_report_late(self, on=None):
        """Same rule as ``Audit.objects.late_reports()``."""
        return self.status in self.REPORT_PENDING_STATUSES and self.report_due_on < (on or timezone.localdate())

    def window_open(self, on=None):
        """Whether the auditors' access window contains ``on`` (today by default); an open side has no limit."""
        on = on or timezone.localdate()
        return (self.access_from is None or self.access_from <= on) and (
            self.access_until is None or on <= self.access_until
        )

    def auditor_ids(self):
        """Ids of the assigned auditors: ``all()`` reads the prefetched ``auditors`` when there, else one query; kept
        on the audit (the access rules ask several times per page)."""
        cached = getattr(self, "_auditor_ids", None)
        if cached is None:
            cached = frozenset(user.pk for user in self.auditors.all()) if self.pk else frozenset()
            self._auditor_ids = cached
        return cached

    def site_ids(self):
        """Ids of the audited sites: ``all()`` reads the prefetched ``sites`` when there, else one query; kept on the
        audit."""
        cached = getattr(self, "_site_ids", None)
        if cached is None:
            cached = frozenset(site.pk for site in self.sites.all()) if self.pk else frozenset()
            self._site_ids = cached
        return cached


class AuditReport(ProducedPdf):
    """A PDF report produced by Qualipref, stored as it was produced (with its SHA-256), so that the report
    delivered to the prefecture can be found again unchanged. Produced by ``audits.services.reports``."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="reports", verbose_name="audit")
    file = models.FileField("fichier PDF", upload_to="audits/reports/%Y/", blank=True)
    source_sha256 = models.CharField(
        "empreinte des données", max_length=64, blank=True, help_text="Mêmes données, même rapport : il est réutilisé."
    )
    delivered_on = models.DateField(
        "remis à la préfecture le", null=True, blank=True, help_text="Le rapport transmis, retrouvable à l'identique."
    )

    class Meta:
        verbose_name = "rapport d'audit"
        verbose_name_plural = "rapports d'audit"
        ordering = ["audit", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="audit_report_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(sha256="") & ~Q(file="") & Q(generated_at__isnull=False)),
                name="audit_report_done_has_file_and_checksum",
            ),
            models.UniqueConstraint(
                fields=["audit"], condition=Q(delivered_on__isnull=False), name="audit_report_one_delivered_per_audit"
            ),
        ]

    def __str__(self):
        when = short_datetime(self.generated_at, empty="—")
        return f"Rapport de l'audit n° {self.audit_id} produit le {when}"

    @property
    def filename(self):
        return f"rapport-audit-{self.audit_id}-{self.pk}.pdf"
