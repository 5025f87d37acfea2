"""Benchmark of the PDF audit report: 200 findings and a 40 × 5 assessment grid.

    .venv/bin/python bench/audit_report.py [--runs 3]

Builds a throwaway SQLite database (migrations, the shipped référentiels), an audit of the Qualipref 2.0 modules
1, 4, 7 and 8 (40 engagements) on 5 sites with 200 findings (answered non-conformities and sensitive points, with
their corrective actions) and every cell of the grid, then measures, each in a fresh forked process:
- the report (queries, template, SVG charts, WeasyPrint layout and PDF): wall time and peak memory (RSS);
- WeasyPrint rendering a minimal document with the same text (the report's text in plain paragraphs), in the same
  run, as the yardstick: the ratio says what the report's layout costs beyond WeasyPrint itself.
Target (issue 4): at most 5 s and 300 MiB for the report on this machine. Not a test: it prints, it does not fail,
unless ``--check`` is given.
"""

import argparse
import datetime
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0
TARGET_MIB = 300
FINDINGS = 200
SITES = 5


def _setup(workdir):
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _data():
    """The audit of the benchmark (created through the models: the services are not what is measured)."""
    from accounts.models import User
    from audits.models import Assessment, Audit, Finding, FindingAction
    from engagements.models import Action, ActionPlan, Engagement, Labelling, Module, Referential
    from sites.models import Department, Prefecture, Site

    department = Department.objects.get(code="13")
    prefecture, _ = Prefecture.objects.get_or_create(
        department=department, defaults={"name": "Préfecture des Bouches-du-Rhône"}
    )
    names = [
        "Marseille – Peytral",
        "Marseille – Saint-Sébastien",
        "Sous-préfecture d'Aix-en-Provence",
        "Sous-préfecture d'Arles",
        "Sous-préfecture d'Istres",
    ]
    sites = [
        Site.objects.create(prefecture=prefecture, name=name, kind="prefecture" if index < 2 else "subprefecture")
        for index, name in enumerate(names[:SITES])
    ]
    referential = Referential.objects.filter(code="QP2").order_by("-published_on").first()
    modules = list(Module.objects.filter(referential=referential, number__in=(1, 4, 7, 8)))
    user = User.objects.create(username="bench", first_name="Claire", last_name="Fabre")
    cycle = Labelling.objects.create(
        prefecture=prefecture, referential=referential, status="labelling_audit", started_on=datetime.date(2015, 2, 16)
    )
    cycle.modules.set(modules)
    cycle.sites.set(sites)
    audit = Audit.objects.create(
        labelling=cycle,
        prefecture=prefecture,
        kind="labelling",
        body="AFNOR Certification",
        start_on=datetime.date(2015, 9, 14),
        end_on=datetime.date(2015, 9, 18),
        report_due_on=datetime.date(2015, 10, 3),
        status="delivered",
        report_delivered_on=datetime.date(2015, 10, 1),
        summary="Les outils de pilotage sont performants ; la qualité de l'accueil des usagers est une priorité.",
    )
    audit.sites.set(sites)
    audit.modules.set(modules)
    audit.auditors.add(user)
    engagements = list(Engagement.objects.filter(module__in=modules).order_by("module__number", "number"))
    Assessment.objects.bulk_create(
        Assessment(
            audit=audit,
            engagement=engagement,
            site=site,
            result=("compliant", "compliant", "compliant", "minor_nonconformity", "not_applicable")[(i + j) % 5],
            comment="Vérifié sur place auprès des agents d'accueil." if (i + j) % 7 == 0 else "",
        )
        for i, engagement in enumerate(engagements)
        for j, site in enumerate(sites)
    )
    categories = (
        ["strength"] * 8
        + ["improvement"] * 5
        + ["sensitive_point"] * 4
        + ["minor_nonconformity"] * 2
        + ["major_nonconformity"]
    )
    plan = ActionPlan.objects.create(prefecture=prefecture, labelling=cycle, title="Plan d'action qualité")
    findings = []
    for index in range(FINDINGS):
        category = categories[index % len(categories)]
        answered = category in ("sensitive_point", "minor_nonconformity", "major_nonconformity")
        findings.append(
            Finding(
                audit=audit,
                site=sites[index % len(sites)],
                engagement=engagements[index % len(engagements)],
                module_id=engagements[index % len(engagements)].module_id,
                category=category,
                text=f"Constat n° {index + 1} : l'accueil téléphonique est assuré sans interruption ; les usagers "
                "sont orientés dès le pré-accueil et la signalétique du hall est claire, à jour et lisible.",
                response="Les agents concernés suivront la formation à l'accueil avant la fin de l'année ; le "
                "suivi sera présenté au COPIL."
                if answered
                else "",
                response_due_on=datetime.date(2015, 12, 31) if answered else None,
                responded_on=datetime.date(2015, 10, 20) if answered else None,
            )
        )
    findings = Finding.objects.bulk_create(findings)
    links = []
    for finding in findings:
        if finding.category in ("minor_nonconformity", "major_nonconformity"):
            action = Action.objects.create(
                plan=plan,
                prefecture=prefecture,
                site=finding.site,
                title=f"Lever la non-conformité n° {finding.pk}",
                source="audit_finding",
                due_on=datetime.date(2016, 3, 31),
            )
            links.append(FindingAction(finding=finding, action=action))
    FindingAction.objects.bulk_create(links)
    return audit.pk


def _report(audit_id, queue):
    from django.db import connection

    from audits.models import Audit
    from audits.services import reports

    audit = Audit.objects.get(pk=audit_id)
    start, cpu = time.perf_counter(), time.process_time()
    with _queries() as count:
        content, pages, _ = reports.render_report(audit)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    html = reports.report_html(audit)
    connection.close()
    queue.put(
        {
            "seconds": elapsed,
            "cpu": cpu,
            "rss": _peak_rss(),
            "pages": pages,
            "bytes": len(content),
            "queries": count[0],
            "text": _plain_text(html),
        }
    )


def _minimal(text, queue):
    from qualipref.lib import pdf

    html = (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'></head><body>"
        + "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
        + "</body></html>"
    )
    start, cpu = time.perf_counter(), time.process_time()
    content, pages = pdf.html_to_pdf(html)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    queue.put({"seconds": elapsed, "cpu": cpu, "rss": _peak_rss(), "pages": pages, "bytes": len(content)})


class _queries:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        self.count = [0]
        return self.count

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        self.count[0] = len(self.context)


def _plain_text(html):
    import re

    from django.utils.html import escape, strip_tags

    body = re.sub(r"<style.*?</style>|<svg.*?</svg>", "", html, flags=re.S)
    text = strip_tags(body)
    return "\n".join(escape(" ".join(line.split())) for line in text.splitlines() if line.strip())


def _peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux -> MiB


def _in_child(target, *args):
    """Run ``target`` in a fresh forked process (its own peak memory); return what it put in the queue."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="mesures de chaque rendu (médiane)")
    parser.add_argument("--check", action="store_true", help="code de sortie 1 si la cible n'est pas tenue")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qualipref-bench-") as folder:
        workdir = Path(folder)
        _setup(workdir)
        from django.conf import settings

        settings.MEDIA_ROOT = workdir / "media"
        audit_id = _data()
        baseline = _peak_rss()
        reports = [_in_child(_report, audit_id) for _ in range(args.runs)]
        minimal = [_in_child(_minimal, reports[0]["text"]) for _ in range(args.runs)]
    report_s = statistics.median(r["seconds"] for r in reports)
    report_cpu = statistics.median(r["cpu"] for r in reports)
    minimal_s = statistics.median(r["seconds"] for r in minimal)
    minimal_cpu = statistics.median(r["cpu"] for r in minimal)
    report_rss = max(r["rss"] for r in reports)
    minimal_rss = max(r["rss"] for r in minimal)
    first = reports[0]
    load = os.getloadavg()[0]
    print(
        f"Rapport d'audit : {FINDINGS} constats, grille 40 × {SITES} ({first['pages']} pages, "
        f"{first['bytes'] / 1024:.0f} Kio, {first['queries']} requêtes SQL) — charge de la machine : {load:.1f}"
    )
    print(
        f"  temps (médiane de {args.runs})    : {report_s:.2f} s, dont {report_cpu:.2f} s de CPU "
        f"(cible ≤ {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"  mémoire (pic RSS du processus) : {report_rss:.0f} Mio (cible ≤ {TARGET_MIB} Mio ; "
        f"processus Django chargé avant rendu : {baseline:.0f} Mio)"
    )
    print(
        f"Document minimal, même texte ({minimal[0]['pages']} pages) : {minimal_s:.2f} s, dont {minimal_cpu:.2f} s "
        f"de CPU, {minimal_rss:.0f} Mio"
    )
    print(
        f"  rapport / document minimal : × {report_s / minimal_s:.2f} (temps), × {report_cpu / minimal_cpu:.2f} (CPU), "
        f"× {report_rss / minimal_rss:.2f} (mémoire)"
    )
    ok = report_s <= TARGET_SECONDS and report_rss <= TARGET_MIB
    print("Cible tenue." if ok else "Cible NON tenue.")
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
