"""Quality documents to review: a document whose approved version reaches its review date (approval date + review
period, ``QualityDocument.review_due_on``) within settings.QUALIPREF_DOCUMENT_REVIEW_ALERT_DAYS days, then once
late: to its owner (« responsable du document »). A document without a version in force has no review date and
gives no alert. One query for the documents, with their owner."""

from django.conf import settings
from django.urls import reverse

from engagements.models import QualityDocument
from qualipref.lib.dates import short_date

from . import base


def collect(today):
    days_before = settings.QUALIPREF_DOCUMENT_REVIEW_ALERT_DAYS
    documents = (
        QualityDocument.objects.filter(
            review_due_on__gte=base.lookback(today),
            review_due_on__lte=base.horizon(today, days_before),
            current_version__isnull=False,
            owner__is_active=True,
        )
        .select_related("current_version")
        .order_by("review_due_on", "pk")
    )
    found = []
    for document in documents:
        due_on = document.review_due_on
        stage = base.stage_of(due_on, today, days_before)
        if stage is None:
            continue
        version = document.current_version
        found += base.notices(
            [document.owner_id],
            key=f"document:{document.pk}:v{version.pk}:{due_on.isoformat()}:{stage}",
            kind=base.stage_kind("document_review", stage),
            title=base.stage_title(
                stage,
                due_on,
                today,
                late=f"Révision en retard : « {document} » (prévue le {short_date(due_on)})",
                due=f"Document à réviser : « {document} »",
            ),
            body=(
                f"La version {version.number} a été approuvée le {short_date(version.approved_on)} ; le document se "
                f"révise tous les {document.review_months} mois. Déposez une nouvelle version ou confirmez celle-ci."
            ),
            url=reverse("document_detail", kwargs={"pk": document.pk}),
            due_on=due_on,
        )
    return found
