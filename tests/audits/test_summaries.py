"""Counts per site as the documents give them, and the comparison of two audits."""

import pytest

from audits.services import summaries
from sites.models import Site
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_sites_of_the_prefecture_count_as_one_place_named_after_it(world):
    peytral = factories.SiteFactory(prefecture=world.prefecture, name="Marseille – Peytral", kind=Site.Kind.PREFECTURE)
    saint_sebastien = factories.SiteFactory(
        prefecture=world.prefecture, name="Marseille – Saint-Sébastien", kind=Site.Kind.PREFECTURE
    )
    cycle = factories.LabellingFactory(
        prefecture=world.prefecture, sites=[peytral, saint_sebastien, world.site], audited=True
    )
    audit = factories.AuditFactory(labelling=cycle)
    for site, category, number in (
        (peytral, "strength", 11),
        (saint_sebastien, "strength", 9),
        (peytral, "improvement", 6),
        (saint_sebastien, "sensitive_point", 3),
        (world.site, "strength", 20),
    ):
        factories.FindingFactory.create_batch(number, audit=audit, site=site, category=category)
    factories.FindingFactory(audit=audit, site=None, category="sensitive_point")
    counts = summaries.finding_counts(audit)
    assert [place.line for place in counts.places] == [
        "Préfecture des Bouches-du-Rhône : 20 points forts, 6 pistes de progrès, 3 points sensibles",
        "Sous-préfecture d'Arles : 20 points forts",
        "Ensemble des sites audités : 1 point sensible",
    ]
    assert counts.places[0].site_lines == [
        (peytral, "11 points forts, 6 pistes de progrès"),
        (saint_sebastien, "9 points forts, 3 points sensibles"),
    ]
    assert counts.total == 50 and counts.nonconformities == 0


def test_two_audits_compare_engagement_by_engagement(world, cycle):
    internal = factories.AuditFactory(labelling=cycle, internal=True)
    labelling = factories.AuditFactory(labelling=cycle)
    cells = [
        ("QP2-M1-E01", "minor_nonconformity", "compliant"),  # improved
        ("QP2-M1-E02", "compliant", "major_nonconformity"),  # regressed
        ("QP2-M1-E03", "compliant", "compliant"),  # same
    ]
    from engagements.models import Engagement

    for code, before, after in cells:
        engagement = Engagement.objects.get(referential=cycle.referential, code=code)
        factories.AssessmentFactory(audit=internal, engagement=engagement, site=world.site, result=before)
        factories.AssessmentFactory(audit=labelling, engagement=engagement, site=world.site, result=after)
    factories.FindingFactory.create_batch(4, audit=internal, site=world.site, minor=True)
    comparison = summaries.compare(labelling, internal)  # the earlier audit comes first, whatever the order
    assert comparison.first == internal
    assert {row.code: row.verdict for row in comparison.engagements} == {
        "QP2-M1-E01": "improved",
        "QP2-M1-E02": "regressed",
        "QP2-M1-E03": "same",
    }
    rows = {category.value: (first, second) for category, first, second in comparison.category_rows}
    assert rows["minor_nonconformity"] == (4, 0)


def test_audits_of_two_prefectures_do_not_compare(world, cycle, foreign_audit):
    audit = factories.AuditFactory(labelling=cycle)
    with pytest.raises(Exception, match="même préfecture"):
        summaries.compare(audit, foreign_audit)
