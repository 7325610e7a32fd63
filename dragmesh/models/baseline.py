"""A geometric joint predictor with no learning: the baseline every learned model is compared with.

It reads the part's gravity-aligned bounding box and the drag, and applies the regularities of real
articulated objects (hinges sit on an edge where the part meets the body; drawers slide along
their front normal):

- a thin plate (door, lid, flap) dragged across its face turns about one of its four edges; the hinge
  is the edge whose span from the grab point is the largest fraction of the plate (people grab the
  side opposite the hinge), offset to the plate's face nearest the base;
- a plate dragged within its own plane slides (sliding door, window sash);
- a bulky part (drawer, button) slides along the box axis closest to the drag.

Points are in the model frame: +Y up, centred, unit largest extent.
"""

from __future__ import annotations

import numpy as np

from dragmesh.geometry.joints import Joint, drag_landing
from dragmesh.geometry.rotations import cross
from dragmesh.models.prediction import JointPrediction

REVOLUTE, PRISMATIC = "revolute", "prismatic"

# A part whose thinnest box extent is below this fraction of its middle extent is a plate.
PLATE_RATIO = 0.2


def min_area_rectangle(xy: np.ndarray) -> np.ndarray:
    """Direction (2,) of one side of the minimum-area rectangle enclosing 2-D points (N, 2).

    Rotating calipers over the convex hull's edges; PCA would be arbitrary for square parts.
    """
    from scipy.spatial import ConvexHull, QhullError

    try:
        hull = xy[ConvexHull(xy).vertices]
    except (QhullError, ValueError):
        return np.array([1.0, 0.0])
    edges = np.roll(hull, -1, axis=0) - hull
    length = np.linalg.norm(edges, axis=1)
    # Hull edges between near-coincident points have no direction (normalised, they would be
    # short vectors whose rectangles have a tiny "area", and win).
    real = length > 1e-9 * length.max()
    edges, length = edges[real], length[real]
    if not len(edges):
        return np.array([1.0, 0.0])
    dirs = edges / length[:, None]
    normals = np.stack([-dirs[:, 1], dirs[:, 0]], axis=1)
    u = hull @ dirs.T  # (H, E)
    w = hull @ normals.T
    area = (u.max(0) - u.min(0)) * (w.max(0) - w.min(0))
    return dirs[int(np.argmin(area))]


def _frame_around(points: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Orthonormal rows [normal, e1, e2] with e1, e2 the minimum-area rectangle in the plane ⟂ normal."""
    helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    u = cross(normal, helper)
    u /= np.linalg.norm(u)
    w = cross(normal, u)
    d = min_area_rectangle(np.stack([points @ u, points @ w], axis=1))
    e1 = d[0] * u + d[1] * w
    return np.stack([normal, e1, cross(normal, e1)])


def box_frames(points: np.ndarray) -> list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]:
    """The part's box in two candidate frames: gravity (+Y and the minimum-area rectangle of the
    horizontal footprint) and PCA (the thinnest principal direction and the minimum-area rectangle
    across it). A tilted part is boxed exactly by the second, a square one by the first.

    points: (N, 3). Returns [(volume, centre (3,), axes (3, 3) rows sorted by decreasing extent,
    extents (3,))], gravity first. Extents span the 0.5th to 99.5th percentiles: a stray point
    barely counts, and an edge found this way lies within 0.5% of the part's size of the true one.
    """
    centre0 = points.mean(axis=0)
    q = points - centre0
    _, _, vt = np.linalg.svd(q, full_matrices=False)
    return _boxes(q, centre0, (_frame_around(q, np.array([0.0, 1.0, 0.0])), _frame_around(q, vt[2])))


def _boxes(q: np.ndarray, origin: np.ndarray, frames) -> list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]:
    """The box of points ``q`` (N, 3; relative to ``origin`` (3,)) in each of ``frames`` (rows of
    (3, 3)): extents between the 0.5th and 99.5th percentiles, as :func:`box_frames` returns them."""
    boxes = []
    for axes in frames:
        local = q @ axes.T
        lo, hi = np.percentile(local, 0.5, axis=0), np.percentile(local, 99.5, axis=0)
        ext = np.maximum(hi - lo, 1e-9)
        order = np.argsort(-ext)
        boxes.append((float(np.prod(ext)), origin + ((lo + hi) / 2) @ axes, axes[order], ext[order]))
    return boxes


def surface_frames(vertices: np.ndarray, faces: np.ndarray, points: np.ndarray) -> list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`box_frames` with the box *directions* from the mesh's exact geometry rather than a
    point sample: the principal direction from the surface's area-weighted second moments (closed
    form per triangle), the rectangles from its vertices' hull. Subdividing the mesh, reordering
    it or moving it rigidly moves the directions with it and changes nothing else, so joints read
    from them are stable. Extents and centres are percentiles of ``points`` (M, 3) on the surface,
    as in :func:`box_frames`, so a handle's protrusion barely moves an edge. vertices (V, 3),
    faces (F, 3). Same return as :func:`box_frames`."""
    tri = vertices[faces]  # (F, 3, 3)
    area = 0.5 * np.linalg.norm(cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    total = max(float(area.sum()), 1e-300)
    s = tri.sum(axis=1)
    mean = (area[:, None] * s).sum(0) / (3.0 * total)
    # ∫ x xᵀ dA over a triangle = A / 12 (Σ v vᵀ + s sᵀ), s the sum of its corners.
    second = (np.einsum("f,fki,fkj->ij", area, tri, tri) + np.einsum("f,fi,fj->ij", area, s, s)) / (12.0 * total)
    _, vecs = np.linalg.eigh(second - np.outer(mean, mean))
    hull = vertices[np.unique(faces)] - mean
    q = np.asarray(points, dtype=np.float64) - mean
    return _boxes(q, mean, (_frame_around(hull, np.array([0.0, 1.0, 0.0])), _frame_around(hull, vecs[:, 0])))


def face_planes(points: np.ndarray, centre: np.ndarray, axes: np.ndarray, ext: np.ndarray,
                bins: int = 50, spike: float = 4.0) -> list[np.ndarray]:
    """Where the part's own faces lie along each box axis: the box's two sides plus every flat
    layer where its surface points pile up (a panel's front and back, a door's frame behind its
    handle, a drawer's front). A hinge sits on such a face, which need not be the box's side: a
    handle standing proud of a door pushes the box's front forward, not the door's.

    points (M, 3) on the part's surface; centre (3,), axes (3, 3) rows, ext (3,) from a box
    function above. Returns, per axis, the sorted offsets (L,) from ``centre`` along it. A layer
    is a run of bins (``bins`` over the extent) each holding ``spike`` times the mean count; its
    offset is the median of its points."""
    local = (points - centre) @ axes.T
    out = []
    for k in range(3):
        coords = local[:, k]
        counts, edges = np.histogram(coords, bins=bins, range=(-ext[k] / 2, ext[k] / 2))
        dense = counts >= spike * len(points) / bins
        planes = [-ext[k] / 2, ext[k] / 2]
        start = None
        for b in range(bins + 1):
            if b < bins and dense[b]:
                start = b if start is None else start
            elif start is not None:
                sel = coords[(coords >= edges[start]) & (coords <= edges[b])]
                if len(sel):
                    planes.append(float(np.median(sel)))
                start = None
        planes = np.sort(np.asarray(planes))
        keep = np.concatenate([[True], np.diff(planes) > 0.02 * max(ext[k], 1e-9)])
        out.append(planes[keep])
    return out


def tighter_frame(frames) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tighter of a (gravity, principal) pair of boxes, with a slight preference for gravity
    because real parts are mostly level. Returns centre (3,), axes (3, 3) rows, extents (3,)."""
    (v_g, *gravity), (v_p, *pca) = frames
    return tuple(gravity) if v_g * 0.95 <= v_p else tuple(pca)


def part_frame(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tighter of :func:`box_frames`, with a slight preference for gravity because real parts
    are mostly level. Returns centre (3,), axes (3, 3) rows by decreasing extent, extents (3,)."""
    return tighter_frame(box_frames(points))


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


class DragFitJointPredictor:
    """The no-learning drag fit: every slide along the part's box axes and every hinge on its box
    edge and centre lines along them, keeping the joint that lands the dragged point nearest where
    the drag asks. Exact for an exact drag on a box-aligned joint; a person's drag (direction off
    by up to 20°) is where it errs."""

    name = "dragfit"

    def predict(self, points, mask, drag_point, drag_vector, joint_type: str | None = None) -> JointPrediction:
        """points (N, 3) model frame; mask (N,) bool; drag (3,), (3,)."""
        points = np.asarray(points, dtype=np.float64)
        part = points[np.asarray(mask, dtype=bool)]
        p = np.asarray(drag_point, dtype=np.float64)
        v = np.asarray(drag_vector, dtype=np.float64)
        centre, axes, ext = part_frame(part)
        joints = []
        for k in range(3):
            if joint_type in (None, PRISMATIC):
                joints.append(Joint(PRISMATIC, axes[k], centre))
            if joint_type in (None, REVOLUTE):
                i, j = [n for n in range(3) if n != k]
                for o in [centre] + [centre + s1 * ext[i] / 2 * axes[i] + s2 * ext[j] / 2 * axes[j]
                                     for s1 in (-1, 1) for s2 in (-1, 1)]:
                    joints.append(Joint(REVOLUTE, axes[k], o))
        values, residuals = drag_landing(joints, p, v)
        best = int(np.argmin(residuals))
        joint = joints[best].flipped() if values[best] < 0 else joints[best]
        return JointPrediction(joint=joint, type_probability=1.0 if joint_type else 1.0)
