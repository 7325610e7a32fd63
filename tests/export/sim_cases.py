"""Articulated assets for the simulator-export tests (MJCF, USD), made by the shipped pipeline on the
built-in cabinet (geometric joints, analytic motion: fast, no weights), and the pose checks they share.

Cases:
- ``cabinet``: door and drawer as inferred, each given limits, as one object (two parts);
- ``oblique``: the door on a tilted hinge line and the drawer on a slanted slide, neither axis a
  coordinate axis, so USD needs rotated joint frames;
- ``continuous``: the door without limits (an unlimited joint).
"""

from __future__ import annotations

import functools

import numpy as np

from dragmesh.commands.demo import DRAGS, example_path
from dragmesh.geometry.joints import Joint

DOOR_LIMITS = (-0.1, 1.6)  # radians
DRAWER_LIMITS = (-0.01, 0.3)  # metres
FRAMES = 6


@functools.lru_cache(maxsize=None)
def pipeline():
    from dragmesh.pipeline import DragMesh

    dm = DragMesh(joint_model="geometric", motion_model="analytic")
    return dm, dm.load(example_path())


def _drag(part: str):
    return next((p, v) for name, p, v in DRAGS if name == part)


def _articulate(part: str, joint: Joint | None = None):
    dm, mesh = pipeline()
    point, vector = _drag(part)
    return dm.articulate(mesh, part, point, vector, frames=FRAMES, joint=joint)


@functools.lru_cache(maxsize=None)
def results(case: str):
    """The pipeline's results of ``case`` (one per moving part)."""
    door, drawer = _articulate("door"), _articulate("drawer")
    if case == "cabinet":
        j, k = door.joint, drawer.joint
        return (_articulate("door", Joint(j.type, j.axis, j.origin, DOOR_LIMITS)),
                _articulate("drawer", Joint(k.type, k.axis, k.origin, DRAWER_LIMITS)))
    if case == "oblique":
        hinge = door.joint.axis + np.array([0.25, 0.0, -0.15])
        slide = drawer.joint.axis + np.array([0.2, 0.3, 0.0])
        return (_articulate("door", Joint("revolute", hinge, door.joint.origin, DOOR_LIMITS)),
                _articulate("drawer", Joint("prismatic", slide, drawer.joint.origin, DRAWER_LIMITS)))
    if case == "continuous":
        j = door.joint
        return (_articulate("door", Joint(j.type, j.axis, j.origin, None)),)
    raise KeyError(case)


CASES = ("cabinet", "oblique", "continuous")


def make(case: str):
    """A fresh ArticulatedAsset of ``case`` (the pipeline's ``combine``)."""
    from dragmesh.pipeline import combine

    return combine(list(results(case)), name=f"cabinet_{case}")


def diagonal(asset) -> float:
    points = np.vstack([asset.base_vertices] + [p.vertices for p in asset.parts])
    return float(np.linalg.norm(points.max(axis=0) - points.min(axis=0)))


def assert_same_motion(found: np.ndarray, expected: np.ndarray, points: np.ndarray, tol: float) -> None:
    """Both 4x4 transforms move every one of ``points`` to within ``tol`` of each other."""
    a = points @ found[:3, :3].T + found[:3, 3]
    b = points @ expected[:3, :3].T + expected[:3, 3]
    err = float(np.linalg.norm(a - b, axis=1).max())
    assert err <= tol, f"poses differ by {err:.3g} > {tol:.3g}"
