"""The import direction of the layers (docs/architecture.md, "Layers"): each part of the program
imports only the parts below it, and nothing imports in a circle.

A part is a subpackage of ``dragmesh`` (``dragmesh/io/``), a top-level module (``dragmesh/physics.py``)
or the ``viewer`` package. Every import counts, those inside functions too (a lazy import is still a
dependency), and so does a module named by a string for ``importlib`` (the CLI's routes). Imports
are read with ``ast`` from the source, so nothing is executed.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dragmesh", "viewer")

# Part -> the parts it may import, lowest layer first (the table docs/architecture.md draws).
CORE = {"errors", "geometry"}
NUMERIC = CORE | {"normalize", "sampling"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model_names": set(),
    "geometry": {"errors"},
    "normalize": CORE,
    "sampling": CORE,
    "render": CORE,
    "io": NUMERIC,
    "physics": NUMERIC | {"io"},
    "data": NUMERIC | {"io", "render"},
    "models": NUMERIC | {"io", "physics"},
    "export": CORE | {"io", "render"},
    "segment": NUMERIC | {"io", "physics", "data", "models", "export"},
    "pipeline": NUMERIC | {"io", "physics", "models", "export", "segment", "model_names"},
    "eval": NUMERIC | {"io", "physics", "data", "models", "export", "segment", "pipeline", "model_names"},
    "training": NUMERIC | {"io", "physics", "data", "models", "export", "pipeline", "eval", "segment", "model_names"},
    "viewer": NUMERIC | {"io", "physics", "data", "models", "export", "pipeline", "segment", "render", "model_names"},
    "commands": NUMERIC | {"io", "physics", "data", "models", "export", "pipeline", "eval", "segment", "training",
                           "render", "viewer", "model_names"},
    "cli": {"errors", "commands", "model_names"},
    "__main__": {"cli"},
    "dragmesh": {"pipeline"},  # the package itself: the scripting API, imported on first use
}

# ALLOWED FOR NOW, to be removed: module imports that close a circle, in files this clean-up does
# not own. (importer, imported) -> why it is there and how it goes away.
ALLOWED_FOR_NOW: dict[tuple[str, str], str] = {
}

# Modules that must load without torch (the NumPy kinematic core and everything that loads a mesh).
TORCH_FREE = ("dragmesh.geometry", "dragmesh.geometry.joints", "dragmesh.geometry.rotations",
              "dragmesh.geometry.triangles", "dragmesh.io", "dragmesh.normalize", "dragmesh.sampling",
              "dragmesh.models.weights")


def _modules() -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the packages."""
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _part(module: str) -> str:
    """The part a module belongs to: ``dragmesh.io.gltf`` -> ``io``, ``viewer.session`` -> ``viewer``."""
    pieces = module.split(".")
    if pieces[0] == "viewer":
        return "viewer"
    return pieces[1] if len(pieces) > 1 else "dragmesh"


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the packages that ``module`` imports (nearest existing module of each name)."""
    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names += [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                and node.value in modules:
            names.append(node.value)  # a module named for importlib
    found = {known(n) for n in names if n.split(".")[0] in PACKAGES}
    # A module importing its own package's __init__ (or itself) is not a dependency between modules.
    return {m for m in found if m and m != module and not module.startswith(m + ".")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_table_is_itself_one_way():
    assert _cycles({part: set(allowed) for part, allowed in ALLOWED.items()}) == []
    assert all(allowed <= ALLOWED.keys() for allowed in ALLOWED.values())


def test_every_part_imports_only_the_parts_below_it():
    graph = _graph()
    assert {_part(m) for m in graph} <= ALLOWED.keys(), "a new part: give it a row in ALLOWED"
    back = sorted(f"{m} imports {t}" for m, targets in graph.items() for t in targets
                  if _part(t) != _part(m) and _part(t) not in ALLOWED[_part(m)])
    assert back == [], "imports against the layers:\n" + "\n".join(back)


def test_no_modules_import_each_other_in_a_circle():
    graph = _graph()
    for (importer, imported), _why in ALLOWED_FOR_NOW.items():
        assert imported in graph[importer], f"{importer} no longer imports {imported}: drop it from ALLOWED_FOR_NOW"
        graph[importer] = graph[importer] - {imported}
    assert _cycles(graph) == []


def test_the_checks_see_a_back_arrow_and_a_circle():
    graph = {"dragmesh.geometry.joints": {"dragmesh.models.dqvae"}, "dragmesh.models.dqvae": {"dragmesh.geometry.joints"}}
    assert _part("dragmesh.models.dqvae") not in ALLOWED[_part("dragmesh.geometry.joints")]
    assert _cycles(graph) == [sorted(graph)]
    modules = _modules()
    assert "dragmesh.pipeline" in _imports("dragmesh", modules["dragmesh"], modules)  # named for importlib


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_the_kinematic_core_and_mesh_loading_import_no_torch():
    loaded = _loaded_after("\n".join(f"import {m}" for m in TORCH_FREE))
    assert "torch" not in loaded
    assert not any(m.startswith("dragmesh.models.") and m != "dragmesh.models.weights" for m in loaded)


def test_the_viewer_session_imports_without_pyglet():
    loaded = _loaded_after("import viewer.session")
    assert "pyglet" not in loaded and "viewer.session" in loaded


def test_the_viewer_controller_imports_without_pyglet():
    # Every user action and the status text run headless: the window is only pyglet's wiring.
    loaded = _loaded_after("import viewer.controller")
    assert "pyglet" not in loaded and "OpenGL" not in loaded and "viewer.controller" in loaded
