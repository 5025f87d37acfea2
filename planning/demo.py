"""Demo data: the quality programmes of the demo prefectures (run after the meetings, audits and surveys).

The Bouches-du-Rhône plans as its 2015 review says (« COPILS mensuels ; auto-évaluations trimestrielles ; avril :
comité local des usagers ; mai-juin : enquêtes de satisfaction ») plus its internal audits in June; the Val-de-Marne a
monthly COPIL, a CLU in April and a survey in May – June. Their programmes are built for this year (and next year
from October), and the Bouches-du-Rhône's for 2015 too (the year of the review: the demo's COPILs, CLU, internal
audits and survey fulfil it). This year in the Bouches-du-Rhône, the COPILs of the past months are held but two
(late), the CLU in April, and the previous quarter's self-assessment of Istres is started: dates relative to the day
the demo is loaded.
Idempotent: rules, meetings and self-assessments are found by their natural keys; the build keeps what exists.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audits.models import QuarterlySelfAssessment
from engagements.models import Meeting
from sites.models import Prefecture, Site

from . import services
from .models import ProgrammeRule

RULES = {
    "13": [
        {"kind": "copil", "first_year": 2015},
        # « auto-évaluations trimestrielles » come with the 2016 programme of the 2015 review
        {"kind": "self_assessment", "first_year": 2016},
        {"kind": "clu", "month": 4, "first_year": 2015},
        {"kind": "survey", "month": 5, "end_month": 6, "first_year": 2015},
        {
            "kind": "internal_audit",
            "month": 6,
            "note": "Audits internes croisés des sites labellisés",
            "first_year": 2015,
        },
    ],
    "94": [
        {"kind": "copil"},
        {"kind": "clu", "month": 4},
        {"kind": "survey", "month": 5, "end_month": 6},
    ],
}
COPIL_MINUTES = "Revue mensuelle des indicateurs d'accueil, des réclamations et du plan d'action."
# This year's COPILs left unheld, as months before the current one: the calendar shows them late.
MISSED_MONTHS_AGO = (2, 5)


def _rules(prefecture, rules):
    for fields in rules:
        ProgrammeRule.objects.get_or_create(
            prefecture=prefecture,
            kind=fields["kind"],
            month=fields.get("month"),
            site=None,
            defaults={
                "end_month": fields.get("end_month"),
                "note": fields.get("note", ""),
                "first_year": fields.get("first_year"),
            },
        )


def _meetings_this_year(prefecture, today):
    """The COPILs of the past months but two, and the CLU of April once April is over."""
    if today.month > 4:
        Meeting.objects.get_or_create(
            prefecture=prefecture,
            kind=Meeting.Kind.CLU,
            held_on=datetime.date(today.year, 4, 14),
            defaults={"minutes": "Bilan qualité de l'année écoulée présenté aux représentants des usagers."},
        )
    for month in range(1, today.month):
        if today.month - month in MISSED_MONTHS_AGO:
            continue
        Meeting.objects.get_or_create(
            prefecture=prefecture,
            kind=Meeting.Kind.COPIL,
            held_on=datetime.date(today.year, month, 10),
            defaults={"minutes": COPIL_MINUTES},
        )


def _previous_quarter_self_assessment(today):
    """Istres' self-assessment of the previous quarter, started by the quality manager (not Arles': the browser
    test starts the current quarter's there)."""
    from audits.services import self_assessments

    istres = Site.objects.filter(prefecture__department_id="13", name="Sous-préfecture d'Istres").first()
    quality = User.objects.filter(username="qualite13").first()
    if istres is None or quality is None:
        return
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    if QuarterlySelfAssessment.objects.filter(site=istres, year=year, quarter=quarter).exists():
        return
    try:
        self_assessments.self_assessment_start(by=quality, site=istres, year=year, quarter=quarter, on=today)
    except ValidationError:  # no running cycle on Istres (a partial demo): the quarter stays late
        return


@transaction.atomic
def load():
    today = timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    for code, rules in RULES.items():
        prefecture = Prefecture.objects.filter(department_id=code).first()
        if prefecture is None:
            continue
        _rules(prefecture, rules)
        if code == "13":
            _meetings_this_year(prefecture, today)
            _previous_quarter_self_assessment(today)
        # The Bouches-du-Rhône's 2015 too: the year of its review, fulfilled by the demo's 2015 meetings and audits.
        for year in ([2015] if code == "13" else []) + years:
            services.programme_build(prefecture=prefecture, year=year, today=today)
