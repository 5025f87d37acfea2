"""Labelling cycles: pages and API. Everyone who sees a prefecture reads its cycles; its quality manager and
national administrators move them forward; the national overview is for national administrators."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.permissions.cases import API_ANONYMOUS, Case, expect

FORBIDDEN, NOT_FOUND, REDIRECT = 403, 404, 302

# Pages
READERS = expect(200, auditor=NOT_FOUND)
MANAGERS = expect(FORBIDDEN, national=200, quality_manager=200, auditor=NOT_FOUND)
NATIONAL_ONLY = expect(NOT_FOUND, national=200)


# API
def api(default, **overrides):
    return expect(default, anonymous=API_ANONYMOUS, **overrides)


API_READERS = api(200, auditor=NOT_FOUND)
API_NATIONAL_ONLY = api(NOT_FOUND, national=200)


def _cycle(world, *, foreign=False):
    """A Qualipref 2.0 cycle in preparation since 16/02/2015 (Bouches-du-Rhône, or Val-de-Marne)."""
    if foreign:
        return factories.LabellingFactory(prefecture=world.foreign_prefecture, sites=[world.foreign_site])
    return factories.LabellingFactory(prefecture=world.prefecture, sites=[world.site])


def _own(world):
    return {"pk": _cycle(world).pk}


def _foreign(world):
    return {"pk": _cycle(world, foreign=True).pk}


def _step(world, *, foreign=False):
    step = factories.LabellingStepFactory(
        labelling=_cycle(world, foreign=foreign), evidence=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport")
    )
    return {"pk": step.pk}


def _new_cycle(world):
    qp2 = factories.labelling_referential("QP2")
    return {
        "prefecture": world.prefecture.pk,
        "referential": qp2.pk,
        "modules": [qp2.modules.get(number=7).pk],
        "sites": [world.site.pk],
        "started_on": "2015-02-16",
    }


def _migration(world):
    qualipref = factories.labelling_referential("QP")
    return {"referential": qualipref.pk, "modules": [qualipref.modules.get(number=4).pk], "started_on": "2015-03-02"}


INTERNAL_EVALUATION = {"step": "internal_evaluation", "happened_on": "2015-06-22"}

CASES = [
    # --- pages
    Case("labelling_home", expect(REDIRECT, auditor=FORBIDDEN)),  # national: overview; others: their timeline
    Case("labelling_overview", expect(FORBIDDEN, national=200)),
    Case("labelling_overview", expect(FORBIDDEN, national=200), query="?label=QP2&late=true", label="filtered"),
    Case("labelling_timeline", READERS, kwargs=lambda w: {"prefecture_pk": w.prefecture.pk}, label="own"),
    Case(
        "labelling_timeline",
        NATIONAL_ONLY,
        kwargs=lambda w: {"prefecture_pk": w.foreign_prefecture.pk},
        label="foreign",
    ),
    Case("labelling_start", MANAGERS, kwargs=lambda w: {"prefecture_pk": w.prefecture.pk}, label="own"),
    Case(
        "labelling_start", NATIONAL_ONLY, kwargs=lambda w: {"prefecture_pk": w.foreign_prefecture.pk}, label="foreign"
    ),
    Case(
        "labelling_transition",
        MANAGERS,
        kwargs=lambda w: {**_own(w), "step": "internal_evaluation"},
        label="own",
    ),
    Case(
        "labelling_transition",
        NATIONAL_ONLY,
        kwargs=lambda w: {**_foreign(w), "step": "internal_evaluation"},
        label="foreign",
    ),
    Case("labelling_migrate", MANAGERS, kwargs=_own, label="own"),
    Case("labelling_migrate", NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case("labelling_evidence", READERS, kwargs=_step, label="own"),
    Case("labelling_evidence", NATIONAL_ONLY, kwargs=lambda w: _step(w, foreign=True), label="foreign"),
    # --- API
    Case("api:labelling-list", api(200)),
    Case("api:labelling-list", api(200), query="?late=false&label=qp2&status=preparation", label="filtered"),
    Case(
        "api:labelling-list",
        # For an auditor the prefecture and its sites are outside their scope: they "do not exist" (400).
        api(FORBIDDEN, national=201, quality_manager=201, auditor=400),
        method="post",
        data=_new_cycle,
        label="create",
    ),
    Case("api:labelling-detail", API_READERS, kwargs=_own, label="own"),
    Case("api:labelling-detail", API_NATIONAL_ONLY, kwargs=_foreign, label="foreign"),
    Case(
        "api:labelling-transition",
        api(FORBIDDEN, national=200, quality_manager=200, auditor=NOT_FOUND),
        kwargs=_own,
        method="post",
        data=INTERNAL_EVALUATION,
        label="own",
    ),
    Case(
        "api:labelling-transition",
        API_NATIONAL_ONLY,
        kwargs=_foreign,
        method="post",
        data=INTERNAL_EVALUATION,
        label="foreign",
    ),
    Case(
        "api:labelling-migrate",
        api(FORBIDDEN, national=201, quality_manager=201, auditor=NOT_FOUND),
        kwargs=_own,
        method="post",
        data=_migration,
        label="own",
    ),
    Case(
        "api:labelling-migrate",
        api(NOT_FOUND, national=201),
        kwargs=_foreign,
        method="post",
        data=_migration,
        label="foreign",
    ),
]
