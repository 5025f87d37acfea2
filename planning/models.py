"""The quality programme of a prefecture: the rules its quality manager edits, and the items they plan for a year.

An item is due in a window (``starts_on`` .. ``ends_on``) and is fulfilled by a record of another app (a meeting,
an audit, a survey campaign, a quarterly self-assessment): a generic link, as ``engagements.LabellingStep.source``,
since planning builds on those apps and they never import it. Items are written by ``planning.services`` only.

The read API other apps use (the yearly quality review): ``PlannedItem.objects.for_year(prefecture, year)``, then
``.planned_count(kind)``, ``.fulfilled_count(kind)``, ``.kind_counts(on)`` (all kinds in one query), ``.late(on)``,
``.with_status(on)``.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from qualipref.lib.models import TimeStampedModel, optional_fk, timestamped_history
from qualipref.lib.months import MONTHS
from sites.models import Prefecture, Site


class Kind(models.TextChoices):
    """What an item of the programme is. Rules write the first five; the labelling cycle the two audits (its due
    dates). Issue 16 adds document reviews and exercises here, with their branch in planning.services._planned_by_rules,
    their records in planning.services._candidates and planning.signals.SOURCES."""

    COPIL = "copil", "COPIL qualité"
    CLU = "clu", "Comité local des usagers"
    SELF_ASSESSMENT = "self_assessment", "Autoévaluation trimestrielle des conditions d'accueil"
    SURVEY = "survey", "Enquête de satisfaction"
    INTERNAL_AUDIT = "internal_audit", "Audit interne"
    FOLLOW_UP_AUDIT = "follow_up_audit", "Audit de suivi"
    RENEWAL_AUDIT = "renewal_audit", "Audit de renouvellement"


RULE_KINDS = (Kind.COPIL, Kind.CLU, Kind.SELF_ASSESSMENT, Kind.SURVEY, Kind.INTERNAL_AUDIT)
CYCLE_KINDS = (Kind.FOLLOW_UP_AUDIT, Kind.RENEWAL_AUDIT)
# The kinds whose rule needs a month (and the survey an end month); the default month of each.
MONTH_KINDS = {Kind.CLU: 4, Kind.SURVEY: 5, Kind.INTERNAL_AUDIT: 10}


class ProgrammeRuleQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_by_prefecture(self, user)


class ProgrammeRule(TimeStampedModel):
    """« COPIL mensuels », « avril : comité local des usagers », « mai-juin : enquêtes de satisfaction »...: what the
    quality manager plans every year. Written by ``planning.services.rule_save``, which rebuilds the programme."""

    Kind = Kind

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="programme_rules", verbose_name="préfecture"
    )
    kind = models.CharField("nature", max_length=30, choices=[(k.value, k.label) for k in RULE_KINDS])
    site = optional_fk(Site, related_name="programme_rules", verbose_name="site (audit interne d'un seul site)")
    month = models.PositiveSmallIntegerField("mois", null=True, blank=True)
    end_month = models.PositiveSmallIntegerField("jusqu'au mois", null=True, blank=True)
    active = models.BooleanField("en vigueur", default=True)
    # The year the rule starts applying (empty: every year). Without it a rule written today would make every past
    # year's programme late: the quarterly self-assessments of the 2016 plan are not late in 2015.
    first_year = models.PositiveSmallIntegerField("depuis l'année", null=True, blank=True)
    note = models.CharField("précision", max_length=200, blank=True)

    objects = ProgrammeRuleQuerySet.as_manager()
    history = timestamped_history()

    class Meta:
        verbose_name = "règle du programme"
        verbose_name_plural = "règles du programme"
        ordering = ["prefecture", "kind", "month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="programme_rule_month_1_12"
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("month"), end_month__lte=12),
                name="programme_rule_end_month_after_month",
            ),
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(kind="internal_audit"), name="programme_rule_site_internal_audit"
            ),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True) | Q(first_year__gte=2000, first_year__lte=2100),
                name="programme_rule_first_year",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """« COPIL qualité chaque mois », « Enquête de satisfaction en mai – juin »."""
        kind = Kind(self.kind)
        if kind == Kind.COPIL:
            return "COPIL qualité chaque mois"
        if kind == Kind.SELF_ASSESSMENT:
            return "Autoévaluation des conditions d'accueil chaque trimestre, sur chaque site"
        when = month_span(self.month, self.end_month)
        where = f" ({self.site.name})" if self.site_id else ""
        return f"{kind.label}{where} en {when}" if when else kind.label

    def clean(self):
        errors = {}
        if self.first_year is not None and not 2000 <= self.first_year <= 2100:
            errors["first_year"] = "Indiquez une année entre 2000 et 2100, ou laissez vide (toutes les années)."
        for field in ("month", "end_month"):
            value = getattr(self, field)
            if value is not None and not 1 <= value <= 12:
                errors[field] = "Le mois est un nombre de 1 (janvier) à 12 (décembre)."
        if self.kind in MONTH_KINDS and self.month is None:
            errors["month"] = "Indiquez le mois où la tenir."
        if self.kind not in MONTH_KINDS and self.month is not None:
            errors["month"] = "Cette règle ne prend pas de mois : elle revient chaque mois ou chaque trimestre."
        if self.end_month is not None and self.kind != Kind.SURVEY:
            errors["end_month"] = "Seule l'enquête de satisfaction s'étend sur plusieurs mois."
        if (
            self.end_month is not None
            and self.month is not None
            and 1 <= self.month <= 12
            and self.end_month < self.month
        ):
            errors["end_month"] = "Le mois de fin vient après le mois de début (dans la même année)."
        if self.site_id is not None:
            if self.kind != Kind.INTERNAL_AUDIT:
                errors["site"] = "Seul un audit interne vise un site ; les autres règles valent pour la préfecture."
            elif self.prefecture_id is not None and self.site.prefecture_id != self.prefecture_id:
                errors["site"] = "Choisissez un site de la préfecture."
        if errors:
            raise ValidationError(errors)


def month_span(month, end_month=None):
    """« avril », « mai – juin », or ''."""
    if month is None or not 1 <= month <= 12:
        return ""
    if end_month and end_month != month and 1 <= end_month <= 12:
        return f"{MONTHS[month - 1]} – {MONTHS[end_month - 1]}"
    return MONTHS[month - 1]


class Status(models.TextChoices):
    """Derived, never stored: from the window, the fulfilment and the day (``PlannedItem.status_on``)."""

    UPCOMING = "upcoming", "À venir"
    CURRENT = "current", "En cours"
    DONE = "done", "Réalisé"
    LATE = "late", "En retard"


class PlannedItemQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts import access

        return access.scope_planned_items(self, user)

    # --- the documented read API (the yearly review reads these) -------------------------------------------------

    def for_year(self, prefecture, year):
        """The items of ``prefecture``'s programme of ``year`` (a Prefecture or its id)."""
        return self.filter(prefecture=prefecture, year=year)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def planned_count(self, kind=None):
        """How many items are planned (of ``kind``): « 12 COPIL prévus »."""
        return (self.of_kind(kind) if kind else self).count()

    def fulfilled(self, on=None):
        """Items done by ``on`` (today): linked to a record dated that day or before."""
        return self.filter(fulfilled_on__isnull=False, fulfilled_on__lte=on or timezone.localdate())

    def fulfilled_count(self, kind=None, on=None):
        """How many are done (of ``kind``): « 10 COPIL tenus »."""
        return (self.of_kind(kind) if kind else self).fulfilled(on).count()

    def kind_counts(self, on=None):
        """{kind: {"planned": n, "fulfilled": n, "late": n}} in one query: « 12 COPIL prévus, 10 tenus, 2 en retard »
        (kinds without items are absent)."""
        on = on or timezone.localdate()
        done = Q(fulfilled_on__isnull=False, fulfilled_on__lte=on)
        rows = (
            self.order_by()
            .values("kind")
            .annotate(
                planned=models.Count("pk"),
                fulfilled=models.Count("pk", filter=done),
                late=models.Count("pk", filter=~done & Q(ends_on__lt=on)),
            )
        )
        return {row["kind"]: {name: row[name] for name in ("planned", "fulfilled", "late")} for row in rows}

    def not_fulfilled(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gt=on))

    def late(self, on=None):
        """Items whose window has ended without a fulfilment (same rule as ``PlannedItem.status_on``)."""
        on = on or timezone.localdate()
        return self.not_fulfilled(on).filter(ends_on__lt=on)

    def with_status(self, on=None):
        """Annotate ``derived_status`` (Status values) for filters and orders; the Python rule is ``status_on``."""
        on = on or timezone.localdate()
        return self.annotate(
            derived_status=Case(
                When(fulfilled_on__isnull=False, fulfilled_on__lte=on, then=Value(Status.DONE.value)),
                When(ends_on__lt=on, then=Value(Status.LATE.value)),
                When(starts_on__lte=on, then=Value(Status.CURRENT.value)),
                default=Value(Status.UPCOMING.value),
                output_field=models.CharField(),
            )
        )

    def with_status_in(self, statuses, on=None):
        return self.with_status(on).filter(derived_status__in=statuses)

    def overlapping(self, first_day, last_day):
        """Items whose window meets ``first_day`` .. ``last_day``."""
        return self.filter(starts_on__lte=last_day, ends_on__gte=first_day)


class PlannedItem(TimeStampedModel):
    """An item of a prefecture's programme for a year: what is due, in which window, and what fulfilled it.

    ``slot`` names the item's place in the programme (« copil:2026-03 », « self_assessment:12:2026-Q2 »): a rebuild
    finds its items by it, keeps the fulfilled ones and those of past windows, and updates the others. Items with an
    empty slot are manual (a rebuild never touches them).
    """

    Kind = Kind
    Status = Status

    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="planned_items", verbose_name="préfecture"
    )
    site = optional_fk(Site, related_name="planned_items", verbose_name="site")
    year = models.PositiveSmallIntegerField("année du programme")
    kind = models.CharField("nature", max_length=30, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=200)
    starts_on = models.DateField("à réaliser à partir du")
    ends_on = models.DateField("à réaliser au plus tard le")
    slot = models.CharField("place dans le programme", max_length=80, blank=True)
    rule = optional_fk(ProgrammeRule, related_name="items", verbose_name="règle", on_delete=models.SET_NULL)
    fulfilment_type = optional_fk(ContentType, related_name="+", verbose_name="type de réalisation")
    fulfilment_id = models.PositiveBigIntegerField("identifiant de la réalisation", null=True, blank=True)
    fulfilment = GenericForeignKey("fulfilment_type", "fulfilment_id")
    fulfilled_on = models.DateField("réalisé le", null=True, blank=True)

    objects = PlannedItemQuerySet.as_manager()

    class Meta:
        verbose_name = "élément du programme"
        verbose_name_plural = "éléments du programme"
        ordering = ["prefecture", "starts_on", "ends_on", "kind", "pk"]
        indexes = [models.Index(fields=["prefecture", "year", "starts_on"], name="planned_item_year_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "year", "slot"], condition=~Q(slot=""), name="planned_item_one_per_slot"
            ),
            models.UniqueConstraint(
                fields=["fulfilment_type", "fulfilment_id"],
                condition=Q(fulfilment_id__isnull=False),
                name="planned_item_fulfilment_once",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="planned_item_window"),
            models.CheckConstraint(
                condition=Q(fulfilment_type__isnull=True, fulfilment_id__isnull=True, fulfilled_on__isnull=True)
                | Q(fulfilment_type__isnull=False, fulfilment_id__isnull=False, fulfilled_on__isnull=False),
                name="planned_item_fulfilment_complete",
            ),
        ]

    def __str__(self):
        return self.title

    def status_on(self, on=None):
        """Same rule as ``PlannedItemQuerySet.with_status``."""
        on = on or timezone.localdate()
        if self.fulfilled_on is not None and self.fulfilled_on <= on:
            return Status.DONE
        if self.ends_on < on:
            return Status.LATE
        if self.starts_on <= on:
            return Status.CURRENT
        return Status.UPCOMING

    @property
    def status(self):
        return Status(self.__dict__.get("derived_status") or self.status_on())

    def get_status_display(self):
        return self.status.label

    @property
    def is_late(self):
        return self.status == Status.LATE

    @property
    def is_manual(self):
        return not self.slot

    @property
    def display_day(self):
        """Where the month view puts the item: the day it was done, else the last day of its window."""
        return self.fulfilled_on or self.ends_on


def month_window(year, month, end_month=None):
    """(first day of ``month``, last day of ``end_month`` or ``month``) of ``year``."""
    end_month = end_month or month
    last = (datetime.date(year + end_month // 12, end_month % 12 + 1, 1)) - datetime.timedelta(days=1)
    return datetime.date(year, month, 1), last


class CalendarFeed(TimeStampedModel):
    """A user's private iCalendar address of the programme: the token is in the URL, only its SHA-256 is stored (the
    page shows the address once). Revoking deletes the row: the old address answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name="utilisateur"
    )
    token_hash = models.CharField("empreinte de la clé", max_length=64, unique=True)
    last_read_at = models.DateTimeField("dernière lecture", null=True, blank=True)

    class Meta:
        verbose_name = "agenda du programme (adresse privée)"
        verbose_name_plural = "agendas du programme (adresses privées)"

    def __str__(self):
        return f"Agenda du programme de {self.user}"
