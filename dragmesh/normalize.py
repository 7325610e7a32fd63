"""The one normalisation between a mesh's own coordinates and the model frame (docs/architecture.md, Conventions).

The model frame is gravity-aligned and unit-sized: the user's up direction is rotated onto +Y by the
minimal rotation, then the object is centred on its bounding-box centre (computed after that
rotation) and divided by its largest bounding-box extent. As a 4x4 row-major matrix acting on column
vectors::

    x_model = (R x_mesh - c) / s        M = [[R / s, -c / s], [0, 0, 0, 1]]

Training and inference both use this transform, and every output is mapped back with its inverse,
so users only ever see their mesh's own coordinates and units.

Three kinds of quantity map differently:

- points (positions): the full similarity, :meth:`Normalization.to_model`.
- directions (unit axes): rotation only, :meth:`Normalization.direction_to_model`.
- displacements (drag vectors, translations): rotation and scale, no centring,
  :meth:`Normalization.displacement_to_model`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from dragmesh.errors import InputError, MeshError
from dragmesh.geometry.rotations import rotation_between

MODEL_UP = np.array([0.0, 1.0, 0.0])

# Named axes accepted wherever an up direction is parsed from text.
_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}


def unit_up(up: Sequence[float] | np.ndarray) -> np.ndarray:
    """An up direction as a (3,) float64 unit vector.

    Raises:
        InputError: not three finite numbers, or the zero vector.
    """
    try:
        vec = np.asarray(up, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"up must be three numbers, got {up!r}") from None
    if vec.shape != (3,) or not np.isfinite(vec).all():
        raise InputError(f"up must be three finite numbers, got {up!r}")
    norm = float(np.linalg.norm(vec))
    if norm < 1e-12:
        raise InputError("up must not be the zero vector")
    return vec / norm


def parse_up(text: str) -> np.ndarray:
    """Parse a command-line up direction: ``"X,Y,Z"`` (e.g. ``0,0,1``) or an axis name (``z``,
    ``+z``, ``-y``). Returns a (3,) unit vector; raises InputError on anything else."""
    token = text.strip().lower()
    match = re.fullmatch(r"([+-]?)([xyz])", token)
    if match:
        sign = -1.0 if match.group(1) == "-" else 1.0
        return sign * np.array(_AXES[match.group(2)])
    parts = [p for p in re.split(r"[,\s]+", token) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InputError(f"up must be X,Y,Z or an axis name like +z, got {text!r}") from None
    if len(values) != 3:
        raise InputError(f"up must be X,Y,Z or an axis name like +z, got {text!r}")
    return unit_up(values)


def rotation_onto_y(up: Sequence[float] | np.ndarray) -> np.ndarray:
    """The minimal rotation taking ``up`` onto +Y, as a (3, 3) matrix.

    For ``up`` = -Y every half-turn about a horizontal axis is minimal; the half-turn about X is
    chosen so the choice is deterministic.
    """
    return rotation_between(unit_up(up), MODEL_UP)


def part_yaw(part: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The rotation (3, 3) about +Y that lays the footprint of ``part`` (M, 3), already up = +Y,
    along the axes: the longer side of its minimum-area rectangle onto +X, signed so that the part
    lies on the +X side of the centre of ``points`` (N, 3) (else the +Z side decides). Read from
    the vertices' convex hull, so it is exact and turns with the object."""
    from scipy.spatial import ConvexHull, QhullError

    xz = part[:, [0, 2]]
    try:
        hull = xz[ConvexHull(xz).vertices]
    except (QhullError, ValueError):
        return np.eye(3)
    edges = np.roll(hull, -1, axis=0) - hull
    lengths = np.linalg.norm(edges, axis=1)
    keep = lengths > 1e-12 * max(float(lengths.max()), 1e-300)
    dirs = edges[keep] / lengths[keep, None]
    normals = np.stack([-dirs[:, 1], dirs[:, 0]], axis=1)
    u, w = hull @ dirs.T, hull @ normals.T
    span_u, span_w = u.max(0) - u.min(0), w.max(0) - w.min(0)
    best = int(np.argmin(span_u * span_w))
    d = dirs[best] if span_u[best] >= span_w[best] else normals[best]
    offset = part[:, [0, 2]].mean(axis=0) - (points[:, [0, 2]].min(axis=0) + points[:, [0, 2]].max(axis=0)) / 2
    side = float(offset @ d)
    if abs(side) <= 1e-6 * max(float(np.ptp(points[:, [0, 2]], axis=0).max()), 1e-300):
        side = float(offset @ np.array([-d[1], d[0]]))
    if side < 0:
        d = -d
    # Rotate d = (dx, dz) onto +X about +Y: x' = c x - s z ... with angle -atan2(dz, dx) about Y.
    angle = np.arctan2(d[1], d[0])
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


@dataclass(frozen=True, eq=False)
class Normalization:
    """An invertible similarity from mesh coordinates to the model frame.

    Attributes:
        rotation: (3, 3) rotation R taking the mesh's up onto +Y.
        center: (3,) bounding-box centre c of the rotated object (rotated frame, mesh units).
        scale: s > 0, the largest bounding-box extent of the rotated object (mesh units).
        up: (3,) the mesh's unit up direction R was built from.
    """

    rotation: np.ndarray
    center: np.ndarray
    scale: float
    up: np.ndarray

    @classmethod
    def from_points(
        cls, vertices: np.ndarray, up: Sequence[float] | np.ndarray = (0.0, 1.0, 0.0),
        part: np.ndarray | None = None,
    ) -> "Normalization":
        """The normalisation of an object given its points.

        Args:
            vertices: (N, 3) points of the whole object, mesh units.
            up: the mesh's up direction, any non-zero vector.
            part: optional (M, 3) vertices of the part being dragged. The frame is then also turned
                about up so the part's footprint rectangle lies along the model axes (its longer
                side along +X, pointing away from the object's centre): the same object turned or
                moved anyhow (its up given) then reaches the models as the same numbers, so their
                answer cannot depend on how the file happened to be oriented.

        Raises:
            MeshError: no points, non-finite points, or all points coincide.
        """
        points = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
        if len(points) == 0:
            raise MeshError("cannot normalise an empty point set")
        if not np.isfinite(points).all():
            raise MeshError("cannot normalise points with NaN or infinite coordinates")
        rotation = rotation_onto_y(up)
        if part is not None and len(part) >= 3:
            rotation = part_yaw(np.asarray(part, dtype=np.float64) @ rotation.T, points @ rotation.T) @ rotation
        rotated = points @ rotation.T
        lo, hi = rotated.min(axis=0), rotated.max(axis=0)
        scale = float((hi - lo).max())
        if not scale > 0.0:
            raise MeshError("cannot normalise an object whose points all coincide")
        return cls(rotation=rotation, center=(lo + hi) / 2.0, scale=scale, up=unit_up(up))

    @classmethod
    def from_mesh(cls, mesh: Any, part_faces: np.ndarray | None = None) -> "Normalization":
        """The normalisation of a :class:`~dragmesh.io.PartMesh` (its used vertices and its up);
        with ``part_faces`` (F,) bool, turned about up to the dragged part (see ``from_points``)."""
        part = None if part_faces is None else mesh.vertices[np.unique(mesh.faces[np.asarray(part_faces, bool)])]
        return cls.from_points(mesh.vertices[np.unique(mesh.faces)], mesh.up, part)

    # ---------------------------------------------------------------- matrices

    @property
    def matrix(self) -> np.ndarray:
        """(4, 4) mesh -> model: ``[[R / s, -c / s], [0, 0, 0, 1]]``."""
        m = np.eye(4)
        m[:3, :3] = self.rotation / self.scale
        m[:3, 3] = -self.center / self.scale
        return m

    @property
    def inverse_matrix(self) -> np.ndarray:
        """(4, 4) model -> mesh: ``[[s R^T, R^T c], [0, 0, 0, 1]]``."""
        m = np.eye(4)
        m[:3, :3] = self.scale * self.rotation.T
        m[:3, 3] = self.rotation.T @ self.center
        return m

    # ------------------------------------------------------------------ points

    def to_model(self, points: np.ndarray) -> np.ndarray:
        """Positions (..., 3) in mesh coordinates -> model frame."""
        p = np.asarray(points, dtype=np.float64)
        return (p @ self.rotation.T - self.center) / self.scale

    def from_model(self, points: np.ndarray) -> np.ndarray:
        """Positions (..., 3) in the model frame -> mesh coordinates."""
        p = np.asarray(points, dtype=np.float64)
        return (p * self.scale + self.center) @ self.rotation

    # ----------------------------------------------------------------- vectors

    def direction_to_model(self, v: np.ndarray) -> np.ndarray:
        """Directions (..., 3) (joint axes, normals) -> model frame: rotated, length kept."""
        return np.asarray(v, dtype=np.float64) @ self.rotation.T

    def direction_from_model(self, v: np.ndarray) -> np.ndarray:
        """Directions (..., 3) in the model frame -> mesh frame: rotated back, length kept."""
        return np.asarray(v, dtype=np.float64) @ self.rotation

    def displacement_to_model(self, v: np.ndarray) -> np.ndarray:
        """Displacements (..., 3) (drag vectors, translations; mesh units) -> model units."""
        return (np.asarray(v, dtype=np.float64) @ self.rotation.T) / self.scale

    def displacement_from_model(self, v: np.ndarray) -> np.ndarray:
        """Displacements (..., 3) in model units -> mesh units and frame."""
        return (np.asarray(v, dtype=np.float64) * self.scale) @ self.rotation

    # ------------------------------------------------------- joints and motions

    def joint_to_model(self, joint: Any) -> Any:
        """A :class:`~dragmesh.geometry.joints.Joint` in mesh coordinates -> model frame
        (prismatic limits are rescaled, revolute limits kept)."""
        return joint.transformed(self.matrix)

    def joint_from_model(self, joint: Any) -> Any:
        """A Joint in the model frame -> mesh coordinates."""
        return joint.transformed(self.inverse_matrix)

    def transform_to_model(self, transforms: np.ndarray) -> np.ndarray:
        """Rigid motions (..., 4, 4) expressed in mesh coordinates -> the same motions in the model
        frame, by conjugation ``M T M^-1``. Rotations are unchanged; translations are rotated and
        divided by the scale."""
        t = np.asarray(transforms, dtype=np.float64)
        return self.matrix @ t @ self.inverse_matrix

    def transform_from_model(self, transforms: np.ndarray) -> np.ndarray:
        """Rigid motions (..., 4, 4) in the model frame -> mesh coordinates, ``M^-1 T M``."""
        t = np.asarray(transforms, dtype=np.float64)
        return self.inverse_matrix @ t @ self.matrix

    # ---------------------------------------------------------- serialisation

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict: ``rotation`` (3x3 nested list), ``center``, ``scale``, ``up``."""
        return {
            "rotation": self.rotation.tolist(),
            "center": self.center.tolist(),
            "scale": self.scale,
            "up": self.up.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Normalization":
        """Inverse of :meth:`to_dict`."""
        return cls(
            rotation=np.asarray(d["rotation"], dtype=np.float64).reshape(3, 3),
            center=np.asarray(d["center"], dtype=np.float64).reshape(3),
            scale=float(d["scale"]),
            up=unit_up(d["up"]),
        )
