"""DragMesh: drag a part of a static mesh; infer its joint; generate the motion."""

__version__ = "0.1.0"

# The scripting API, imported on first use so `import dragmesh` (and the CLI's startup) stays light.
_LAZY = {"articulate": "dragmesh.pipeline", "DragMesh": "dragmesh.pipeline", "ArticulationResult": "dragmesh.pipeline"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dragmesh' has no attribute {name!r}")
