"""Writes to the sources of the computed indicators enqueue an incremental computation, once they are committed;
a measurement saved or deleted by the ORM refreshes its rollups (indicators.services.rollups), in its transaction.

Connected by indicators.apps (the other apps never import this one). The receivers hold no business logic: they
only ask for ``indicators.tasks.compute_changes`` after the commit; the task finds by itself what changed
(``updated_at``), so a burst of writes costs one run, and a write whose message got lost is read by the next run
(every few minutes, and nightly in full).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from qualipref.lib import data_version

DISPATCH_UID = "indicators.enqueue_changes"
VERSION_UID = "indicators.data_version"
ROLLUP_UID = "indicators.rollups"
# What the dashboards read besides the sources of the computed indicators: a write changes the data version
# (qualipref.lib.data_version), which makes the cached dashboards obsolete.
DASHBOARD_SOURCES = (
    "indicators.Measurement",
    "engagements.Labelling",
    "engagements.LabellingStep",
    "engagements.QualityDocument",
    "audits.Audit",
    "audits.Finding",
    "surveys.Campaign",
    "surveys.CampaignSite",
    "surveys.Response",
    "surveys.AggregatedResult",
    "accounts.Membership",
    "sites.Prefecture",
    "sites.Site",
)


def _written(sender, *, using="default", **kwargs):
    from indicators import tasks

    transaction.on_commit(tasks.enqueue_changes, using=using, robust=True)


def _data_changed(sender, *, using="default", **kwargs):
    data_version.bump(using=using)


def _measurement_written(sender, instance, **kwargs):
    from indicators.services import rollups

    rollups.measurement_written([rollups.key_of(instance)])


def dashboard_sources():
    models = set(watched_models())
    for label in DASHBOARD_SOURCES:
        try:
            models.add(apps.get_model(label))
        except LookupError:
            continue
    return models


def watched_models():
    """The models whose rows feed a computed indicator that can run (their app is installed)."""
    from indicators.computations import registered

    models = set()
    for computation in registered().values():
        for label in computation.watches:
            try:
                models.add(apps.get_model(label))
            except LookupError:
                continue
    return models


def connect():
    from indicators.models import Measurement

    for signal in (post_save, post_delete):
        signal.connect(_measurement_written, sender=Measurement, dispatch_uid=f"{ROLLUP_UID}.{signal is post_save}")
    for model in dashboard_sources():
        for signal in (post_save, post_delete):
            signal.connect(
                _data_changed, sender=model, dispatch_uid=f"{VERSION_UID}.{model._meta.label}.{signal is post_save}"
            )
    for model in watched_models():
        for signal in (post_save, post_delete):
            signal.connect(
                _written, sender=model, dispatch_uid=f"{DISPATCH_UID}.{model._meta.label}.{signal is post_save}"
            )


def disconnect():
    for model in watched_models():
        for signal in (post_save, post_delete):
            signal.disconnect(sender=model, dispatch_uid=f"{DISPATCH_UID}.{model._meta.label}.{signal is post_save}")
