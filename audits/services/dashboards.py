"""What the dashboards show of the audits (read only)."""

from django.db.models import Count, Q
from django.utils import timezone

from audits.models import Audit, Finding
from audits.services.summaries import counts_sentence


def auditor_audits(user):
    """The audits assigned to an auditor, with their access window (open, upcoming, closed); the open ones first, the
    most recent first. Of an audit outside its window the card shows its title and window only (no status, sites or
    counts: the auditor reads nothing of it then). 2 queries."""
    today = timezone.localdate()
    counts = {
        f"{category}_count": Count("findings", filter=Q(findings__category=category), distinct=True)
        for category in Finding.Category.values
    }
    audits = list(
        Audit.objects.filter(auditors=user)
        .select_related("prefecture", "labelling__referential")
        .prefetch_related("sites")
        .annotate(**counts)
        .order_by("-start_on", "-pk")
    )
    for audit in audits:
        audit.window_state = (
            "open"
            if audit.window_open(today)
            else ("upcoming" if audit.access_from and audit.access_from > today else "closed")
        )
        if audit.window_state == "open":
            audit.counts_line = counts_sentence({c: getattr(audit, f"{c}_count") for c in Finding.Category.values})
    audits.sort(key=lambda audit: audit.window_state != "open")
    return audits
