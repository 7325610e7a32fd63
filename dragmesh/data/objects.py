"""The articulated object every data source produces, and the category registry.

An :class:`ArticulatedObject` is a set of rigid parts in the object's rest frame (metres, +Y up):
part 0 is the base; every other part may carry a joint. A generator of one category is a function
``build(rng) -> ArticulatedObject`` registered with :func:`register`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from dragmesh.geometry.joints import Joint


@dataclass
class Part:
    """One rigid part: a triangle mesh in the object's frame.

    vertices: (V, 3) float64, metres. faces: (F, 3) int64.
    joint: how the part moves relative to the base (None for the base and fixed parts).
    value: the part's current joint value in the rest mesh (0 = closed); the mesh is already posed
    at that value, so a motion of delta moves the part to value + delta.
    grasp: (K, 3) points where a person would grab it (handle, free edge), in the object's frame.
    """

    name: str
    vertices: np.ndarray
    faces: np.ndarray
    joint: Joint | None = None
    value: float = 0.0
    grasp: np.ndarray | None = None


@dataclass
class ArticulatedObject:
    """A base plus parts; part 0 is the base. ``category`` names the registry entry."""

    category: str
    parts: list[Part]
    meta: dict = field(default_factory=dict)

    def movable(self) -> list[int]:
        """Indices of the parts that have a joint."""
        return [i for i, p in enumerate(self.parts) if p.joint is not None]

    def to_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Concatenate parts: vertices (V, 3), faces (F, 3), face_labels (F,) = part index."""
        verts, faces, labels, offset = [], [], [], 0
        for i, p in enumerate(self.parts):
            verts.append(p.vertices)
            faces.append(p.faces + offset)
            labels.append(np.full(len(p.faces), i, dtype=np.int64))
            offset += len(p.vertices)
        return np.concatenate(verts), np.concatenate(faces).astype(np.int64), np.concatenate(labels)


Builder = Callable[[np.random.Generator], ArticulatedObject]
CATEGORIES: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    """Decorator adding a category builder to :data:`CATEGORIES` under ``name``."""

    def wrap(fn: Builder) -> Builder:
        if name in CATEGORIES:
            raise ValueError(f"category {name!r} registered twice")
        CATEGORIES[name] = fn
        return fn

    return wrap
