"""Dependencies between the apps go one way, read from the source (AST), not from what
happens to be imported at run time: lazy imports inside functions count too. Imports
under ``if TYPE_CHECKING:`` do not: they name a type for mypy and never run.

    common, notifications  <-  accounts  <-  programs  <-  applications  <-  partners  <-  reviews

``mou_portal`` (the project: settings, root URLs) may import every app and is not checked.
"""

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom first: an app may import only apps before it in this list.
LAYERS = [
    "common",
    "notifications",
    "accounts",
    "programs",
    "applications",
    "partners",
    "reviews",
]


def imported_apps(app: str) -> dict[str, list[str]]:
    """The other apps ``app``'s source files import → where (``path:line``)."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        type_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
            for statement in node.body
            for inner in ast.walk(statement)
        }
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in LAYERS and top != app:
                    found[top].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return dict(found)


def app_graph() -> dict[str, dict[str, list[str]]]:
    return {app: imported_apps(app) for app in LAYERS}


def find_cycle(graph: dict[str, set[str]] | dict[str, dict]) -> list[str] | None:
    """A cycle of the graph as a path ``[a, b, …, a]``, or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_walker_sees_imports_at_module_level_and_inside_functions():
    graph = app_graph()
    # reviews builds on applications at module level; these are the edges the rules allow,
    # so an empty graph (a walker that read nothing) would fail here.
    assert "applications" in graph["reviews"]
    assert "programs" in graph["applications"]
    assert "notifications" in graph["accounts"]


def test_no_two_apps_import_each_other():
    graph = app_graph()
    cycle = find_cycle(graph)
    where = []
    if cycle:
        for source, target in itertools.pairwise(cycle):
            where.append(f"{source} -> {target}: {', '.join(graph[source][target])}")
    assert cycle is None, "a cycle between apps:\n" + "\n".join(where)


def test_common_imports_no_app():
    assert imported_apps("common") == {}


@pytest.mark.parametrize("app", LAYERS)
def test_each_app_imports_only_the_apps_below_it(app):
    below = set(LAYERS[: LAYERS.index(app)])
    upward = {target: sites for target, sites in imported_apps(app).items() if target not in below}
    assert upward == {}, f"{app} imports apps above it or beside it: {upward}"


# Size limits (issue 9): a module over ~500 lines or a function over ~60 says why in its
# docstring ("Over 500 lines on purpose: …", "Over 60 lines on purpose: …").
MODULE_LINES = 500
FUNCTION_LINES = 60


def _sources():
    for app in [*LAYERS, "mou_portal"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_modules_and_functions_are_small_or_say_why():
    oversized = []
    for path in _sources():
        source = path.read_text()
        tree = ast.parse(source, filename=str(path))
        where = path.relative_to(ROOT)
        lines = source.count("\n")
        if lines > MODULE_LINES and "Over 500 lines" not in (ast.get_docstring(tree) or ""):
            oversized.append(f"{where}: {lines} lines")
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = node.end_lineno - node.lineno + 1
            if length > FUNCTION_LINES and "Over 60 lines" not in (ast.get_docstring(node) or ""):
                oversized.append(f"{where}:{node.lineno} {node.name}: {length} lines")
    assert oversized == [], "too long, and no reason in the docstring:\n" + "\n".join(oversized)
