"""Every bulk write to what the dashboards read says so (qualipref.lib.data_version.bump): ``QuerySet.update``,
``bulk_create``, ``bulk_update`` (and simple-history's ``bulk_*_with_history``) send no signal, so the signals of
indicators.signals do not see them and the cached dashboards would stay stale (issue 13: ``actions_bulk_status``).

This test reads the code (ast): each such call on a model of ``indicators.signals.dashboard_sources()`` must sit in
a function that calls ``data_version.bump``, or in one of ``BUMPED_BY_CALLER`` (its callers bump, said why).
``QuerySet.delete`` is not listed: with receivers connected Django deletes row by row and sends ``post_delete``.
What it cannot see: a queryset passed in as an argument (``def f(rows): rows.update(...)``), raw SQL.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from qualipref.lib import data_version
from tests import factories
from tests.api.conftest import world  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "sites", "engagements", "audits", "complaints", "surveys", "crisis", "indicators", "qualipref")
BULK_METHODS = {"update", "bulk_create", "bulk_update"}
BULK_FUNCTIONS = {"bulk_create_with_history", "bulk_update_with_history"}

# module:function -> why it needs no bump of its own.
BUMPED_BY_CALLER = {
    "indicators.services.compute:_upsert_in_python": "its one caller, upsert, bumps when it wrote something",
}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or any(part.startswith("demo") for part in parts):
                continue
            yield ".".join(parts), path


def _chain(node):
    """(root Name id or None, attribute names) of ``A.objects.filter(...).exclude(...)``."""
    attrs = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, attrs
        else:
            return None, attrs


def _bumps(function):
    return any(
        isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "bump")
            or (isinstance(node.func, ast.Name) and node.func.id == "bump")
        )
        for node in ast.walk(function)
    )


def _written_model(call, assignments, models):
    """The model name a bulk call writes, when it can be read."""
    if isinstance(call.func, ast.Name) and call.func.id in BULK_FUNCTIONS and len(call.args) > 1:
        return call.args[1].id if isinstance(call.args[1], ast.Name) else None
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in BULK_METHODS):
        return None
    root, attrs = _chain(call.func.value)
    if root in assignments and root not in models:
        root, more = _chain(assignments[root])
        attrs += more
    if root not in models or "history" in attrs:  # ``Model.history``: the history rows, read by no dashboard
        return None
    if call.func.attr == "update" and "objects" not in attrs and not attrs:
        return None
    return root


def bulk_writes():
    """[(module:function, line, model name)] of the bulk writes to a dashboard source."""
    from indicators.signals import dashboard_sources

    sources = {model.__name__ for model in dashboard_sources()}
    models = {model.__name__ for model in apps.get_models()}
    found = []
    for module, path in _modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assignments = {
                target.id: node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in ast.walk(function):
                if isinstance(call, ast.Call):
                    model = _written_model(call, assignments, models)
                    if model in sources:
                        found.append((f"{module}:{function.name}", call.lineno, model, _bumps(function)))
    return found


def test_the_scan_sees_the_known_bulk_writes():
    names = {name for name, *_ in bulk_writes()}

    assert "engagements.services.actions.writes:actions_bulk_status" in names
    assert "complaints.retention:anonymise_complaints" in names


def test_every_bulk_write_to_a_dashboard_source_bumps_the_data_version():
    missing = [
        f"{name} (line {line}, {model})"
        for name, line, model, bumps in bulk_writes()
        if not bumps and name not in BUMPED_BY_CALLER
    ]

    assert not missing, "bulk writes without data_version.bump(): " + ", ".join(missing)


@pytest.mark.parametrize("name", sorted(BUMPED_BY_CALLER))
def test_the_exceptions_are_still_bulk_writes(name):
    assert name in {name for name, *_ in bulk_writes()}


# --- each bulk service moves the version (the signals would not) ---------------------------------------------


@pytest.fixture
def moved(settings):
    """``moved(write)``: whether ``write()`` changed the data version, the signals of the row writes aside (they
    bump by themselves: disconnected here, so only the services' own bumps count)."""
    from django.db.models.signals import post_save

    from indicators import signals

    def check(write):
        receivers = post_save.receivers
        post_save.receivers = [r for r in receivers if not str(r[0][0]).startswith(signals.VERSION_UID)]
        post_save.sender_receivers_cache.clear()
        try:
            before = data_version.current()
            write()
            return data_version.current() != before
        finally:
            post_save.receivers = receivers
            post_save.sender_receivers_cache.clear()

    return check


@pytest.mark.django_db
def test_a_bulk_status_change_of_actions_moves_the_version(world, moved):  # noqa: F811
    from engagements.services import actions
    from tests.permissions.actions import action_objects

    objects = action_objects(world)
    ids = [objects.own.pk, objects.shared.pk]

    assert moved(
        lambda: actions.actions_bulk_status(by=world.users["quality_manager"], action_ids=ids, status="in_progress")
    )


@pytest.mark.django_db
def test_open_actions_copied_to_a_new_plan_move_the_version(world, moved):  # noqa: F811
    from engagements.models import ActionPlan
    from engagements.services import actions

    old_plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan 2015")
    factories.ActionFactory(plan=old_plan, site=world.site, in_progress=True)
    new_plan = ActionPlan.objects.create(prefecture=world.prefecture, title="Plan 2016")

    assert moved(
        lambda: actions.actions_copy_open_to_plan(
            by=world.users["quality_manager"], from_plan=old_plan, to_plan=new_plan
        )
    )


@pytest.mark.django_db
def test_anonymised_complaints_and_letters_move_the_version(world, moved):  # noqa: F811
    from complaints import retention
    from complaints.models import Complaint, Correspondence

    factories.ComplaintFactory(site=world.site, with_requester=True)
    factories.CorrespondenceFactory(site=world.site)

    assert moved(lambda: retention.anonymise_complaints(Complaint.objects.all()))
    assert moved(lambda: retention.anonymise_correspondences(Correspondence.objects.all()))
