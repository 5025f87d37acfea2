"""III – L'évaluation: the satisfaction surveys of the year per site (and per service where the rates are per
service) with the previous year's rates and the points forts and de vigilance of their results; the audit findings
per audit, site and category; complaints and suggestions per site with the share answered within 15 working days
(complaints.deadlines: ``answered_in_time`` is answered on or before the 15th working day); letters and e-mails
answered in time.

The queries do not depend on the year's volume: answers, findings, complaints and letters are counted by the
database (GROUP BY); a campaign costs a fixed number of queries (its sites, services, questions, grouped rates)."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from audits.models import Audit, Finding
from audits.services import summaries
from complaints.models import Complaint, Correspondence
from qualipref.lib.rates import percent
from sites.models import Site
from surveys.models import Campaign, Highlight
from surveys.results import comparison

# --- surveys --------------------------------------------------------------------------------------


@dataclass
class Rate:
    code: str
    label: str
    rate: float | None
    previous: float | None = None


@dataclass
class SurveyRow:
    site_id: int
    service_id: int | None
    label: str
    responses: int | None
    rates: list  # [Rate] in the questionnaire's order
    strengths: list = field(default_factory=list)
    vigilance: list = field(default_factory=list)


@dataclass
class Survey:
    title: str
    opens_on: object
    closes_on: object
    target_rate: int | None
    dimensions: list  # [(code, label)]
    rows: list  # [SurveyRow] with at least one rate


def _comparison_rows(campaign):
    sites = list(campaign.sites.order_by("name"))
    services = list(campaign.services.select_related("site").order_by("site__name", "name"))
    return comparison(campaign, sites, services=services)


def _surveys(prefecture, first, last):
    campaigns = list(
        Campaign.objects.filter(prefecture=prefecture, opens_on__range=(first, last))
        .select_related("questionnaire")
        .order_by("opens_on", "pk")
    )
    if not campaigns:
        return []
    previous_year = (first.replace(year=first.year - 1), last.replace(year=last.year - 1))
    previous = {}
    for campaign in (
        Campaign.objects.filter(prefecture=prefecture, opens_on__range=previous_year)
        .select_related("questionnaire")
        .order_by("opens_on", "pk")
    ):
        for row in _comparison_rows(campaign):  # the latest campaign of the year before wins
            rates = {item.code: item.rate for item in row.dimensions if item.rate is not None}
            if rates:
                previous[(row.site.pk, row.service.pk if row.service else None)] = rates
    highlights = {}
    for campaign_id, site_id, kind, text in (
        Highlight.objects.filter(campaign__in=campaigns, site__isnull=False)
        .order_by("position", "pk")
        .values_list("campaign_id", "site_id", "kind", "text")
    ):
        highlights.setdefault((campaign_id, site_id, kind), []).append(text)
    surveys = []
    for campaign in campaigns:
        rows = []
        for row in _comparison_rows(campaign):
            key = (row.site.pk, row.service.pk if row.service else None)
            before = previous.get(key, {})
            rates = [Rate(item.code, item.label, item.rate, before.get(item.code)) for item in row.dimensions]
            if all(rate.rate is None for rate in rates):
                continue
            survey_row = SurveyRow(
                site_id=row.site.pk,
                service_id=key[1],
                label=row.label,
                responses=row.responses,
                rates=rates,
            )
            if row.service is None:
                survey_row.strengths = highlights.get((campaign.pk, row.site.pk, Highlight.Kind.STRENGTH), [])
                survey_row.vigilance = highlights.get((campaign.pk, row.site.pk, Highlight.Kind.VIGILANCE), [])
            rows.append(survey_row)
        surveys.append(
            Survey(
                title=campaign.title,
                opens_on=campaign.opens_on,
                closes_on=campaign.closes_on,
                target_rate=campaign.target_rate,
                dimensions=[(rate.code, rate.label) for rate in rows[0].rates] if rows else [],
                rows=rows,
            )
        )
    return surveys


# --- audits ---------------------------------------------------------------------------------------

CATEGORIES = Finding.Category.choices


@dataclass
class PlaceRow:
    """A place of an audit as the documents count it (the prefecture's own sites together, each sous-préfecture
    apart: audits.services.summaries) with its counts in the order of CATEGORIES."""

    label: str
    counts: list
    line: str


@dataclass
class AuditFindings:
    kind: str
    body: str
    start_on: object
    end_on: object
    places: list  # [PlaceRow]
    totals: list


def _audit_findings(prefecture, first, last):
    """The audits that ended in the year (self-assessments aside: the programme's), their findings counted per
    place and category: three queries (audits, their sites, one GROUP BY over the findings)."""
    audits = list(
        Audit.objects.filter(prefecture=prefecture, end_on__range=(first, last))
        .exclude(kind=Audit.Kind.SELF_ASSESSMENT)
        .prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("kind", "name")))
        .order_by("start_on", "pk")
    )
    by_audit = {}
    for audit_id, site_id, category, number in (
        Finding.objects.filter(audit__in=audits)
        .order_by()
        .values_list("audit_id", "site_id", "category")
        .annotate(n=Count("pk"))
    ):
        by_audit.setdefault(audit_id, {}).setdefault(site_id, {})[category] = number
    result = []
    for audit in audits:
        counts = summaries.place_counts(prefecture.name, list(audit.sites.all()), by_audit.get(audit.pk, {}))
        result.append(
            AuditFindings(
                kind=audit.get_kind_display(),
                body=audit.body,
                start_on=audit.start_on,
                end_on=audit.end_on,
                places=[
                    PlaceRow(label=place.label, counts=[place.count(c) for c, _ in CATEGORIES], line=place.line)
                    for place in counts.places
                ],
                totals=[counts.total_of(c) for c, _ in CATEGORIES],
            )
        )
    return result


# --- complaints and correspondence ----------------------------------------------------------------


@dataclass
class ComplaintCounts:
    site: str
    total: int
    complaints: int
    suggestions: int
    answered: int
    in_time: int

    @property
    def in_time_share(self):
        """Percentage of the requests received answered within 15 working days (None without any)."""
        return percent(self.in_time, self.total)


@dataclass
class CorrespondenceCounts:
    kind: str
    total: int
    answered: int
    in_time: int

    @property
    def in_time_share(self):
        return percent(self.in_time, self.total)


def _sum_counts(rows, cls, **fixed):
    names = [name for name in cls.__dataclass_fields__ if name not in fixed]
    return cls(**fixed, **{name: sum(getattr(row, name) for row in rows) for name in names})


def _complaints(prefecture, first, last):
    rows = (
        Complaint.objects.filter(prefecture=prefecture, received_on__range=(first, last))
        .order_by("site__name")
        .values("site__name")
        .annotate(
            total=Count("pk"),
            complaints=Count("pk", filter=Q(kind=Complaint.Kind.COMPLAINT)),
            suggestions=Count("pk", filter=~Q(kind=Complaint.Kind.COMPLAINT)),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            in_time=Count("pk", filter=Q(answered_in_time=True)),
        )
    )
    return [
        ComplaintCounts(
            site=row["site__name"],
            total=row["total"],
            complaints=row["complaints"],
            suggestions=row["suggestions"],
            answered=row["answered"],
            in_time=row["in_time"],
        )
        for row in rows
    ]


def _correspondence(prefecture, first, last):
    labels = dict(Correspondence.Kind.choices)
    rows = (
        Correspondence.objects.filter(prefecture=prefecture, received_on__range=(first, last))
        .order_by("kind")
        .values("kind")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            in_time=Count("pk", filter=Q(answered_in_time=True)),
        )
    )
    by_kind = {row["kind"]: row for row in rows}
    return [
        CorrespondenceCounts(
            kind=label,
            total=by_kind[kind]["total"],
            answered=by_kind[kind]["answered"],
            in_time=by_kind[kind]["in_time"],
        )
        for kind, label in labels.items()
        if kind in by_kind
    ]


@dataclass
class Evaluation:
    surveys: list  # [Survey]
    audits: list  # [AuditFindings]
    complaints: list  # [ComplaintCounts] per site
    correspondence: list  # [CorrespondenceCounts] per kind
    categories: list = field(default_factory=lambda: list(CATEGORIES))

    @property
    def complaints_total(self):
        return _sum_counts(self.complaints, ComplaintCounts, site="Total")

    @property
    def correspondence_total(self):
        return _sum_counts(self.correspondence, CorrespondenceCounts, kind="Total")


def build(prefecture, first, last):
    return Evaluation(
        surveys=_surveys(prefecture, first, last),
        audits=_audit_findings(prefecture, first, last),
        complaints=_complaints(prefecture, first, last),
        correspondence=_correspondence(prefecture, first, last),
    )
