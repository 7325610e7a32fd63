"""Assembling one generated object: base pieces, moving parts, their joints, rest poses, carried parts.

Builders describe every part at its closed pose, in the closed frame of the part that carries it
(the base, or e.g. a safe door carrying its dial), and let :class:`Assembly` choose rest values,
pose the parts and move carried parts, joints and grasp points with their carrier. Posing is plain
NumPy (Rodrigues), a few microseconds per part.
"""

from __future__ import annotations

import numpy as np

from dragmesh.data import shapes as S
from dragmesh.data.objects import ArticulatedObject, Part
from dragmesh.geometry.joints import PRISMATIC, REVOLUTE, Joint


def joint_matrix(joint: Joint, value: float) -> np.ndarray:
    """4x4 rigid transform of `joint` at `value` (radians or metres), NumPy only."""
    T = np.eye(4)
    if joint.type == REVOLUTE:
        R = S.rotation_matrix(joint.axis, value)
        T[:3, :3] = R
        T[:3, 3] = joint.origin - R @ joint.origin
    else:
        T[:3, 3] = value * joint.axis
    return T


def moved_joint(joint: Joint, T: np.ndarray) -> Joint:
    """`joint` carried by a rigid transform T (4, 4): axis rotated, origin moved, limits kept."""
    return Joint(joint.type, T[:3, :3] @ joint.axis, T[:3, :3] @ joint.origin + T[:3, 3], joint.limits)


def revolute(axis, origin, limits) -> Joint:
    return Joint(REVOLUTE, np.asarray(axis, dtype=np.float64), np.asarray(origin, dtype=np.float64), limits)


def prismatic(axis, origin, limits) -> Joint:
    return Joint(PRISMATIC, np.asarray(axis, dtype=np.float64), np.asarray(origin, dtype=np.float64), limits)


def opening_axis(direction, origin, free_point, outward) -> np.ndarray:
    """Unit hinge axis along `direction`, signed so a positive angle moves `free_point` (3,) along
    `outward` (3,) (a door swings out, a lid lifts)."""
    a = np.asarray(direction, dtype=np.float64)
    a = a / np.linalg.norm(a)
    lever = np.asarray(free_point, dtype=np.float64) - np.asarray(origin, dtype=np.float64)
    return a if np.dot(np.cross(a, lever), outward) >= 0 else -a


class Assembly:
    """Collects the pieces of one object; :meth:`build` returns the :class:`ArticulatedObject`.

    Part 0 is the base (all :meth:`base` meshes merged). Parts are added closed; each gets a rest
    value (closed, or with probability `p_open` somewhere within its limits).
    """

    def __init__(self, category: str, rng: np.random.Generator, p_open: float = 0.3):
        self.category, self.rng, self.p_open = category, rng, p_open
        self._base: list[S.Mesh] = []
        self._parts: list[dict] = []
        self._names: dict[str, int] = {}

    def base(self, *meshes: S.Mesh) -> int:
        """Add meshes to the base (part 0); returns 0."""
        self._base.extend(m for m in meshes if m is not None)
        return 0

    def part(
        self,
        name: str,
        mesh: S.Mesh,
        joint: Joint | None = None,
        grasp=None,
        parent: int = 0,
        value: float | None = None,
        p_open: float | None = None,
    ) -> int:
        """Add a part given closed, in its carrier's closed frame; returns its index.

        value: its rest value; None draws one (closed with probability 1 - p_open, else uniform
        within the limits; a part with unknown limits gets a random turn).
        """
        if isinstance(mesh, list):
            mesh = S.merge(mesh)
        if joint is not None and value is None:
            value = self.rest_value(joint, self.p_open if p_open is None else p_open)
        g = None if grasp is None or len(grasp) == 0 else np.asarray(grasp, dtype=np.float64).reshape(-1, 3)
        self._parts.append(dict(name=name, mesh=mesh, joint=joint, grasp=g, parent=parent, value=float(value or 0.0)))
        return len(self._parts)

    def add(self, part: Part, parent: int = 0) -> int:
        """Add a part already posed at its `value` (e.g. a control from
        :mod:`~dragmesh.data.categories.controls`), in its carrier's closed frame; returns its index."""
        g = (
            None
            if part.grasp is None or len(part.grasp) == 0
            else np.asarray(part.grasp, dtype=np.float64).reshape(-1, 3)
        )
        self._parts.append(
            dict(
                name=part.name,
                mesh=(part.vertices, part.faces),
                joint=part.joint,
                grasp=g,
                parent=parent,
                value=float(part.value),
                posed=True,
            )
        )
        return len(self._parts)

    def name(self, prefix: str) -> str:
        """A part name unique in this object: prefix_0, prefix_1, ..."""
        k = self._names.get(prefix, 0)
        self._names[prefix] = k + 1
        return f"{prefix}_{k}"

    def rest_value(self, joint: Joint, p_open: float) -> float:
        if joint.limits is None:
            return float(self.rng.uniform(0.0, 2 * np.pi))
        lo, hi = joint.limits
        closed = min(max(0.0, lo), hi)
        if self.rng.random() < p_open:
            return float(self.rng.uniform(lo + 0.1 * (hi - lo), hi))
        return closed

    def set_value(self, index: int, value: float) -> None:
        """Override the rest value of part `index` (1-based, as returned by :meth:`part`)."""
        self._parts[index - 1]["value"] = float(value)

    def joint(self, index: int) -> Joint | None:
        """The joint of part `index` (as added, in its carrier's closed frame)."""
        return self._parts[index - 1]["joint"]

    def build(self, size=None, p_dense: float = 0.25, **meta) -> ArticulatedObject:
        """The object: parts posed at their rest values, carried parts moved with their carriers.

        size: the designed outer size (width x, height y, depth z) in metres, stored in meta.
        p_dense: probability that a mesh is subdivided once (uneven triangle density).
        """
        rng = self.rng
        world = [np.eye(4)]
        base_v, base_f = S.merge(self._base)
        parts = [Part("base", base_v, base_f)]
        parents = {}
        for i, p in enumerate(self._parts, start=1):
            W = world[p["parent"]]
            joint = p["joint"]
            own = joint_matrix(joint, p["value"]) if joint is not None and p["value"] else np.eye(4)
            world.append(W @ own)
            T = W if p.get("posed") else W @ own
            v, f = p["mesh"]
            v = v @ T[:3, :3].T + T[:3, 3]
            g = p["grasp"]
            if g is not None:
                g = g @ T[:3, :3].T + T[:3, 3]
            if joint is not None and p["parent"] != 0:
                joint = moved_joint(joint, W)
            parts.append(Part(p["name"], v, np.asarray(f, dtype=np.int64), joint, p["value"], g))
            if p["parent"] != 0:
                parents[i] = p["parent"]
        for part in parts:
            if len(part.faces) < 1500 and rng.random() < p_dense:
                part.vertices, part.faces = S.subdivide((part.vertices, part.faces), 1)
        if parents:
            meta["parents"] = parents
        if size is not None:
            meta["size"] = [float(s) for s in size]
        return ArticulatedObject(self.category, parts, meta)
