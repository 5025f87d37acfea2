"""What every dashboard shows besides the indicators: what is overdue, the label and the next audit, the latest
satisfaction survey. Each function is one or two queries; the ``*_by`` ones are grouped by the database."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from complaints.models import Complaint, Correspondence
from crisis import roster
from crisis.models import ACTIVATION_COMMITMENT_MINUTES, CrisisEvent, OnCallShift
from engagements.models import Action, Labelling, QualityDocument
from sites.models import Prefecture, Site


def audits_installed():
    return apps.is_installed("audits")


def _grouped(queryset, key):
    return dict(queryset.order_by().values(key).annotate(count=Count("pk")).values_list(key, "count"))


def overdue_by(key, *, today=None, **filters):
    """{prefecture or site id: {"complaints": n, "correspondence": n, "actions": n}}: three grouped queries."""
    today = today or timezone.localdate()
    result = {}
    for name, queryset in (
        ("complaints", Complaint.objects.overdue(today)),
        ("correspondence", Correspondence.objects.overdue(today)),
        ("actions", Action.objects.overdue(today)),
    ):
        for pk, count in _grouped(queryset.filter(**filters), key).items():
            result.setdefault(pk, {"complaints": 0, "correspondence": 0, "actions": 0})[name] = count
    return result


EMPTY_OVERDUE = {"complaints": 0, "correspondence": 0, "actions": 0}


def overdue_total(grouped):
    """What ``overdue_by`` grouped, added up: the whole of what it counted (its rows without a site included, under
    the key None), without counting again."""
    total = dict(EMPTY_OVERDUE)
    for counts in grouped.values():
        for name, count in counts.items():
            total[name] += count
    return total


def labellings_by_prefecture(**filters):
    """{prefecture id: its running labelling cycle} (one query)."""
    labellings = Labelling.objects.current().filter(**filters).select_related("referential")
    return {labelling.prefecture_id: labelling for labelling in labellings}


def next_audits_by_prefecture(*, today=None, **filters):
    """{prefecture id: its next planned audit} (one query; empty when the audits app is not installed)."""
    if not audits_installed():
        return {}
    from audits.models import Audit

    today = today or timezone.localdate()
    audits = (
        Audit.objects.filter(status=Audit.Status.PLANNED, start_on__gte=today, **filters)
        .order_by("prefecture_id", "start_on")
        .only("pk", "prefecture_id", "kind", "start_on", "end_on")
    )
    result = {}
    for audit in audits:
        result.setdefault(audit.prefecture_id, audit)
    return result


def open_nonconformities_by_prefecture(**filters):
    """{prefecture id: open non-conformities} (one query)."""
    if not audits_installed():
        return {}
    from audits.models import Finding

    return _grouped(Finding.objects.open_nonconformities().filter(**filters), "audit__prefecture_id")


def satisfaction(prefecture_id, site=None, *, today=None):
    """The latest survey campaign of the prefecture that has started (its results, of ``site`` when given)."""
    from surveys.models import Campaign
    from surveys.results import campaign_results

    today = today or timezone.localdate()
    campaign = (
        Campaign.objects.filter(prefecture_id=prefecture_id, opens_on__lte=today)
        .exclude(status=Campaign.Status.DRAFT)
        .select_related("questionnaire")  # its questions are read through it (surveys.results.dimensions_of)
        .order_by("-opens_on", "-pk")
        .first()
    )
    if campaign is None:
        return None
    return campaign_results(campaign, site=site, compare=False)


def subprefectures_by_labelling():
    """{labelled cycle's id: number of sous-préfectures in its perimeter} (one query, made whatever the count)."""
    through = Labelling.sites.through
    rows = through.objects.filter(
        labelling__status__in=(Labelling.Status.GRANTED, Labelling.Status.RENEWAL), site__kind=Site.Kind.SUBPREFECTURE
    )
    return _grouped(rows, "labelling_id")


def documents_to_review(prefecture_id, *, today=None):
    """{"due": documents of the prefecture's register to review soon or late, "late": those late}: one query,
    read from the index ``document_review_due_idx``."""
    today = today or timezone.localdate()
    documents = QualityDocument.objects.filter(prefecture_id=prefecture_id).due_for_review(today)
    return documents.aggregate(due=Count("pk"), late=Count("pk", filter=Q(review_due_on__lt=today)))


# --- crisis communication (module 7) -------------------------------------------------------------------------


@dataclass
class CrisisSummary:
    keeps_roster: bool  # the prefecture has at least one shift in Qualipref
    next_gap: object  # crisis.roster.Gap: the first hour no shift covers in the coming weeks, or None
    last_exercise: object  # its latest CrisisEvent of kind exercise, or None
    commitment: int = ACTIVATION_COMMITMENT_MINUTES


def _moment(today):
    """Now, or the start of ``today`` when a dashboard is built for another day."""
    now = timezone.now()
    return now if timezone.localdate(now) == today else roster.local_midnight(today)


def crisis_summary(prefecture_id, *, today=None):
    """The roster's next gap and the last exercise of a prefecture: three queries."""
    today = today or timezone.localdate()
    keeps_roster = OnCallShift.objects.filter(prefecture_id=prefecture_id).exists()
    next_gap = roster.next_gaps([prefecture_id], now=_moment(today))[prefecture_id] if keeps_roster else None
    last_exercise = (
        CrisisEvent.objects.filter(prefecture_id=prefecture_id, kind=CrisisEvent.Kind.EXERCISE)
        .order_by("-alert_received_at", "-pk")
        .first()
    )
    return CrisisSummary(keeps_roster=keeps_roster, next_gap=next_gap, last_exercise=last_exercise)


def crisis_commitment_counts():
    """{"met": prefectures whose last exercise activated the cell in less than an hour, "tested": prefectures with
    an exercise}: one aggregate query."""
    last_minutes = (
        CrisisEvent.objects.filter(prefecture_id=OuterRef("pk"), kind=CrisisEvent.Kind.EXERCISE)
        .order_by("-alert_received_at", "-pk")
        .values("activation_minutes")[:1]
    )
    return Prefecture.objects.annotate(last_minutes=Subquery(last_minutes)).aggregate(
        met=Count("pk", filter=Q(last_minutes__lt=ACTIVATION_COMMITMENT_MINUTES)),
        tested=Count("pk", filter=Q(last_minutes__isnull=False)),
    )
