"""The deadline alerts of every app, gathered by one daily job (indicators.tasks.send_deadline_alerts, 06:30).

The one place of the alerts: indicators reads every app and no app imports it (docs/architecture.md,
§ Sens des dépendances), so the collectors of all the sources live here, on what they share (base: recipients,
stages, notices). Each collector is a function ``collect(today) -> list[Notice]`` of a module of this package,
one per source; ``COLLECTORS`` is the registry (name -> function). ``collect_and_notify(today)`` runs them one
after the other and delivers each source's notices in its own transaction (accounts.notifications.deliver): the
keys make a second run harmless, and a worker killed mid-run loses nothing, the next run writes what was not
written. A source that fails is logged and does not stop the others.
"""

import logging

from django.utils import timezone

from accounts import notifications

from . import actions, audits, complaints, crisis, documents, findings, labellings, programme, stale, trainings, yearly

logger = logging.getLogger(__name__)

COLLECTORS = {
    "complaints": complaints.collect,
    "actions": actions.collect,
    "audit_reports": audits.collect,
    "finding_responses": findings.collect,
    "follow_up_audits": labellings.collect,
    "yearly_clu": yearly.collect_clu,
    "yearly_survey": yearly.collect_survey,
    "programme": programme.collect,
    "trainings": trainings.collect,
    "training_sessions": trainings.collect_sessions,
    "document_reviews": documents.collect,
    "on_call_gaps": crisis.collect,
    "stale_indicators": stale.collect,
}


def collect_and_notify(today=None, *, collectors=None):
    """Run every collector (or those named) and deliver their notices; returns {name: notices offered}.
    Offering a notice already delivered is harmless (same recipient and key: skipped)."""
    today = today or timezone.localdate()
    offered = {}
    for name, collect in COLLECTORS.items():
        if collectors is not None and name not in collectors:
            continue
        try:
            offered[name] = notifications.deliver(collect(today))
        except Exception:  # noqa: BLE001 - one failing source must not stop the others' alerts
            logger.exception("Alertes d'échéance « %s » non envoyées.", name)
            offered[name] = None
    return offered
