"""Counts and comparisons of audits (read only): the figures of the audit page, the PDF report and the API.

Findings are counted per audited place, as the documents count them: the sites of the prefecture itself (Peytral
and Saint-Sébastien in Marseille) form one place named after the prefecture, each sous-préfecture is a place of its
own (« Sous-préfecture d'Arles : 20 points forts, 3 pistes de progrès, 2 points sensibles »); general findings
(without a site) form the last line.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count

from audits.models import Assessment, Audit, Finding
from sites.models import Site

Category = Finding.Category
Result = Assessment.Result
CATEGORIES = list(Category)
GENERAL = "Ensemble des sites audités"


def _plural(category, count):
    singular, plural = Finding.PLURALS[category]
    return f"{count} {plural if count > 1 else singular}"


def counts_sentence(counts, *, with_zeros=False):
    """« 20 points forts, 3 pistes de progrès, 2 points sensibles » (categories with no finding left out)."""
    parts = [
        _plural(category, counts.get(category, 0)) for category in CATEGORIES if with_zeros or counts.get(category)
    ]
    return ", ".join(parts) if parts else "aucun constat"


@dataclass
class PlaceCounts:
    label: str
    sites: list = field(default_factory=list)
    counts: dict = field(default_factory=lambda: dict.fromkeys(Category.values, 0))
    by_site: dict = field(default_factory=dict)  # site pk -> counts (places of several sites)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def sentence(self):
        return counts_sentence(self.counts)

    @property
    def parts(self):
        """[« 20 points forts », « 3 pistes de progrès »…]: the sentence's parts (kept whole on a printed line)."""
        return [_plural(c, self.counts[c]) for c in CATEGORIES if self.counts.get(c)] or ["aucun constat"]

    @property
    def line(self):
        """« Sous-préfecture d'Arles : 20 points forts, 3 pistes de progrès, 2 points sensibles »."""
        return f"{self.label} : {self.sentence}"

    def count(self, category):
        return self.counts.get(category, 0)

    @property
    def site_lines(self):
        """Each site of a place of several sites, with its own counts."""
        if len(self.sites) < 2:
            return []
        return [(site, counts_sentence(self.by_site.get(site.pk, {}))) for site in self.sites]


@dataclass
class AuditCounts:
    places: list
    totals: dict

    @property
    def total(self):
        return sum(self.totals.values())

    @property
    def sentence(self):
        return counts_sentence(self.totals)

    def total_of(self, category):
        return self.totals.get(category, 0)

    @property
    def nonconformities(self):
        return sum(self.totals.get(category, 0) for category in Finding.NONCONFORMITIES)


def _place_key(site, prefecture_name):
    if site is None:
        return (2, GENERAL)
    if site.kind == Site.Kind.PREFECTURE:
        return (0, prefecture_name)
    return (1, site.name)


def finding_counts(audit, *, sites=None):
    """Counts of the audit's findings per place and per category, in 2 queries (sites, one aggregate)."""
    sites = list(sites if sites is not None else audit.sites.order_by("kind", "name"))
    rows = Finding.objects.filter(audit=audit).order_by().values_list("site_id", "category").annotate(n=Count("pk"))
    by_site = {}
    for site_id, category, number in rows:
        by_site.setdefault(site_id, {})[category] = number
    return place_counts(audit.prefecture.name, sites, by_site)


def place_counts(prefecture_name, sites, by_site):
    """AuditCounts of an audit of ``prefecture_name`` from its ``sites`` and its findings counted per site
    (``by_site``: {site pk or None: {category: number}}), as ``finding_counts`` reads them (the yearly review counts
    the findings of every audit of a year in one query)."""
    site_map = {site.pk: site for site in sites}
    extra = set(by_site) - set(site_map) - {None}
    if extra:  # findings on sites that left the scope: still counted, under their own name
        site_map.update({site.pk: site for site in Site.objects.filter(pk__in=extra)})
    places = {}
    for site in sorted(site_map.values(), key=lambda s: _place_key(s, prefecture_name)):
        key = _place_key(site, prefecture_name)
        place = places.setdefault(key, PlaceCounts(label=key[1]))
        place.sites.append(site)
        counts = by_site.get(site.pk, {})
        place.by_site[site.pk] = counts
        for category, number in counts.items():
            place.counts[category] += number
    if None in by_site:
        place = places.setdefault((2, GENERAL), PlaceCounts(label=GENERAL))
        for category, number in by_site[None].items():
            place.counts[category] += number
    totals = dict.fromkeys(Category.values, 0)
    for counts in by_site.values():
        for category, number in counts.items():
            totals[category] += number
    return AuditCounts(places=[places[key] for key in sorted(places)], totals=totals)


def grid_by_module(grid):
    """{module: {result: number of cells}} of a built grid (audits.services.grid.build_grid)."""
    result = []
    for module_rows in grid.modules:
        counts = dict.fromkeys(Result.values, 0)
        for _, cells in module_rows.rows:
            for cell in cells:
                counts[cell.result] += 1
        result.append((module_rows.module, counts))
    return result


# --- comparing two audits of the same prefecture ------------------------------------------------------

# How good a result is, to tell an improvement from a regression (not assessed / not applicable: no rank).
RANK = {Result.MAJOR_NONCONFORMITY: 0, Result.MINOR_NONCONFORMITY: 1, Result.COMPLIANT: 2}


@dataclass
class EngagementComparison:
    code: str
    title: str
    module: str
    before: dict  # site name -> result
    after: dict
    verdict: str  # "improved", "regressed", "mixed", "same", "new", "dropped"

    VERDICTS = {
        "improved": "Amélioré",
        "regressed": "En recul",
        "mixed": "Contrasté",
        "same": "Inchangé",
        "new": "Évalué seulement dans le second audit",
        "dropped": "Évalué seulement dans le premier audit",
    }

    @property
    def verdict_label(self):
        return self.VERDICTS[self.verdict]


@dataclass
class Comparison:
    first: Audit
    second: Audit
    sites: list
    engagements: list
    first_counts: AuditCounts
    second_counts: AuditCounts

    def count(self, verdict):
        return sum(1 for row in self.engagements if row.verdict == verdict)

    @property
    def improved(self):
        return [row for row in self.engagements if row.verdict == "improved"]

    @property
    def regressed(self):
        return [row for row in self.engagements if row.verdict == "regressed"]

    @property
    def category_rows(self):
        return [
            (category, self.first_counts.total_of(category), self.second_counts.total_of(category))
            for category in CATEGORIES
        ]


def _cells_by_code(audit):
    cells = {}
    for code, title, module, site_name, result in audit.assessments.values_list(
        "engagement__code", "engagement__title", "engagement__module__title", "site__name", "result"
    ):
        cells.setdefault(code, {"title": title, "module": module, "sites": {}})["sites"][site_name] = result
    return cells


def _verdict(before, after):
    ups = downs = common = 0
    for site, result in after.items():
        old = before.get(site)
        if old is None or RANK.get(old) is None or RANK.get(result) is None:
            continue
        common += 1
        if RANK[result] > RANK[old]:
            ups += 1
        elif RANK[result] < RANK[old]:
            downs += 1
    ranked_before = any(RANK.get(result) is not None for result in before.values())
    ranked_after = any(RANK.get(result) is not None for result in after.values())
    if not common:
        if ranked_after and not ranked_before:
            return "new"
        if ranked_before and not ranked_after:
            return "dropped"
        return "same"
    if ups and downs:
        return "mixed"
    if ups:
        return "improved"
    if downs:
        return "regressed"
    return "same"


def compare(first, second):
    """Compare two audits of the same prefecture, engagement by engagement (matched by their stable code, so that
    audits of two versions of a référentiel compare) and site by site (matched by name); the earlier comes first."""
    if first.prefecture_id != second.prefecture_id:
        raise ValidationError("On ne compare que deux audits de la même préfecture.")
    if first.pk == second.pk:
        raise ValidationError("Choisissez deux audits différents.")
    if (second.start_on, second.pk) < (first.start_on, first.pk):
        first, second = second, first
    before, after = _cells_by_code(first), _cells_by_code(second)
    rows = []
    for code in sorted(set(before) | set(after)):
        info = after.get(code) or before.get(code)
        old = before.get(code, {}).get("sites", {})
        new = after.get(code, {}).get("sites", {})
        rows.append(
            EngagementComparison(
                code=code,
                title=info["title"],
                module=info["module"],
                before=old,
                after=new,
                verdict=_verdict(old, new),
            )
        )
    site_names = sorted({name for row in rows for name in (*row.before, *row.after)})
    return Comparison(
        first=first,
        second=second,
        sites=site_names,
        engagements=rows,
        first_counts=finding_counts(first),
        second_counts=finding_counts(second),
    )
