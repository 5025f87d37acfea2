"""Dependencies point one way (docs/architecture.md, § Sens des dépendances): sites <- accounts <- engagements <-
audits; surveys and complaints use sites, accounts and engagements (not each other); planning (the quality programme)
reads those, and only indicators and reviews import it; indicators read every app and only reviews (the yearly review)
imports them; qualipref/lib imports no app; the project package (settings, urls, demo, tasks, management commands)
wires the apps together and may import any of them, while the apps use only its app-free modules (``PROJECT_BASE``).

Every module is parsed (ast), so the imports written inside functions (lazy ones) count as much as those at the
top, and so do ``apps.get_model("app", ...)`` calls with a literal app label. Not read: tests/ (they build every
app's objects), migrations (they name other apps' models on purpose) and bench/ (the benchmark tools fill every
app's tables).
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = (
    "sites",
    "accounts",
    "engagements",
    "audits",
    "surveys",
    "complaints",
    "planning",
    "crisis",
    "indicators",
    "reviews",
)

# What each app may import besides itself and qualipref.lib / PROJECT_BASE.
MAY_IMPORT = {
    "sites": set(),
    "accounts": {"sites"},
    "engagements": {"sites", "accounts"},
    "audits": {"sites", "accounts", "engagements"},
    "surveys": {"sites", "accounts", "engagements"},
    "complaints": {"sites", "accounts", "engagements"},
    "planning": {"sites", "accounts", "engagements", "audits", "surveys", "complaints"},
    # crisis communication (module 7): the roster, the events and exercises log, the press releases
    "crisis": {"sites", "accounts", "engagements"},
    "indicators": {"sites", "accounts", "engagements", "audits", "surveys", "complaints", "planning", "crisis"},
    # the yearly review reads every register, the indicators and the programme of the year (planning)
    "reviews": {
        "sites",
        "accounts",
        "engagements",
        "audits",
        "surveys",
        "complaints",
        "indicators",
        "planning",
        "crisis",
    },
}

# Modules of the project package that import no app, so that the apps may use them without a cycle.
PROJECT_BASE = (
    "qualipref.views",
    "qualipref.pagination",
    "qualipref.outbox",
    "qualipref.production",
    "qualipref.models",
)

# Imports against the direction that stay, each with why: (importing module, imported module prefix). The pages,
# API and services of the territory check the user's rights, and those are read from the memberships
# (accounts.access): this web layer of sites stands on accounts. The models of sites import nothing of accounts (their
# ``for_user`` rules are registered by accounts, qualipref.lib.scoping), nor does any lazy import.
ALLOWED = {
    ("sites.api", "accounts.access"),
    ("sites.serializers", "accounts.access"),
    ("sites.services", "accounts.access"),
    ("sites.views", "accounts.access"),
}

# Imports between two modules that need each other and stay so, each with why: (module, imported module). None
# today: ``Membership.objects.for_user`` reaches the rules through qualipref.lib.scoping, as sites' querysets do.
ALLOWED_CYCLES = set()


def _allowed(name, imported):
    return any(name == module and imported.startswith(prefix) for module, prefix in ALLOWED)


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        top = relative.parts[0]
        if top not in (*APPS, "qualipref") or "migrations" in relative.parts:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def _is_module(dotted):
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(name, path):
    """(line, imported module) for every import of the module, lazy ones and ``apps.get_model`` included."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, module] if module else base)
            for alias in node.names:  # ``from qualipref import outbox``: the submodule is what is imported
                yield node.lineno, f"{module}.{alias.name}" if _is_module(f"{module}.{alias.name}") else module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value.split(".")[0]


def _component(module):
    top = module.split(".")[0]
    if module == "qualipref.lib" or module.startswith("qualipref.lib."):
        return "qualipref.lib"
    return top


def _is_project_base(module):
    return any(module == base or module.startswith(f"{base}.") for base in PROJECT_BASE)


def _violations():
    found = []
    for name, path in _modules():
        source = _component(name)
        for line, imported in _imports(name, path):
            target = _component(imported)
            if target not in (*APPS, "qualipref", "qualipref.lib") or target == source:
                continue
            if _allowed(name, imported):
                continue
            if source == "qualipref.lib":
                ok = False  # app-agnostic: no app, nor the project package that wires them
            elif source == "qualipref":
                ok = not _is_project_base(name) or target == "qualipref.lib"
            else:  # an app
                ok = target == "qualipref.lib" or _is_project_base(imported) or target in MAY_IMPORT[source]
            if not ok:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return found


def test_every_import_follows_the_direction_of_dependencies():
    assert _violations() == []


def _graph():
    """{module: modules of the project it imports}, without the edges of ``ALLOWED`` and ``ALLOWED_CYCLES``."""
    modules = dict(_modules())
    graph = {}
    for name, path in modules.items():
        graph[name] = set()
        for _, imported in _imports(name, path):
            if _allowed(name, imported):
                continue
            parts = imported.split(".")
            while parts and ".".join(parts) not in modules:  # ``from x.y import Name``: the module x.y
                parts.pop()
            if parts and ".".join(parts) != name and (name, ".".join(parts)) not in ALLOWED_CYCLES:
                graph[name].add(".".join(parts))
    return graph


def _cycles(graph):
    """The groups of modules that import one another (strongly connected components of more than one module)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = set()
            while module not in group:
                group.add(stack.pop())
            on_stack.difference_update(group)
            if len(group) > 1:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return groups


def test_no_modules_import_one_another():
    """A lazy import that breaks a cycle at import time still leaves two modules that need each other (the
    dashboards and their tables, the demo of meetings and the project's demo did): one of them must give way."""
    assert _cycles(_graph()) == []


def test_the_check_sees_lazy_imports_and_get_model_calls(tmp_path, monkeypatch):
    """The parser finds an import inside a function and a ``get_model`` with a literal app label."""
    module = tmp_path / "sites" / "probe.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from indicators import dashboards\n    return apps.get_model('audits', 'Audit')\n")
    imports = [imported for _, imported in _imports("sites.probe", module)]
    assert imports == ["indicators.dashboards", "audits"]


def test_the_allow_lists_hold_only_what_is_still_imported():
    """An entry of ``ALLOWED`` or ``ALLOWED_CYCLES`` that no module needs any more is removed."""
    used, cycles = set(), set()
    for name, path in _modules():
        for _, imported in _imports(name, path):
            for module, prefix in ALLOWED:
                if name == module and imported.startswith(prefix):
                    used.add((module, prefix))
            if (name, imported) in ALLOWED_CYCLES:
                cycles.add((name, imported))
    assert used == ALLOWED
    assert cycles == ALLOWED_CYCLES


def test_every_scoped_queryset_has_its_read_rule():
    """A model on qualipref.lib.scoping without a registered rule would fail at its first ``for_user``."""
    from django.apps import apps

    from qualipref.lib import scoping

    scoped = [model for model in apps.get_models() if isinstance(model.objects.all(), scoping.ScopedQuerySet)]
    assert {model._meta.label for model in scoped} >= {"sites.Site", "sites.Prefecture", "accounts.Membership"}
    assert [model._meta.label for model in scoped if not scoping.registered(model)] == []
