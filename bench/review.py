"""Benchmark: the yearly review of a prefecture (reviews.build) on bench/national_data.py's national dataset.

    DATABASE_URL=postgres://... .venv/bin/python bench/review.py [--year 2024] [--prefecture 13] [--repeat 5]

Measures on the database as it is (generate it first: ``python bench/national_data.py --scale 1 --years 10``), on
the prefecture that holds the most complaints unless ``--prefecture`` names a département; the year defaults to
last year. Best of ``--repeat`` warm runs:
- the baseline: one simple aggregate of the same tables, the prefecture's complaints of the year counted per site
  (a GROUP BY the review makes too); and, as a second reference, one plain COUNT of the prefecture's year in each
  register the review reads (complaints, letters, actions, findings, survey answers, measurements);
- the review's figures (``reviews.build.build``: every section, their queries counted);
- the review's HTML sections as the page renders them, SVG charts included.
Prints each time and its ratio to the baseline; exits 1 when the figures take 10 s or more (issue 15).
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

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

LIMIT_SECONDS = 10.0


def _best(function, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    from django.template.loader import render_to_string
    from django.utils import timezone

    from complaints.models import Complaint
    from reviews import build
    from sites.models import Prefecture

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    parser.add_argument("--prefecture", help="Numéro du département (par défaut : la préfecture la plus chargée).")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    if args.prefecture:
        prefecture = Prefecture.objects.get(department_id=args.prefecture)
    else:
        busiest = Complaint.objects.order_by().values("prefecture_id").annotate(n=Count("pk")).order_by("-n").first()
        prefecture = Prefecture.objects.get(pk=busiest["prefecture_id"])
    year = args.year
    complaints = Complaint.objects.filter(prefecture=prefecture, received_on__year=year)
    print(
        f"{prefecture.name}, {year} : {complaints.count()} réclamations, "
        f"{prefecture.sites.count()} sites ({connection.vendor})"
    )

    def baseline():
        return list(complaints.order_by().values("site_id").annotate(n=Count("pk")))

    def counts():
        from audits.models import Finding
        from complaints.models import Correspondence
        from engagements.models import Action
        from indicators.models import Measurement
        from surveys.models import Answer

        return [
            complaints.count(),
            Correspondence.objects.filter(prefecture=prefecture, received_on__year=year).count(),
            Action.objects.filter(prefecture=prefecture, completed_on__year=year).count(),
            Finding.objects.filter(audit__prefecture=prefecture, audit__end_on__year=year).count(),
            Answer.objects.filter(campaign__prefecture=prefecture, campaign__opens_on__year=year).count(),
            Measurement.objects.filter(prefecture=prefecture, period__year=year).count(),
        ]

    def figures():
        return build.build(prefecture, year)

    base, _ = _best(baseline, args.repeat)
    counted, _ = _best(counts, args.repeat)
    with CaptureQueriesContext(connection) as queries:
        figures()
    built, review = _best(figures, args.repeat)

    def sections():
        context = {"year": year}
        return [
            render_to_string("reviews/_pilotage.html", context | {"p": review.pilotage}),
            render_to_string("reviews/_actions.html", context | {"a": review.actions}),
            render_to_string("reviews/_evaluation.html", context | {"e": review.evaluation}),
            render_to_string("reviews/_indicators.html", context | {"i": review.indicators}),
            render_to_string("reviews/_outlook.html", context | {"o": review.outlook}),
        ]

    rendered, _ = _best(sections, max(1, args.repeat // 2))
    print(f"référence (réclamations de l'année par site) : {base * 1000:8.1f} ms")
    print(f"un COUNT par registre lu (6 requêtes) : {counted * 1000:8.1f} ms ({counted / base:.0f} × la référence)")
    print(
        f"chiffres du bilan ({len(queries)} requêtes) : {built * 1000:8.1f} ms ({built / base:.0f} × la référence, "
        f"{built / counted:.1f} × les COUNT)"
    )
    print(f"rendu HTML des parties (SVG) : {rendered * 1000:8.1f} ms ({rendered / base:.0f} × la référence)")
    return 0 if built < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
