"""The layer order scrapers < etl < warehouse < talent, and no import loops between modules.

A reader following data from a crawl to a study view should only ever meet code that depends on code
below it: the Scrapy project stands alone (it ships as an egg), etl resolves rows without knowing where
they are stored, warehouse writes tables, talent is the command line and report. ``mirror`` (the offline
copy of the upstream sites, a development tool) may use scrapers and etl; only talent (the demo serves the
mirror) may import it. The graph is read statically with ``ast``: every import counts, including those
inside functions (a deferred import is still a dependency), and a package's ``__init__`` is a module of
its own (``from etl.registry import build`` runs ``etl/registry/__init__.py`` first).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from etl.paths import REPO_ROOT

PACKAGES = ("scrapers", "etl", "warehouse", "talent", "mirror")
LAYER = {"scrapers": 0, "etl": 1, "warehouse": 2, "talent": 3}
# What each package may import besides itself; mirror sits beside warehouse, used by talent alone.
ALLOWED = {
    "scrapers": set(),
    "etl": {"scrapers"},
    "warehouse": {"scrapers", "etl"},
    "talent": {"scrapers", "etl", "warehouse", "mirror"},
    "mirror": {"scrapers", "etl"},
}

Edge = tuple[str, str]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            files[module_name(path)] = path
    return files


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is one of our modules (``a.b.func`` -> ``a.b``)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in a file that lands on one of our modules."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # ``from pkg import sub`` runs ``pkg/__init__.py`` and imports the submodule: two edges.
            targets = [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        for resolved in dict.fromkeys(_resolve(target, modules) for target in targets):
            if resolved and resolved != module:
                yield resolved, node.lineno


def import_graph() -> tuple[dict[str, set[str]], dict[Edge, str]]:
    """Module -> modules it imports, and each edge's first ``file:line``."""
    modules = module_files()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    where: dict[Edge, str] = {}
    for module, path in modules.items():
        for target, line in imported_modules(module, path, modules):
            graph[module].add(target)
            where.setdefault((module, target), f"{path.relative_to(REPO_ROOT)}:{line}")
    return graph, where


def layer_violations(graph: dict[str, set[str]], where: dict[Edge, str]) -> list[str]:
    found = []
    for module, targets in graph.items():
        own = module.split(".")[0]
        for target in sorted(targets):
            other = target.split(".")[0]
            if other != own and other not in ALLOWED[own]:
                found.append(f"{where[(module, target)]}: {module} -> {target} ({own} may not import {other})")
    return sorted(found)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module: each is at least one import loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A concrete loop inside a component, start module repeated at the end, for the failure message."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        succ = next(s for s in sorted(graph[node]) if s in members and (s == start or s not in seen)
                    and (s == start or _reaches(graph, s, start, members)))
        path.append(succ)
        if succ == start:
            return path
        seen.add(succ)
        node = succ


def _reaches(graph: dict[str, set[str]], source: str, target: str, members: set[str]) -> bool:
    todo, seen = [source], {source}
    while todo:
        node = todo.pop()
        if target in graph[node]:
            return True
        for succ in graph[node] & members - seen:
            seen.add(succ)
            todo.append(succ)
    return False


def import_cycles(graph: dict[str, set[str]], where: dict[Edge, str]) -> list[str]:
    found = []
    for component in strongly_connected(graph):
        loop = one_cycle(graph, component)
        edges = ", ".join(where[(a, b)] for a, b in zip(loop, loop[1:], strict=False))
        found.append(f"{' -> '.join(loop)} (via {edges}; component: {', '.join(component)})")
    return found


def package_of(module: str, modules: dict[str, Path]) -> str:
    return module if modules[module].name == "__init__.py" else module.rpartition(".")[0]


def package_cycles(graph: dict[str, set[str]], where: dict[Edge, str]) -> list[str]:
    """Loops between sibling packages (``etl.registry`` <-> ``etl.affiliations``): a package and its own
    subpackages may use each other (``scrapers`` and ``scrapers.parsing``), unrelated packages may not."""
    modules = module_files()
    packages: dict[str, set[str]] = {}
    package_where: dict[Edge, str] = {}
    for module, targets in graph.items():
        source = package_of(module, modules)
        packages.setdefault(source, set())
        for target in targets:
            dest = package_of(target, modules)
            nested = dest.startswith(source + ".") or source.startswith(dest + ".")
            if dest != source and not nested:
                packages[source].add(dest)
                packages.setdefault(dest, set())
                package_where.setdefault((source, dest), f"{where[(module, target)]} ({module} -> {target})")
    return import_cycles(packages, package_where)


def test_layer_order() -> None:
    graph, where = import_graph()
    problems = layer_violations(graph, where)
    assert not problems, "imports against the layer order scrapers < etl < warehouse < talent:\n" + "\n".join(problems)


def test_no_import_cycles() -> None:
    graph, where = import_graph()
    cycles = import_cycles(graph, where)
    assert not cycles, "import loops between modules:\n" + "\n".join(cycles)


def test_no_import_cycles_between_packages() -> None:
    graph, where = import_graph()
    cycles = package_cycles(graph, where)
    assert not cycles, "import loops between packages:\n" + "\n".join(cycles)


if __name__ == "__main__":
    graph, where = import_graph()
    print("\n".join(layer_violations(graph, where)))
    print("\n".join(import_cycles(graph, where)))
    print("\n".join(package_cycles(graph, where)))
