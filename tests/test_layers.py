"""The layers of `game/`, checked on its import graph: no import cycles, Flask and Socket.IO
only in the server, SQLAlchemy only in the store, and an engine that reaches neither, even
through other modules.

The graph comes from grimp, which reads every import statement in the source, so imports
inside functions and under `TYPE_CHECKING` count as much as those at the top.
"""

from __future__ import annotations

import grimp
import pytest

# The packages of `game/`, each a layer: decks below the engine, the engine below the store
# and the server. `game.paper` prints decks; `game.cli` and `game.errors` sit beside them.
DECKS = "game.decks"
ENGINE = "game.engine"
STORE = "game.store"
SERVER = "game.server"

# Who may import which third-party package (and anything inside it).
ONLY = {
    "flask": SERVER,
    "flask_socketio": SERVER,
    "socketio": SERVER,
    "engineio": SERVER,
    "sqlalchemy": STORE,
}
# What each layer must not reach, even through other modules.
NEVER_REACHES = {
    DECKS: (ENGINE, STORE, SERVER),
    ENGINE: (STORE, SERVER),
    STORE: (ENGINE, SERVER),
    "game.paper": (ENGINE, STORE, SERVER),
}


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # No cache: it would be a directory written into the working tree.
    return grimp.build_graph("game", include_external_packages=True, cache_dir=None)


def _internal(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    mods = {m for m in graph.modules if m == "game" or m.startswith("game.")}
    return {m: graph.find_modules_directly_imported_by(m) & mods for m in mods}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a module importing
    itself): each is at least one import cycle. Tarjan's algorithm, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return found


def test_cycles_finds_what_it_should() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(cycles(edges)) == [["a", "b", "c"], ["e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    edges = _internal(graph)
    found = cycles(edges)
    described = []
    for component in found:
        first = component[0]
        then = min(edges[first] & set(component))
        chain = graph.find_shortest_chain(then, first) if then != first else None
        described.append(" -> ".join([first, *(chain or [then])]))
    assert not found, "import cycles:\n" + "\n".join(described)


def test_the_packages_are_there(graph: grimp.ImportGraph) -> None:
    for package in (DECKS, ENGINE, STORE, SERVER, *NEVER_REACHES):
        members = {m for m in graph.modules if inside(m, package)}
        assert len(members) > 1, f"{package} has no modules: is the list stale?"


@pytest.mark.parametrize("package", sorted(ONLY))
def test_third_party_only_where_allowed(graph: grimp.ImportGraph, package: str) -> None:
    assert package in graph.modules, f"{package} is not imported at all: is the list stale?"
    importers = {m for m in graph.find_modules_that_directly_import(package)
                 if m.startswith("game")}
    wrong = sorted(m for m in importers if not inside(m, ONLY[package]))
    assert not wrong, f"{package} imported outside {ONLY[package]}: {wrong}"


@pytest.mark.parametrize("layer", sorted(NEVER_REACHES))
def test_each_layer_reaches_only_those_below(graph: grimp.ImportGraph, layer: str) -> None:
    modules = sorted(m for m in graph.modules if inside(m, layer))
    wrong = []
    for far in NEVER_REACHES[layer]:
        targets = sorted(m for m in graph.modules if inside(m, far))
        for module in modules:
            for target in targets:
                chain = graph.find_shortest_chain(module, target)
                if chain:
                    wrong.append(" -> ".join(chain))
                    break
    assert not wrong, f"{layer} reaches what it must not:\n" + "\n".join(wrong)
