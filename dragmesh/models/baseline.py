"""A geometric joint predictor with no learning: the baseline every learned model is compared with.

It reads the part's gravity-aligned bounding box and the drag, and applies the regularities of real
articulated objects (../shared/CATEGORIES.md):

- a thin plate (door, lid, flap) dragged across its face turns about one of its four edges; the hinge
  is the edge whose span from the grab point is the largest fraction of the plate (people grab the
  side opposite the hinge), offset to the plate's face nearest the base;
- a plate dragged within its own plane slides (sliding door, window sash);
- a bulky part (drawer, button) slides along the box axis closest to the drag.

Points are in the model frame: +Y up, centred, unit largest extent.
"""

from __future__ import annotations

import numpy as np

from dragmesh.geometry.joints import Joint
from dragmesh.models.prediction import JointPrediction

REVOLUTE, PRISMATIC = "revolute", "prismatic"

# A part whose thinnest box extent is below this fraction of its middle extent is a plate.
PLATE_RATIO = 0.2
# Axes within this angle of vertical are snapped to +Y (objects are gravity-aligned).
SNAP_DEG = 12.0


def part_frame(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gravity-aware principal box of a point set.

    points: (N, 3). Returns centre (3,), axes (3, 3) with rows sorted by decreasing extent, and
    extents (3,) measured between the 2nd and 98th percentiles (so handles barely count).
    """
    centre0 = points.mean(axis=0)
    _, _, vt = np.linalg.svd(points - centre0, full_matrices=False)
    axes = vt.copy()
    up = np.array([0.0, 1.0, 0.0])
    vertical = np.abs(axes @ up)
    k = int(np.argmax(vertical))
    if vertical[k] > np.cos(np.radians(SNAP_DEG)):
        # Snap: one axis vertical, the other two the principal directions of the horizontal spread.
        flat = points[:, [0, 2]] - centre0[[0, 2]]
        _, _, vt2 = np.linalg.svd(flat, full_matrices=False)
        h1 = np.array([vt2[0, 0], 0.0, vt2[0, 1]])
        h2 = np.array([vt2[1, 0], 0.0, vt2[1, 1]])
        axes = np.stack([up, h1, h2])
    local = (points - centre0) @ axes.T
    lo, hi = np.percentile(local, 2, axis=0), np.percentile(local, 98, axis=0)
    extents = hi - lo
    centre = centre0 + ((lo + hi) / 2) @ axes
    order = np.argsort(-extents)
    return centre, axes[order], extents[order]


class GeometricJointPredictor:
    """Joint from the part's box and the drag; see the module docstring."""

    name = "geometric"

    def predict(
        self,
        points: np.ndarray,
        mask: np.ndarray,
        drag_point: np.ndarray,
        drag_vector: np.ndarray,
        joint_type: str | None = None,
    ) -> JointPrediction:
        """points (N, 3) model frame; mask (N,) bool, True on the moving part; drag (3,), (3,)."""
        points = np.asarray(points, dtype=np.float64)
        mask = np.asarray(mask, dtype=bool)
        p = np.asarray(drag_point, dtype=np.float64)
        v = np.asarray(drag_vector, dtype=np.float64)
        part, base = points[mask], points[~mask]
        centre, axes, ext = part_frame(part)
        vdir = v / max(np.linalg.norm(v), 1e-12)
        align = np.abs(axes @ vdir)  # |cos| of the drag with each box axis

        plate = ext[2] < PLATE_RATIO * ext[1]
        # Evidence for revolute: a plate dragged across its face (normal = axes[2]).
        if plate:
            p_rev = float(np.clip(0.5 + 0.9 * (align[2] - 0.5), 0.05, 0.95))
        else:
            p_rev = 0.15
        kind = joint_type or (REVOLUTE if p_rev >= 0.5 else PRISMATIC)
        prob = 1.0 if joint_type else (p_rev if kind == REVOLUTE else 1.0 - p_rev)

        if kind == PRISMATIC:
            joint = self._prismatic(centre, axes, align, vdir)
        else:
            joint = self._revolute(centre, axes, ext, base, p, v)
        if joint.drag_value(p, v, clamp=False) < 0:
            joint = joint.flipped()
        return JointPrediction(joint=joint, type_probability=prob)

    @staticmethod
    def _prismatic(centre, axes, align, vdir) -> Joint:
        axis = axes[int(np.argmax(align))]
        return Joint(PRISMATIC, axis, centre)

    @staticmethod
    def _revolute(centre, axes, ext, base, p, v) -> Joint:
        normal = axes[2]
        # The plate's face nearest the base carries the hinge (doors, lids swing away from the body).
        if len(base):
            side = np.sign(np.mean((base - centre) @ normal)) or 1.0
        else:
            side = 1.0
        face = centre + side * normal * ext[2] / 2
        best, best_score = None, -np.inf
        for i in (0, 1):
            along, across = axes[i], axes[1 - i]
            for s in (-1.0, 1.0):
                origin = face + s * across * ext[1 - i] / 2
                # Fraction of the plate between the hinge and the grab point: 1 = opposite edge.
                span = abs((p - origin) @ across) / max(ext[1 - i], 1e-9)
                joint = Joint(REVOLUTE, along, origin)
                theta = joint.drag_value(p, v, clamp=False)
                moved = joint.apply(p[None], theta)[0]
                fit = np.linalg.norm(moved - (p + v)) / max(np.linalg.norm(v), 1e-9)
                score = span - 0.5 * fit
                if score > best_score:
                    best, best_score = joint, score
        return best
