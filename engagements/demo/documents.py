"""Demo data: the quality documents of the Bouches-du-Rhône (« élaboration du référentiel interne », « rédaction
d'un plan de communication de crise », « enrichissement du guide de l'accueil » of the 2015 review) and a national
guide of the référentiel.

- the reception guide of the sous-préfecture d'Arles: v1.0 approved five months before the day the demo is loaded,
  and a newer draft v2.0 (« enrichissement du guide de l'accueil ») that the quality manager may approve;
- the crisis communication plan of the prefecture (kind « plan de communication de crise »), approved eleven
  months ago and reviewed every 12 months: its review is due in the coming weeks (the dashboard and the alerts
  show it);
- the national guide of the Qualipref 2.0 référentiel, a link.

Files are small PDFs made here by WeasyPrint (qualipref.lib.pdf): nothing is downloaded. Runs after
``qualipref.demo.load_demo`` (accounts) and the référentiels. Idempotent: documents are found by their prefecture
and reference; a document already there is left as it is, but a file of its versions missing from the storage (a
copy of the demo database with other media, as the tests make) is written again under its name.
"""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from engagements.models import DocumentVersion, Engagement, QualityDocument, Referential
from engagements.services.labellings import add_months
from qualipref.lib import pdf
from qualipref.lib.dates import local_datetime
from sites.models import Prefecture, Site

Kind = QualityDocument.Kind
Status = DocumentVersion.Status
ARLES = "Sous-préfecture d'Arles"
PDF_TYPE = "application/pdf"

RECEPTION_GUIDE = {
    "reference": "GUIDE-ACC-ARLES",
    "title": "Guide d'accueil de la sous-préfecture d'Arles",
    "kind": Kind.RECEPTION_GUIDE,
    "owner": "referent-arles",
    "sites": [ARLES],
    "engagements": ["QP2-M1-E01", "QP2-M1-E03", "QP2-M1-E04", "QP2-M1-E05"],
    "intranet_url": "https://intranet.bouches-du-rhone.pref.gouv.fr/qualite/accueil/arles",
    "review_months": 12,
}
CRISIS_PLAN = {
    "reference": "PCC-13",
    "title": "Plan de communication de crise de la préfecture des Bouches-du-Rhône",
    "kind": Kind.CRISIS_COMMUNICATION_PLAN,
    "owner": "qualite13",
    "sites": [],
    "engagements": ["QP2-M7-E01", "QP2-M7-E02", "QP2-M7-E05"],
    "intranet_url": "https://intranet.bouches-du-rhone.pref.gouv.fr/communication/crise",
    "review_months": 12,
}
NATIONAL_GUIDE = {
    "reference": "GUIDE-QP2",
    "title": "Guide de mise en œuvre du référentiel Qualipref 2.0",
    "kind": Kind.REFERENTIAL_GUIDE,
    "owner": "national",
    "sites": [],
    "engagements": [],
    "intranet_url": "",
    "review_months": 24,
}

GUIDE_SECTIONS = [
    (
        "Accueillir",
        [
            "Saluer l'usager, se présenter et l'orienter vers le bon guichet dès le pré-accueil.",
            "Porter le chevalet nominatif ; annoncer le temps d'attente estimé.",
        ],
    ),
    (
        "Accueil téléphonique",
        ["Décrocher avant la cinquième sonnerie, se présenter, proposer un rappel plutôt qu'un transfert hasardeux."],
    ),
    ("Réclamations", ["Remettre le formulaire de réclamation ou indiquer l'adresse de l'e-réclamation."]),
]
GUIDE_V2_SECTIONS = GUIDE_SECTIONS + [
    (
        "Rendez-vous en ligne",
        ["Prise de rendez-vous sur Internet pour les usagers ; ponctuels pour les professionnels."],
    ),
]
CRISIS_SECTIONS = [
    (
        "Activation de la cellule",
        [
            "En cas d'événement majeur, la cellule de communication de crise est opérationnelle en moins d'une heure, "
            "7 jours sur 7 et 24 heures sur 24.",
            "L'agent d'astreinte du bureau de la communication interministérielle alerte les membres de la cellule.",
        ],
    ),
    (
        "Cellule d'information du public (CIP)",
        ["Activée sur décision du directeur de cabinet ; numéro communiqué par voie de presse et sur Internet."],
    ),
    ("Communiqués", ["Chaque communiqué est numéroté, validé et inscrit au tableau de suivi des communiqués."]),
]


# (reference, version) -> the sections of its PDF
CONTENTS = {
    ("GUIDE-ACC-ARLES", "1.0"): GUIDE_SECTIONS,
    ("GUIDE-ACC-ARLES", "2.0"): GUIDE_V2_SECTIONS,
    ("PCC-13", "1.0"): CRISIS_SECTIONS,
}


def _pdf(title, reference, version, sections):
    html = render_to_string(
        "engagements/documents/demo_document.html",
        {
            "title": title,
            "reference": reference,
            "version": version,
            "prefecture": "Préfecture des Bouches-du-Rhône",
            "sections": sections,
        },
    )
    return pdf.html_to_pdf(html)[0]


def _document(prefecture, spec, engagements, sites):
    document, created = QualityDocument.objects.get_or_create(
        prefecture=prefecture,
        reference=spec["reference"],
        defaults={
            "title": spec["title"],
            "kind": spec["kind"],
            "owner": User.objects.get(username=spec["owner"]),
            "intranet_url": spec["intranet_url"],
            "review_months": spec["review_months"],
        },
    )
    if created:
        document.sites.set(sites[name] for name in spec["sites"])
        document.engagements.set(engagements[code] for code in spec["engagements"] if code in engagements)
    return document, created


def _version(document, number, dated, *, author, status, approved=None, approver=None, content=None, url=""):
    version = DocumentVersion(
        document=document,
        number=number,
        dated=dated,
        url=url,
        status=status,
        author=author,
        changes="" if number == "1.0" else "Enrichissement du guide de l'accueil : rendez-vous en ligne.",
    )
    if approved is not None:
        version.submitted_by, version.submitted_at = author, local_datetime(approved - datetime.timedelta(days=3))
        version.approved_by, version.approved_at = approver, local_datetime(approved)
    elif status == Status.IN_REVIEW:
        version.submitted_by, version.submitted_at = author, local_datetime(dated)
    if content is not None:
        slug = document.reference.lower()
        version.file_name, version.size, version.content_type = f"{slug}-v{number}.pdf", len(content), PDF_TYPE
        version.file.save(f"demo-{slug}-v{number}.pdf", ContentFile(content), save=False)
    version.save()
    if status == Status.APPROVED:
        document.current_version = version
        document.review_due_on = add_months(approved, document.review_months)
        document.save(update_fields=["current_version", "review_due_on", "updated_at"])
    return version


def _restore_missing_files():
    versions = DocumentVersion.objects.filter(
        document__prefecture__department_id="13", document__reference__in={ref for ref, _ in CONTENTS}
    ).exclude(file="")
    for version in versions.select_related("document"):
        sections = CONTENTS.get((version.document.reference, version.number))
        if sections is None or version.file.storage.exists(version.file.name):
            continue
        content = _pdf(version.document.title, version.document.reference, version.number, sections)
        version.file.storage.save(version.file.name, ContentFile(content))


@transaction.atomic
def load():
    today = timezone.localdate()
    prefecture = Prefecture.objects.get(department_id="13")
    sites = {site.name: site for site in Site.objects.filter(prefecture=prefecture)}
    referential = Referential.objects.filter(code="QP2").order_by("-published_on").first()
    engagements = {e.code: e for e in Engagement.objects.filter(referential=referential)} if referential else {}
    quality = User.objects.get(username="qualite13")
    referent = User.objects.get(username="referent-arles")
    national = User.objects.get(username="national")

    guide, created = _document(prefecture, RECEPTION_GUIDE, engagements, sites)
    if created:
        approved = today - datetime.timedelta(days=150)
        title, reference = guide.title, guide.reference
        _version(
            guide,
            "1.0",
            approved - datetime.timedelta(days=10),
            author=referent,
            status=Status.APPROVED,
            approved=approved,
            approver=quality,
            content=_pdf(title, reference, "1.0", CONTENTS[(reference, "1.0")]),
        )
        _version(
            guide,
            "2.0",
            today - datetime.timedelta(days=7),
            author=referent,
            status=Status.DRAFT,
            content=_pdf(title, reference, "2.0", CONTENTS[(reference, "2.0")]),
        )

    plan, created = _document(prefecture, CRISIS_PLAN, engagements, sites)
    if created:
        approved = add_months(today, -11) - datetime.timedelta(days=10)  # its review is due in about three weeks
        _version(
            plan,
            "1.0",
            approved - datetime.timedelta(days=20),
            author=quality,
            status=Status.APPROVED,
            approved=approved,
            approver=quality,
            content=_pdf(plan.title, plan.reference, "1.0", CRISIS_SECTIONS),
        )

    national_guide, created = _document(None, NATIONAL_GUIDE, engagements, sites)
    if created:
        _version(
            national_guide,
            "1.0",
            datetime.date(2015, 2, 1),
            author=national,
            status=Status.APPROVED,
            approved=today - datetime.timedelta(days=200),
            approver=national,
            url="https://www.modernisation.gouv.fr/qualipref-2-0",
        )
    _restore_missing_files()
