"""The records that fulfil the programme's items are linked once their transaction commits.

Connected by planning.apps (the apps below never import planning). The receivers hold no business logic: on commit
they ask ``planning.services.record_saved`` to check the item the record fulfils (its date may have left the window)
and to look at the prefecture's unfulfilled items of the kinds the record may fulfil (``unlink`` when a record is
deleted). The daily sweep (``planning.tasks.refresh_programmes``)
links whatever a lost callback missed.
"""

from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

DISPATCH_UID = "planning.link_fulfilments"
# model -> the kinds of items its records may fulfil. A quarterly self-assessment is written with its audit (kind
# self_assessment), in the same transaction: the audit's save brings it, and its own save is not watched (no query
# at save time).
SOURCES = {
    "engagements.Meeting": ("copil", "clu"),
    "surveys.Campaign": ("survey",),
    "audits.Audit": ("internal_audit", "follow_up_audit", "renewal_audit", "self_assessment"),
}
# Deleting one of these frees the item it fulfilled.
DELETED = (*SOURCES, "audits.QuarterlySelfAssessment")


def _saved(sender, instance, *, using="default", raw=False, **kwargs):
    if raw:
        return
    from planning import services

    prefecture_id = instance.prefecture_id
    transaction.on_commit(
        partial(
            services.record_saved,
            model=sender,
            pk=instance.pk,
            prefecture_id=prefecture_id,
            kinds=SOURCES[sender._meta.label],
        ),
        using=using,
        robust=True,
    )


def _deleted(sender, instance, *, using="default", **kwargs):
    from planning import services

    transaction.on_commit(partial(services.unlink, model=sender, pk=instance.pk), using=using, robust=True)


def connect():
    for label in SOURCES:
        post_save.connect(_saved, sender=apps.get_model(label), dispatch_uid=f"{DISPATCH_UID}.{label}.save")
    for label in DELETED:
        post_delete.connect(_deleted, sender=apps.get_model(label), dispatch_uid=f"{DISPATCH_UID}.{label}.delete")
