"""Benchmark: results of a campaign of 100,000 responses (700,000 answers), counted in the database.

    DATABASE_URL=postgres://... .venv/bin/python bench/survey_results.py [--responses 100000] [--repeat 5]

Builds a throwaway database (``bench_<name>``, destroyed at the end), fills one campaign of 5 sites with
``--responses`` responses answering the 7 questions of the users' questionnaire, then times, best of ``--repeat``
warm runs:
- the baseline: a plain ``COUNT(*)`` of the campaign's answers (the least the database must read);
- ``campaign_results``: responses and the 7 rates of the whole campaign (two queries);
- ``comparison``: the 7 rates of each of the 5 sites (two queries).
Prints each time and its ratio to the baseline; exits 1 when the campaign's results take a second or more.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

LIMIT_SECONDS = 1.0
CODES = ["phone", "accessibility", "conditions", "opening_hours", "signage", "courtesy", "waiting_time"]


def _best(function, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def _fill(responses):
    from django.utils import timezone

    from sites.models import Department, Prefecture, Site
    from surveys.models import Campaign, CampaignSite, Response
    from surveys.questionnaires import default_questionnaire

    department = Department.objects.get(code="13")
    prefecture = Prefecture.objects.create(department=department, name="Préfecture des Bouches-du-Rhône")
    sites = [Site.objects.create(prefecture=prefecture, name=f"Site {n}") for n in range(5)]
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        prefecture=prefecture,
        questionnaire=default_questionnaire(),
        title="Campagne de mesure",
        opens_on=today,
        closes_on=today,
        channels=["web"],
        status="open",
    )
    CampaignSite.objects.bulk_create(CampaignSite(campaign=campaign, site=site) for site in sites)
    batch = 10_000
    for first in range(0, responses, batch):
        Response.objects.bulk_create(
            Response(
                campaign=campaign,
                prefecture=prefecture,
                site=sites[n % len(sites)],
                channel="web",
                answered_on=today,
            )
            for n in range(first, min(responses, first + batch))
        )
    questions = " UNION ALL ".join(f"SELECT '{code}' AS code, {n} AS n" for n, code in enumerate(CODES, start=1))
    with connection.cursor() as cursor:
        # One answer per question of each response: NULL (sans avis) one time in five, else 1 to 4, satisfied
        # (3 or 4) more often for the later questions (about 47 % to 89 %).
        cursor.execute(
            "INSERT INTO surveys_answer (response_id, campaign_id, site_id, service_id, question_code, value, option, "
            "text, text_status) "
            "SELECT r.id, r.campaign_id, r.site_id, r.service_id, q.code, "
            "CASE WHEN (r.id * 7 + q.n * 13) %% 5 = 0 THEN NULL "
            "WHEN (r.id * 31 + q.n) %% 100 < 40 + 7 * q.n THEN 3 + r.id %% 2 ELSE 1 + r.id %% 2 END, '', '', 'none' "
            f"FROM surveys_response r CROSS JOIN ({questions}) q WHERE r.campaign_id = %s",
            [campaign.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE surveys_answer")
            cursor.execute("VACUUM ANALYZE surveys_response")
    return campaign, sites


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"bench_{Path(str(name)).stem}" if connection.vendor == "postgresql" else ""
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from surveys import results
        from surveys.models import Answer

        start = time.perf_counter()
        campaign, sites = _fill(args.responses)
        answers = Answer.objects.filter(campaign=campaign).count()
        print(
            f"{connection.vendor} : {args.responses} réponses, {answers} réponses aux questions "
            f"(jeu créé en {time.perf_counter() - start:.1f} s)"
        )
        results.dimensions_of(campaign)
        baseline, counted = _best(lambda: Answer.objects.filter(campaign=campaign).count(), args.repeat)
        whole, outcome = _best(lambda: results.campaign_results(campaign, compare=False), args.repeat)
        by_site, rows = _best(lambda: results.comparison(campaign, sites), args.repeat)
        assert counted == answers and outcome.responses == args.responses and len(rows) == len(sites)
        print(f"référence COUNT(*) des réponses aux questions : {baseline * 1000:8.1f} ms")
        print(
            f"résultats de la campagne (7 taux)             : {whole * 1000:8.1f} ms  ({whole / baseline:.1f} × réf.)"
        )
        line = f"comparaison des 5 sites (35 taux)             : {by_site * 1000:8.1f} ms"
        print(f"{line}  ({by_site / baseline:.1f} × réf.)")
        print("taux : " + ", ".join(f"{d.code} {d.rate} %" for d in outcome.dimensions))
        if whole >= LIMIT_SECONDS:
            print(f"ÉCHEC : les résultats prennent {whole:.2f} s (limite {LIMIT_SECONDS:.0f} s).")
            return 1
        print(f"OK : sous {LIMIT_SECONDS:.0f} s.")
        return 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
