"""Results of a campaign, counted in the database.

The satisfaction rate of a dimension (question code) is the share of answers 3 (plutôt satisfait) and
4 (très satisfait) among the answers that give an opinion: « sans avis » and unanswered questions are left out.
A closed question (``Question.Kind.YES_NO``) stores « Oui » as 4 and « Non » as 1: the same count is its share of
« Oui ».
Every count is one ``GROUP BY`` over ``Answer`` with conditional ``COUNT``s (never a Python loop over answers):
a campaign of 100,000 responses is counted in well under a second on PostgreSQL (bench/survey_results.py).

Each rate carries its 95 % Wilson score interval; a sample whose interval is wider than
``SMALL_SAMPLE_WIDTH`` points is flagged « échantillon réduit ». Past campaigns known only by their rates
(``Campaign.Kind.AGGREGATED``) read their ``AggregatedResult`` rows instead, with an interval when the number of
answers is known.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from qualipref.lib.rates import percent
from surveys.models import AggregatedResult, Answer, Campaign, CampaignSite, Question, Response
from surveys.models.questionnaires import RATED_KINDS, SCALE, YES_NO

Z_95 = 1.959963984540054
# An interval wider than this (in points, upper minus lower bound) flags the sample as too small to conclude.
SMALL_SAMPLE_WIDTH = 20
DEFINITION = (
    "Taux de satisfaction : part des réponses « plutôt satisfait » (3) et « très satisfait » (4) parmi les réponses "
    "exprimées (de 1 à 4) ; pour une question fermée, part des « Oui » parmi les « Oui » et les « Non ». "
    "Les réponses « sans avis » et les questions sans réponse ne sont pas comptées. "
    "L’intervalle de confiance à 95 % (méthode de Wilson) indique la précision du taux : "
    f"s’il est plus large que {SMALL_SAMPLE_WIDTH} points, l’échantillon est signalé comme réduit."
)


def wilson_interval(successes, total, z=Z_95):
    """The Wilson score interval of ``successes / total``, in percent (None, None without answers)."""
    if not total:
        return None, None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return round(max(0.0, centre - half) * 100, 1), round(min(1.0, centre + half) * 100, 1)


@dataclass
class DimensionResult:
    code: str
    label: str
    target: int
    rate: float | None = None
    answers: int | None = None  # expressed answers (1 to 4); None: unknown (aggregated result without a count)
    satisfied: int | None = None
    no_opinion: int | None = None
    distribution: dict = field(default_factory=dict)  # value -> count
    low: float | None = None
    high: float | None = None
    previous_rate: float | None = None
    kind: str = Question.Kind.SCALE

    @property
    def is_yes_no(self):
        return self.kind == Question.Kind.YES_NO

    @property
    def yes(self):
        """« Oui » answers of a closed question (None for a scale, or when the count is unknown)."""
        return self.satisfied if self.is_yes_no else None

    @property
    def no(self):
        if not self.is_yes_no or self.answers is None or self.satisfied is None:
            return None
        return self.answers - self.satisfied

    @property
    def has_rate(self):
        return self.rate is not None

    @property
    def below_target(self):
        return self.rate is not None and self.rate < self.target

    @property
    def small_sample(self):
        """True when the interval is too wide to conclude; None when the number of answers is unknown."""
        if self.rate is None or self.answers is None:
            return None
        return self.low is None or (self.high - self.low) > SMALL_SAMPLE_WIDTH

    @property
    def delta(self):
        if self.rate is None or self.previous_rate is None:
            return None
        return round(self.rate - self.previous_rate, 1)


@dataclass
class Results:
    campaign: Campaign
    site: object = None
    service: object = None
    responses: int | None = None
    dimensions: list = field(default_factory=list)
    previous: Campaign | None = None

    @property
    def by_code(self):
        return {dimension.code: dimension for dimension in self.dimensions}

    @property
    def below_target(self):
        return [dimension for dimension in self.dimensions if dimension.below_target]

    @property
    def has_rates(self):
        return any(dimension.has_rate for dimension in self.dimensions)

    def as_api(self):
        return {
            "responses": self.responses,
            "dimensions": [
                {
                    "code": d.code,
                    "label": d.label,
                    "rate": d.rate,
                    "answers": d.answers,
                    "satisfied": d.satisfied,
                    "no_opinion": d.no_opinion,
                    "interval": [d.low, d.high] if d.low is not None else None,
                    "small_sample": d.small_sample,
                    "target": d.target,
                    "below_target": d.below_target,
                    "previous_rate": d.previous_rate,
                    "kind": d.kind,
                    "yes": d.yes,
                    "no": d.no,
                }
                for d in self.dimensions
            ],
        }


def _load_questions(campaign):
    """Reads the campaign's rated questions once (one query): their (code, label) in order and the closed ones'
    codes. The local questions of a prefecture's version are not dimensions: the national comparison stays on the
    national codes (``local_questions_of``, ``local_results``)."""
    if getattr(campaign, "_dimensions", None) is None:
        rows = list(
            campaign.questionnaire.questions.filter(kind__in=RATED_KINDS, is_local=False)
            .order_by("position")
            .values_list("code", "label", "kind")
        )
        campaign._dimensions = [(code, label) for code, label, _kind in rows]
        campaign._yes_no_codes = {code for code, _label, kind in rows if kind == Question.Kind.YES_NO}


def local_questions_of(campaign):
    """The local questions of the campaign's version (added by the prefecture), in their order, with their
    ``options`` prefetched (two queries, kept on the campaign)."""
    if getattr(campaign, "_local_questions", None) is None:
        campaign._local_questions = list(
            campaign.questionnaire.questions.filter(is_local=True).order_by("position").prefetch_related("options")
        )
    return campaign._local_questions


@dataclass
class Share:
    code: str
    label: str
    count: int
    percent: int | None


@dataclass
class LocalResult:
    """A local question's statistics: the number of responses that answered it and the share of each option
    (choices: of the options; yes/no: « Oui » / « Non »; scale: 4 to 1), and, for a free text, its texts."""

    question: object
    answered: int
    shares: list
    texts: list = field(default_factory=list)

    @property
    def code(self):
        return self.question.code

    @property
    def label(self):
        return self.question.label

    @property
    def kind(self):
        return self.question.kind


def _options_of(question):
    if question.kind == Question.Kind.YES_NO:
        return [(str(value), label) for value, label in YES_NO]
    if question.kind == Question.Kind.SCALE:
        return [(str(value), label) for value, label in reversed(SCALE)]
    return [(option.code, option.label) for option in question.options.all()]


def local_results(campaign, *, site=None, service=None, approved_only=False, texts_limit=None):
    """The statistics of the campaign's local questions: two queries (answers grouped by question, value and
    option; answering responses per question) and one for the free texts (``approved_only``: the public's, the
    moderated ones only; otherwise every text with its moderation status; ``texts_limit``: the latest ones only, so
    many per question, numbered in the database)."""
    questions = local_questions_of(campaign)
    if not questions:
        return []
    answers = Answer.objects.filter(campaign=campaign, question_code__in=[q.code for q in questions])
    if site is not None:
        answers = answers.filter(site=site)
    if service is not None:
        answers = answers.filter(service=service)
    counts = {
        (row["question_code"], row["option"] or str(row["value"])): row["count"]
        for row in answers.exclude(text__gt="")
        .order_by()
        .values("question_code", "value", "option")
        .annotate(count=Count("pk"))
    }
    answered = dict(
        answers.order_by()
        .values("question_code")
        .annotate(count=Count("response_id", distinct=True))
        .values_list("question_code", "count")
    )
    free = [q.code for q in questions if q.kind == Question.Kind.FREE_TEXT]
    texts = {}
    if free:
        rows = answers.filter(question_code__in=free, text__gt="")
        if approved_only:
            rows = rows.filter(text_status=Response.CommentStatus.APPROVED)
        if texts_limit is not None:
            newest = [F("response__created_at").desc(), F("pk").desc()]
            rows = rows.annotate(rank=Window(RowNumber(), partition_by=[F("question_code")], order_by=newest)).filter(
                rank__lte=texts_limit
            )
        for row in rows.order_by("-response__created_at", "-pk").values(
            "pk", "question_code", "text", "text_status", "response_id"
        ):
            texts.setdefault(row["question_code"], []).append(row)
    results = []
    for question in questions:
        total = answered.get(question.code, 0)
        shares = []
        if question.kind != Question.Kind.FREE_TEXT:
            for code, label in _options_of(question):
                count = counts.get((question.code, code), 0)
                shares.append(Share(code, label, count, round(100 * count / total) if total else None))
        results.append(LocalResult(question, total, shares, texts.get(question.code, [])))
    return results


def dimensions_of(campaign):
    """(code, label) of the campaign's questions, in their order (one query, kept on the campaign)."""
    _load_questions(campaign)
    return campaign._dimensions


def yes_no_codes(campaign):
    """The codes of the campaign's closed questions (« Oui » / « Non »), read with ``dimensions_of``."""
    _load_questions(campaign)
    return campaign._yes_no_codes


def _with_kinds(campaign, items):
    closed = yes_no_codes(campaign)
    for item in items:
        if item.code in closed:
            item.kind = Question.Kind.YES_NO
    return items


def _dimension_from_counts(code, label, target, row):
    answers = row["answers"] if row else 0
    satisfied = row["satisfied"] if row else 0
    low, high = wilson_interval(satisfied, answers)
    return DimensionResult(
        code=code,
        label=label,
        target=target,
        rate=percent(satisfied, answers),
        answers=answers,
        satisfied=satisfied,
        no_opinion=row["no_opinion"] if row else 0,
        distribution={value: row[f"v{value}"] if row else 0 for value in (1, 2, 3, 4)},
        low=low,
        high=high,
    )


def _dimension_from_aggregate(code, label, target, row):
    if row is None:
        return DimensionResult(code=code, label=label, target=target)
    rate = float(row["rate"]) if isinstance(row["rate"], Decimal) else row["rate"]
    answers = row["answers"]
    low = high = satisfied = None
    if answers:
        satisfied = round(answers * rate / 100)
        low, high = wilson_interval(satisfied, answers)
    return DimensionResult(
        code=code, label=label, target=target, rate=rate, answers=answers, satisfied=satisfied, low=low, high=high
    )


COUNTS = {
    "answers": Count("pk", filter=Q(value__isnull=False)),
    "satisfied": Count("pk", filter=Q(value__gte=3)),
    "no_opinion": Count("pk", filter=Q(value__isnull=True)),
    **{f"v{value}": Count("pk", filter=Q(value=value)) for value in (1, 2, 3, 4)},
}


def answer_counts(campaign, *, site=None, service=None, by=()):
    """One query: {(group values..., question_code): counts} for the campaign (optionally one site / service),
    grouped by ``by`` (``"site_id"``, ``"service_id"``)."""
    answers = Answer.objects.filter(campaign=campaign)
    if site is not None:
        answers = answers.filter(site=site)
    if service is not None:
        answers = answers.filter(service=service)
    rows = answers.order_by().values(*by, "question_code").annotate(**COUNTS)
    return {(*(row[name] for name in by), row["question_code"]): row for row in rows}


def response_counts(campaign, *, site=None, service=None, by=()):
    """One query: {(group values...): number of responses}."""
    responses = Response.objects.filter(campaign=campaign)
    if site is not None:
        responses = responses.filter(site=site)
    if service is not None:
        responses = responses.filter(service=service)
    if not by:
        return {(): responses.count()}
    rows = responses.order_by().values(*by).annotate(count=Count("pk"))
    return {tuple(row[name] for name in by): row["count"] for row in rows}


def _aggregated_rows(campaign, *, site=None, service=None, by=()):
    rows = AggregatedResult.objects.filter(campaign=campaign)
    if site is not None:
        rows = rows.filter(site=site)
    if "service_id" in by:
        rows = rows.filter(service__isnull=False)
    else:
        rows = rows.filter(service=service) if service is not None else rows.filter(service__isnull=True)
    return {
        (*(row[name] for name in by), row["question_code"]): row
        for row in rows.values(*by, "question_code", "rate", "answers")
    }


def _campaign_wide_aggregate(campaign):
    """Rates of the whole campaign from its sites' aggregated rows, weighted by their answers when every row
    knows its number of answers (otherwise no campaign-wide rate)."""
    rows = AggregatedResult.objects.filter(campaign=campaign, service__isnull=True).values(
        "question_code", "rate", "answers"
    )
    grouped = {}
    for row in rows:  # at most sites x questions rows, not answers
        grouped.setdefault(row["question_code"], []).append(row)
    result = {}
    for code, items in grouped.items():
        if all(item["answers"] for item in items):
            total = sum(item["answers"] for item in items)
            rate = sum(float(item["rate"]) * item["answers"] for item in items) / total
            result[(code,)] = {"rate": round(rate, 1), "answers": total}
    return result


def site_has_results(campaign, site):
    """Whether the site has anything to show: answers, or aggregated rates of its own or of its services."""
    if campaign.is_aggregated:
        return AggregatedResult.objects.filter(campaign=campaign, site=site).exists()
    return Answer.objects.filter(campaign=campaign, site=site, value__isnull=False).exists()


def previous_campaign(campaign, *, site=None, published_only=False):
    """The most recent earlier campaign of the same prefecture and questionnaire code (covering ``site``)."""
    campaigns = Campaign.objects.filter(
        prefecture_id=campaign.prefecture_id,
        questionnaire__code=campaign.questionnaire.code,
        opens_on__lt=campaign.opens_on,
    )
    if site is not None:
        covering = CampaignSite.objects.filter(site=site)
        if published_only:
            covering = covering.filter(published_at__isnull=False)
        campaigns = campaigns.filter(pk__in=covering.values("campaign_id"))
    return campaigns.select_related("questionnaire").order_by("-opens_on", "-pk").first()


def campaign_results(campaign, *, site=None, service=None, compare=True, published_only=False):
    """Results of the campaign, or of one of its sites or services, with the rates of the previous campaign."""
    target = campaign.target_rate
    dimensions = dimensions_of(campaign)
    if campaign.is_aggregated:
        if site is None and service is None:
            rows = _campaign_wide_aggregate(campaign)
        else:
            rows = {(key[-1],): row for key, row in _aggregated_rows(campaign, site=site, service=service).items()}
        items = [_dimension_from_aggregate(code, label, target, rows.get((code,))) for code, label in dimensions]
        _with_kinds(campaign, items)
        known = [row["answers"] for row in rows.values() if row.get("answers")]
        responses = None
        if known and len(known) == len(rows):
            responses = max(known)
    else:
        counts = answer_counts(campaign, site=site, service=service)
        items = [_dimension_from_counts(code, label, target, counts.get((code,))) for code, label in dimensions]
        _with_kinds(campaign, items)
        responses = response_counts(campaign, site=site, service=service)[()]
    results = Results(campaign=campaign, site=site, service=service, responses=responses, dimensions=items)
    if compare:
        previous = previous_campaign(campaign, site=site, published_only=published_only)
        if previous is not None:
            results.previous = previous
            before = campaign_results(previous, site=site, service=service, compare=False).by_code
            for item in items:
                if item.code in before:
                    item.previous_rate = before[item.code].rate
    return results


@dataclass
class ComparisonRow:
    label: str
    site: object
    service: object
    responses: int | None
    dimensions: list


def comparison(campaign, sites, *, services=None):
    """Rates of every site (and, with ``services``, of every service) of the campaign, side by side: two queries
    (answers and responses grouped by site and service) whatever the number of sites."""
    target = campaign.target_rate
    dimensions = dimensions_of(campaign)
    by_site = _grouped(campaign, ("site_id",))
    rows = []
    for site in sites:
        counts, responses = by_site
        rows.append(
            ComparisonRow(
                label=site.name,
                site=site,
                service=None,
                responses=responses.get((site.pk,)),
                dimensions=_with_kinds(
                    campaign,
                    [_build(campaign, code, label, target, counts.get((site.pk, code))) for code, label in dimensions],
                ),
            )
        )
    if services:
        counts, responses = _grouped(campaign, ("site_id", "service_id"))
        for service in services:
            key = (service.site_id, service.pk)
            rows.append(
                ComparisonRow(
                    label=f"{service.site.name} – {service.name}",
                    site=service.site,
                    service=service,
                    responses=responses.get(key),
                    dimensions=_with_kinds(
                        campaign,
                        [_build(campaign, code, label, target, counts.get((*key, code))) for code, label in dimensions],
                    ),
                )
            )
    return rows


def _grouped(campaign, by):
    if campaign.is_aggregated:
        return _aggregated_rows(campaign, by=by), {}
    return answer_counts(campaign, by=by), response_counts(campaign, by=by)


def _build(campaign, code, label, target, row):
    if campaign.is_aggregated:
        return _dimension_from_aggregate(code, label, target, row)
    return _dimension_from_counts(code, label, target, row)


def propose_highlights(results, *, limit=3):
    """Points forts (best dimensions at or above target) and points de vigilance (worst below target), as
    (kind, question_code, text) tuples, from the rates of ``results``."""
    rated = [dimension for dimension in results.dimensions if dimension.has_rate]
    strengths = sorted((d for d in rated if not d.below_target), key=lambda d: (-d.rate, d.code))[:limit]
    vigilance = sorted((d for d in rated if d.below_target), key=lambda d: (d.rate, d.code))[:limit]
    proposals = []
    for dimension in strengths:
        proposals.append(
            (
                "strength",
                dimension.code,
                f"{dimension.label} : {_percent(dimension.rate)} {_of_whom(dimension)} "
                f"(objectif {dimension.target} %).",
            )
        )
    for dimension in vigilance:
        proposals.append(
            (
                "vigilance",
                dimension.code,
                f"{dimension.label} : {_percent(dimension.rate)} {_of_whom(dimension)}, sous l’objectif de "
                f"{dimension.target} %.",
            )
        )
    return proposals


def _of_whom(dimension):
    return "de « Oui »" if dimension.is_yes_no else "de satisfaits"


def _percent(rate):
    text = f"{rate:.1f}".replace(".", ",")
    return f"{text.removesuffix(',0')} %"
